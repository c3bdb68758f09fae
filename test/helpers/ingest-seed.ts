import type { Deps } from '../../server/deps';
import { prepareUpload, createBatch } from '../../server/services/ingest';
import { DEFAULT_DESCRIBE_OPTIONS } from '../../server/describers/types';
import { insertDescription } from './description-rows';
import { fixture, corruptJpeg } from './image-fixtures';

/** A batch as a user would see it after describing: one described image, one queued, one refused. */
export async function seedDescribedBatch(deps: Deps, userId: number): Promise<{ batchId: string; imageIds: string[] }> {
  const uploads = [
    await prepareUpload(deps, fixture('eagle-gps.jpg'), 'eagle.jpg'),
    await prepareUpload(deps, fixture('cat.png'), 'cat.png'),
    await prepareUpload(deps, corruptJpeg(), 'broken.jpg'),
  ];
  const batch = await createBatch(deps, { userId, uploads, options: DEFAULT_DESCRIBE_OPTIONS, name: 'Lake photos' });
  await insertDescription(deps.db, batch.imageIds[0], userId);
  return batch;
}
