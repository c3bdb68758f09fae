import type { Deps } from '../../deps';
import { deleteBatchRow, findImages, type ImageForRetention } from '../../db/retention';
import { findBatch } from '../../db/batches';
import { removeImages } from '../retention/remove-images';

/** What a deletion takes (or took), in words a confirmation or a flash message can use. */
export interface ContentToDelete {
  /** The image's file name, or the batch's name ('' when it has none). */
  name: string;
  batchId: string;
  images: number;
  /** Images whose working copy was ever stored: each has (or gets) a deletion receipt. */
  receipts: number;
}

const summary = (name: string, batchId: string, images: ImageForRetention[]): ContentToDelete => ({
  name,
  batchId,
  images: images.length,
  // Refused uploads never had a working copy, so nothing was deleted that a receipt could record.
  receipts: images.filter((image) => image.sha256 !== null).length,
});

/** The image as its confirmation page describes it; undefined when it is not this user's. */
export async function imageToDelete(deps: Deps, userId: number, imageId: string): Promise<ContentToDelete | undefined> {
  const [image] = await findImages(deps.db, { userId, imageId });
  return image ? summary(image.original_name, image.batch_id, [image]) : undefined;
}

/** The batch as its confirmation page describes it; undefined when it is not this user's. */
export async function batchToDelete(deps: Deps, userId: number, batchId: string): Promise<ContentToDelete | undefined> {
  const batch = await findBatch(deps.db, userId, batchId);
  return batch ? summary(batch.name, batch.id, await findImages(deps.db, { userId, batchId })) : undefined;
}

/**
 * The user deletes one image: its working copy goes at once (leaving a receipt in their account
 * that no longer names the image), then its text and everything derived from it. Another user's
 * image reads as missing (undefined).
 */
export async function deleteImageForUser(deps: Deps, userId: number, imageId: string): Promise<ContentToDelete | undefined> {
  const images = await findImages(deps.db, { userId, imageId });
  if (images.length === 0) return undefined;
  await removeImages(deps, images, 'user');
  return summary(images[0]!.original_name, images[0]!.batch_id, images);
}

/** The same for a whole batch, then the batch itself. */
export async function deleteBatchForUser(deps: Deps, userId: number, batchId: string): Promise<ContentToDelete | undefined> {
  const batch = await findBatch(deps.db, userId, batchId);
  if (!batch) return undefined;
  const images = await findImages(deps.db, { userId, batchId });
  await removeImages(deps, images, 'user');
  await deleteBatchRow(deps.db, userId, batchId);
  return summary(batch.name, batch.id, images);
}
