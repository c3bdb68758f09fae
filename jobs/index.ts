import { JobRunner, Job } from './runner';
import type { Deps } from '../server/deps';
import { failInterruptedZeroRetention } from '../server/db/zero-retention';
import { expireImageBlobsJob } from './expire-image-blobs';
import { purgeExpiredTextJob } from './purge-expired-text';
import { finishAccountDeletionsJob } from './finish-account-deletions';
import { sweepBlobFilesJob } from './sweep-blob-files';
import { maintainDatabaseJob } from './maintain-database';
import { rotateTextKeysJob } from './rotate-text-keys';
import { purgeApiRecordsJob } from './purge-api-records';

/**
 * The schedule table. Order matters at boot: expiry first (the promise users see), the database
 * checkpoint last so it also flushes what the other jobs deleted.
 */
export const SCHEDULE: readonly Job[] = [
  expireImageBlobsJob,
  purgeExpiredTextJob,
  finishAccountDeletionsJob,
  sweepBlobFilesJob,
  purgeApiRecordsJob,
  rotateTextKeysJob,
  maintainDatabaseJob,
];

/** Catches up on everything due, then starts the ticks. Stop it on shutdown. */
export async function startJobs(deps: Deps, jobs: readonly Job[] = SCHEDULE): Promise<JobRunner> {
  const runner = new JobRunner(deps, jobs);
  // Zero-retention images lived only in the memory of the process that stopped.
  await failInterruptedZeroRetention(deps.db, 'The server restarted before this image was described; it was never stored, so upload it again.', deps.clock.now().getTime());
  await runner.catchUp();
  runner.start();
  return runner;
}
