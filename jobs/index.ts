import { JobRunner, Job } from './runner';
import type { JobDeps } from './types';
import { expireImageBlobsJob } from './expire-image-blobs';
import { purgeExpiredTextJob } from './purge-expired-text';
import { maintainDatabaseJob } from './maintain-database';

/**
 * The schedule table. Order matters at boot: expiry first (the promise users see), the database
 * checkpoint last so it also flushes what the other jobs deleted.
 */
export const SCHEDULE: readonly Job[] = [expireImageBlobsJob, purgeExpiredTextJob, maintainDatabaseJob];

/** Catches up on everything due, then starts the ticks. Stop it on shutdown. */
export async function startJobs(deps: JobDeps, jobs: readonly Job[] = SCHEDULE): Promise<JobRunner> {
  const runner = new JobRunner(deps, jobs);
  await runner.catchUp();
  runner.start();
  return runner;
}
