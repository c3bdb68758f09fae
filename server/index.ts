import { loadConfig, loadDotEnv, ConfigError } from './config';
import { createLogger } from './logger';
import { closeProcess, openProcess, startRoles } from './roles';

/**
 * Boot: config → db → migrate → the roles SIGHTLINE_ROLE names (all three by default) → shut down
 * gracefully on SIGTERM/SIGINT.
 */
async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const deps = await openProcess(config, logger);
  const roles = await startRoles(deps, config.roles);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await roles.stop();
    await closeProcess(deps);
    logger.info('stopped');
    logger.flush(() => process.exit(0));
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(`Sightline failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  }
  process.exit(1);
});
