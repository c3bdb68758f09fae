import { deleteImageRows, ImageForRetention } from '../../db/retention';
import { unlinkReceipts, DeletionReason } from '../../db/receipts';
import { deleteWorkingCopy } from './working-copy';
import type { Deps } from '../../deps';

/**
 * Removes images completely: the working copy first (with its receipt), then the rows, which takes
 * the generated text and everything derived from it along (foreign key cascade). When the user asked
 * for it, their receipts for these images stop naming them; when the account goes, they lose the
 * link to the user as well.
 */
export async function removeImages(deps: Deps, images: ImageForRetention[], reason: DeletionReason): Promise<number> {
  for (const image of images) {
    if (image.blob_key) await deleteWorkingCopy(deps, image, reason);
  }
  const ids = images.map((i) => i.id);
  return deps.db.transaction(async (trx) => {
    if (reason !== 'retention') {
      for (const userId of new Set(images.map((i) => i.user_id))) {
        await unlinkReceipts(trx, userId, images.filter((i) => i.user_id === userId).map((i) => i.id), reason === 'user');
      }
    }
    return deleteImageRows(trx, ids);
  });
}
