import { imagesHoldingBlobs, setImageExpiry } from '../../db/retention';
import { imageExpiryRule } from './policy';
import { deleteWorkingCopy, blobStorageAvailable } from './working-copy';
import type { Deps } from '../../deps';

export interface ExpireCounts {
  checked: number;
  deleted: number;
  rescheduled: number;
  errors: number;
  skipped: number;
}

/**
 * Deletes every working copy whose time is up. What is due is computed from the image's own
 * timestamps and the current settings, never from expires_at alone or from missed ticks, so a run
 * after downtime (or after a status change that forgot to set expires_at) catches up completely.
 */
export async function expireImageBlobs(deps: Deps, only: { userId?: number; imageId?: string } = {}): Promise<ExpireCounts> {
  const counts: ExpireCounts = { checked: 0, deleted: 0, rescheduled: 0, errors: 0, skipped: 0 };
  const images = await imagesHoldingBlobs(deps.db, only);
  counts.checked = images.length;
  if (images.length === 0) return counts;
  if (!(await blobStorageAvailable(deps))) {
    deps.logger.error({ images: images.length }, 'blob storage unavailable; expiry postponed');
    counts.skipped = images.length;
    return counts;
  }
  const now = deps.clock.now().getTime();
  for (const image of images) {
    const { due, atReview } = imageExpiryRule(deps.config, image, image.batch, image.user);
    try {
      if (due !== null && due <= now) {
        await setImageExpiry(deps.db, image.id, due);
        if (await deleteWorkingCopy(deps, image, atReview ? 'reviewed' : 'retention')) counts.deleted += 1;
      } else if (due !== image.expires_at) {
        await setImageExpiry(deps.db, image.id, due);
        counts.rescheduled += 1;
      }
    } catch (err) {
      counts.errors += 1;
      deps.logger.error({ err, imageId: image.id }, 'could not expire working copy');
    }
  }
  return counts;
}
