import type { Deps } from '../../deps';
import { HttpError } from '../../middleware/errors';
import { batchImageStates, type BatchProgressRow } from '../../queue/batch-control';

export interface BatchProgress {
  batchId: string;
  status: string;
  total: number;
  counts: { queued: number; processing: number; done: number; failed: number; cancelled: number; refused: number };
  /** Images that reached done, failed, cancelled or refused. */
  finished: number;
  /** True when nothing is queued or processing any more. */
  complete: boolean;
  images: BatchProgressRow[];
}

/** Where a batch stands, for the progress bar, polling and server-sent events. 404 if not the user's. */
export async function batchProgress(deps: Deps, userId: number, batchId: string): Promise<BatchProgress> {
  const state = await batchImageStates(deps.db, userId, batchId);
  if (!state) throw new HttpError(404, 'Not found', 'not_found');
  const counts = { queued: 0, processing: 0, done: 0, failed: 0, cancelled: 0, refused: 0 };
  for (const image of state.images) {
    if (image.status in counts) counts[image.status as keyof typeof counts]++;
  }
  const pending = counts.queued + counts.processing;
  return {
    batchId,
    status: state.status,
    total: state.images.length,
    counts,
    finished: state.images.length - pending,
    complete: pending === 0,
    images: state.images,
  };
}
