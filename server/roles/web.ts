import http from 'node:http';
import type { Deps } from '../deps';
import { createApp } from '../app';
import { closeServer } from '../shutdown';
import { endProgressStreams } from '../services/describe/progress-streams';
import type { RunningRole } from './running';

/** How long in-flight requests get to finish once SIGTERM arrives. */
const SHUTDOWN_GRACE_MS = 10_000;

/**
 * Serves the pages and the API. Claims no jobs and runs no cron: uploads are queued for a worker
 * (in this process or another). Zero-retention uploads are described here, from memory.
 */
export async function startWeb(deps: Deps): Promise<RunningRole> {
  const { config, logger } = deps;
  const app = createApp(deps);
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ port }, 'listening');
  process.stdout.write(`Sightline is running at ${config.baseUrl ?? `http://localhost:${port}`}\n`);
  return {
    async stop() {
      // Live-progress streams never finish on their own: end them first, or they hold the grace period.
      endProgressStreams(deps);
      await closeServer(server, SHUTDOWN_GRACE_MS);
    },
  };
}
