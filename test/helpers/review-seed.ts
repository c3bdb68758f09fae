import type { Deps } from '../../server/deps';
import { prepareUpload, createBatch } from '../../server/services/ingest';
import { DEFAULT_DESCRIBE_OPTIONS } from '../../server/describers/types';
import { insertDescription } from './description-rows';
import { fixture } from './image-fixtures';

/**
 * A batch of `count` images as the upload form stores them, each described ("done", with alt text
 * "Photo N", or what `altTextOf` gives) without running the queue: what a reviewer opens.
 */
export async function seedReviewBatch(
  deps: Deps,
  userId: number,
  count: number,
  name = 'Review batch',
  altTextOf: (i: number) => string = (i) => `Photo ${i + 1}`,
): Promise<{ batchId: string; imageIds: string[] }> {
  const uploads = [];
  for (let i = 0; i < count; i++) uploads.push(await prepareUpload(deps, fixture('dog.jpg'), `photo-${String(i + 1).padStart(3, '0')}.jpg`));
  const batch = await createBatch(deps, { userId, uploads, options: DEFAULT_DESCRIBE_OPTIONS, name });
  for (const [i, imageId] of batch.imageIds.entries()) {
    await insertDescription(deps.db, imageId, userId, { alt_text: altTextOf(i) });
  }
  await deps.db('images').whereIn('id', batch.imageIds).update({ status: 'done' });
  await deps.db('jobs').whereIn('image_id', batch.imageIds).update({ status: 'done' });
  return batch;
}
