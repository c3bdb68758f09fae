import { JobRunner, Job } from './runner';
import type { Deps } from '../server/deps';
import { failInterruptedZeroRetentionJob } from './fail-interrupted-zero-retention';
import { endLapsedUploadsJob } from './end-lapsed-uploads';
import { expireImageBlobsJob } from './expire-image-blobs';
import { purgeExpiredTextJob } from './purge-expired-text';
import { finishAccountDeletionsJob } from './finish-account-deletions';
import { sweepBlobFilesJob } from './sweep-blob-files';
import { maintainDatabaseJob } from './maintain-database';
import { rotateTextKeysJob } from './rotate-text-keys';
import { purgeApiRecordsJob } from './purge-api-records';
import { resumeWordPressScansJob } from './resume-wordpress-scans';
import { wordpressDailyJob } from './wordpress-daily';
import { fillImageFlagsJob } from './fill-image-flags';

/**
 * The schedule table. Order matters at boot: interrupted zero-retention images are failed first,
 * so their pages stop waiting; then expiry (the promise users see); the database
 * checkpoint last so it also flushes what the other jobs deleted.
 */
export const SCHEDULE: readonly Job[] = [
  failInterruptedZeroRetentionJob,
  endLapsedUploadsJob,
  expireImageBlobsJob,
  purgeExpiredTextJob,
  finishAccountDeletionsJob,
  sweepBlobFilesJob,
  purgeApiRecordsJob,
  resumeWordPressScansJob,
  wordpressDailyJob,
  fillImageFlagsJob,
  rotateTextKeysJob,
  maintainDatabaseJob,
];

/** Catches up on everything due, then starts the ticks. Stop it on shutdown. */
export async function startJobs(deps: Deps, jobs: readonly Job[] = SCHEDULE): Promise<JobRunner> {
  const runner = new JobRunner(deps, jobs);
  await runner.catchUp();
  runner.start();
  return runner;
}
