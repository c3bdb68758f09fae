import type { Deps } from '../../deps';
import { batchBelongsTo, deleteBatchRow, findImages } from '../../db/retention';
import { removeImages } from '../retention/remove-images';

/**
 * The user deletes one image: its working copy goes at once (leaving a receipt with no link to
 * them), then its text and everything derived from it. Another user's image reads as missing.
 */
export async function deleteImageForUser(deps: Deps, userId: number, imageId: string): Promise<boolean> {
  const images = await findImages(deps.db, { userId, imageId });
  if (images.length === 0) return false;
  await removeImages(deps, images, 'user');
  return true;
}

/** The same for a whole batch, then the batch itself. */
export async function deleteBatchForUser(deps: Deps, userId: number, batchId: string): Promise<boolean> {
  if (!(await batchBelongsTo(deps.db, userId, batchId))) return false;
  await removeImages(deps, await findImages(deps.db, { userId, batchId }), 'user');
  await deleteBatchRow(deps.db, userId, batchId);
  return true;
}
