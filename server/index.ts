import http from 'node:http';
import { loadConfig, loadDotEnv, ConfigError } from './config';
import { createDb, migrateLatest } from './db/knex';
import { createLogger } from './logger';
import { systemClock } from './clock';
import { createApp } from './app';
import type { Deps } from './deps';
import { createEvents } from './events';
import { createDescriber } from './describers';
import { createQueue } from './queue';
import { createBlobStore } from './storage';
import { WebhookDispatcher, subscribeWebhooks } from './webhooks';
import { startJobs } from '../jobs';
import { closeServer } from './shutdown';
import { endProgressStreams } from './services/describe/progress-streams';
import { startTextKeys } from './db/text-shredding';

/** How long in-flight requests get to finish once SIGTERM arrives. */
const SHUTDOWN_GRACE_MS = 10_000;

/** Boot: config → db → migrate → app → listen; shut down gracefully on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const db = createDb(config.database);
  await migrateLatest(db);
  const blobs = createBlobStore(config);
  await startTextKeys(db, blobs);
  // Any temp file left at boot belongs to a write a crash interrupted.
  await blobs.sweepTempFiles(0);
  const deps: Deps = {
    config,
    db,
    logger,
    clock: systemClock,
    blobs,
    events: createEvents(),
    describer: createDescriber(config, logger),
    queue: createQueue(config, () => deps),
  };
  // Subscribed before the queue starts, so no completion event goes unheard.
  deps.webhooks = new WebhookDispatcher(deps);
  subscribeWebhooks(deps, deps.webhooks);
  deps.webhooks.start();
  // Overdue deletions run before the first request is served; node-cron does not backfill missed ticks.
  const jobs = await startJobs(deps);
  // Jobs whose lease ran out while the process was down go back to the queue before claiming starts.
  await deps.queue.start();
  const app = createApp(deps);
  const server = http.createServer(app);
  server.listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = config.baseUrl ?? `http://localhost:${port}`;
    logger.info({ port }, 'listening');
    process.stdout.write(`Sightline is running at ${url}\n`);
    // Models load in the background now rather than when the first image arrives.
    deps.describer.warm?.();
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // Live-progress streams never finish on their own: end them first, or they hold the grace period.
    endProgressStreams(deps);
    // Stop accepting, let in-flight requests finish, then close the database.
    await closeServer(server, SHUTDOWN_GRACE_MS);
    await jobs.stop();
    // Running describe jobs finish or go back to the queue before the database closes.
    await deps.queue.stop();
    // After the queue: its last completions still become deliveries, sent now or at the next boot.
    await deps.webhooks?.stop();
    await (app.locals.stopRetentionWatch as () => Promise<void>)();
    await deps.describer.close();
    await db.destroy();
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
