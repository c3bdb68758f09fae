import type { Deps } from '../deps';
import type { Role } from './names';
import type { RunningRole } from './running';
import { startScheduler } from './scheduler';
import { startWorker } from './worker';
import { startWeb } from './web';

export { ROLES, parseRoles, runsEveryRole, type Role } from './names';
export { openProcess, closeProcess } from './process';
export type { RunningRole } from './running';

/**
 * Starts this process's roles: the scheduler first (overdue deletions run before the first
 * request is served; node-cron does not backfill missed ticks), then the worker, then the web.
 * stop() stops them in the reverse order: no new requests, then no new cron runs, then the queue.
 */
export async function startRoles(deps: Deps, roles: readonly Role[]): Promise<RunningRole> {
  const started: RunningRole[] = [];
  if (roles.includes('scheduler')) started.push(await startScheduler(deps));
  if (roles.includes('worker')) started.push(await startWorker(deps));
  if (roles.includes('web')) started.push(await startWeb(deps));
  deps.logger.info({ roles }, 'started');
  return {
    async stop() {
      for (const role of started.reverse()) await role.stop();
    },
  };
}
