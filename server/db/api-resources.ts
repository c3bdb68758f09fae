import type { Db } from './knex';
import type { ImageRow, ImageStatus } from './images';

export interface ImageCursorFilter {
  status?: ImageStatus;
  batchId?: string;
  createdAfter?: number;
  createdBefore?: number;
  reviewed?: boolean;
}

/**
 * The API's list: newest first, keyset-paginated on (created_at, rowid) so pages stay stable while
 * new images arrive (an offset would shift under the client).
 */
export function listImagesAfter(db: Db, userId: number, filter: ImageCursorFilter, after: { createdAt: number; rowid: number } | undefined, limit: number): Promise<(ImageRow & { rowid: number })[]> {
  const q = db('images').where({ user_id: userId });
  if (filter.status) q.andWhere({ status: filter.status });
  if (filter.batchId) q.andWhere({ batch_id: filter.batchId });
  if (filter.createdAfter !== undefined) q.andWhere('created_at', '>=', filter.createdAfter);
  if (filter.createdBefore !== undefined) q.andWhere('created_at', '<', filter.createdBefore);
  if (filter.reviewed === true) q.whereNotNull('reviewed_at');
  if (filter.reviewed === false) q.whereNull('reviewed_at');
  if (after) {
    q.andWhere((w) => w.where('created_at', '<', after.createdAt).orWhere((x) => x.where('created_at', '=', after.createdAt).andWhere('rowid', '<', after.rowid)));
  }
  return q.orderBy([{ column: 'created_at', order: 'desc' }, { column: 'rowid', order: 'desc' }]).limit(limit).select('images.*', 'images.rowid as rowid');
}

/** The options of the latest describe job for each image: a regenerate may override the batch's. */
export async function latestJobOptions(db: Db, imageIds: string[]): Promise<Map<string, Record<string, unknown>>> {
  const map = new Map<string, Record<string, unknown>>();
  if (imageIds.length === 0) return map;
  const rows: { image_id: string; payload_json: string }[] = await db('jobs').select('image_id', 'payload_json').where('kind', 'describe').whereIn('image_id', imageIds).orderBy('id');
  for (const row of rows) {
    try {
      const payload = JSON.parse(row.payload_json) as { options?: Record<string, unknown> };
      map.set(row.image_id, payload.options ?? {});
    } catch {
      map.set(row.image_id, {});
    }
  }
  return map;
}
