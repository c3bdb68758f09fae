import type { Deps } from '../../server/deps';
import { prepareUpload, createBatch } from '../../server/services/ingest';
import { DEFAULT_DESCRIBE_OPTIONS } from '../../server/describers/types';
import { insertDescription } from './description-rows';
import { fixture, corruptJpeg } from './image-fixtures';

/** A batch as a user would see it after describing: one described image, one queued, one refused. */
export async function seedDescribedBatch(
  deps: Deps,
  userId: number,
  names: { files: [string, string, string]; batch: string } = { files: ['eagle.jpg', 'cat.png', 'broken.jpg'], batch: 'Lake photos' },
): Promise<{ batchId: string; imageIds: string[] }> {
  const uploads = [
    await prepareUpload(deps, fixture('eagle-gps.jpg'), names.files[0]),
    await prepareUpload(deps, fixture('cat.png'), names.files[1]),
    await prepareUpload(deps, corruptJpeg(), names.files[2]),
  ];
  const batch = await createBatch(deps, { userId, uploads, options: DEFAULT_DESCRIBE_OPTIONS, name: names.batch });
  await insertDescription(deps.db, batch.imageIds[0], userId);
  return batch;
}
