import type { Deps } from '../../deps';
import type { SightlineEventName } from '../../events';
import { batchProgress, type BatchProgress } from './progress';

const BATCH_EVENTS: SightlineEventName[] = ['image.started', 'image.queued', 'image.completed', 'image.failed', 'batch.completed', 'batch.cancelled'];

export interface WatchOptions {
  /** Events arriving within this window are answered with one reload. */
  coalesceMs?: number;
  /** A reload even without events, for changes that announce nothing (e.g. another tab deleting images). */
  refreshMs?: number;
}

/**
 * Calls `onProgress` with the batch's fresh state whenever something happens to it. Returns the
 * function that stops watching. The state is read from the database, never built from the events.
 */
export function watchBatch(
  deps: Deps,
  userId: number,
  batchId: string,
  onProgress: (progress: BatchProgress) => void,
  { coalesceMs = 100, refreshMs = 5_000 }: WatchOptions = {},
): () => void {
  let pending: NodeJS.Timeout | undefined;
  let stopped = false;
  const reload = () => {
    pending = undefined;
    batchProgress(deps, userId, batchId)
      .then((progress) => {
        if (!stopped) onProgress(progress);
      })
      .catch((err: unknown) => deps.logger.warn({ err, batchId }, 'batch progress reload failed'));
  };
  const schedule = () => {
    if (!pending && !stopped) pending = setTimeout(reload, coalesceMs);
  };
  const offs = BATCH_EVENTS.map((name) =>
    deps.events.on(name, (event) => {
      if (event.batchId === batchId && event.userId === userId) schedule();
    }),
  );
  const refresh = setInterval(schedule, refreshMs);
  return () => {
    stopped = true;
    clearTimeout(pending);
    clearInterval(refresh);
    for (const off of offs) off();
  };
}
