import type { Deps } from '../../deps';
import { findImages, deleteEmptyBatches } from '../../db/retention';
import { usersWithTextRetention } from '../../db/privacy-settings';
import { removeImages } from './remove-images';

const DAY_MS = 24 * 3600 * 1000;

export interface PurgeCounts {
  users: number;
  images: number;
  batches: number;
}

/**
 * Deletes generated text (and the images it belongs to) older than each account's text retention.
 * Age counts from upload, the one timestamp every image has.
 */
export async function purgeExpiredText(deps: Deps): Promise<PurgeCounts> {
  const counts: PurgeCounts = { users: 0, images: 0, batches: 0 };
  const now = deps.clock.now().getTime();
  for (const user of await usersWithTextRetention(deps.db)) {
    const cutoff = now - user.text_retention_days * DAY_MS;
    const images = await findImages(deps.db, { userId: user.id, createdBefore: cutoff });
    if (images.length) await removeImages(deps, images, 'retention');
    const batches = await deleteEmptyBatches(deps.db, cutoff, user.id);
    if (images.length || batches) counts.users += 1;
    counts.images += images.length;
    counts.batches += batches;
  }
  return counts;
}

