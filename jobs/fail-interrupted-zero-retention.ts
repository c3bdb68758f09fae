import type { Job } from './runner';
import { failInterruptedZeroRetention } from '../server/db/zero-retention';
import { zeroRetentionHolds } from '../server/services/zero-retention/holds';

/** Zero-retention images lived only in the memory of a process that stopped: the user is told to upload again. */
export const failInterruptedZeroRetentionJob: Job = {
  name: 'fail-interrupted-zero-retention',
  schedule: '* * * * *',
  run: async (deps) => {
    const holds = zeroRetentionHolds(deps);
    const reason = 'The server restarted before this image was described; it was never stored, so upload it again.';
    return { failed: await failInterruptedZeroRetention(deps.db, reason, deps.clock.now().getTime(), (batchId) => holds.has(batchId)) };
  },
};
