import type { Deps } from '../../deps';
import { endReceiving } from '../../queue/results';

/**
 * Ends the uploads whose web process died mid-body. Their images are described as usual, but a
 * batch counts as finished only once its upload has ended; when every image finished before the
 * deadline passed, no later result would finish the batch, so this does (its `batch.completed`
 * webhook included). Answers how many batches it finished.
 */
export async function endLapsedUploads(deps: Deps): Promise<number> {
  const now = deps.clock.now().getTime();
  const lapsed = await deps.db('batches').whereNotNull('receiving_until').andWhere('receiving_until', '<=', now).limit(500).pluck('id');
  let finished = 0;
  for (const batchId of lapsed as string[]) {
    const last = await endReceiving(deps.db, batchId, now, true);
    if (!last) continue;
    finished += 1;
    deps.events.emit('batch.completed', { ...last, batchId }, (err) => deps.logger.error({ err }, 'event listener failed'));
  }
  return finished;
}
