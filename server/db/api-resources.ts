import type { Db } from './knex';

/** Only the columns the API shows; blob keys, hashes and embedded text stay inside. */
export interface ImageRow {
  id: string;
  user_id: number;
  batch_id: string;
  original_name: string;
  status: string;
  error: string | null;
  source_type: string | null;
  byte_size: number | null;
  width: number | null;
  height: number | null;
  blurhash: string | null;
  dominant_color: string | null;
  expires_at: number | null;
  processed_at: number | null;
  reviewed_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface DescriptionRow {
  image_id: string;
  alt_text: string;
  caption: string;
  title: string;
  description: string;
  tags_json: string;
  filename: string;
  text: string;
  decorative: number | boolean;
  manifest_json: string | null;
  describer: string;
  model: string;
  prompt_version: string;
  input_tokens: number | null;
  output_tokens: number | null;
  duration_ms: number;
  draft: number | boolean;
  notes_json: string;
  edited_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface BatchRow {
  id: string;
  user_id: number;
  name: string;
  options_json: string;
  status: string;
  created_at: number;
  updated_at: number;
}

const IMAGE_COLUMNS: (keyof ImageRow)[] = [
  'id', 'user_id', 'batch_id', 'original_name', 'status', 'error', 'source_type', 'byte_size', 'width', 'height',
  'blurhash', 'dominant_color', 'expires_at', 'processed_at', 'reviewed_at', 'created_at', 'updated_at',
];

/** Owner-scoped: another user's id finds nothing, which the API answers with 404. */
export function findImage(db: Db, userId: number, id: string): Promise<ImageRow | undefined> {
  return db<ImageRow>('images').select(IMAGE_COLUMNS).where({ id, user_id: userId }).first();
}

export function findDescriptions(db: Db, imageIds: string[]): Promise<DescriptionRow[]> {
  if (imageIds.length === 0) return Promise.resolve([]);
  return db<DescriptionRow>('descriptions').whereIn('image_id', imageIds);
}

export function findBatch(db: Db, userId: number, id: string): Promise<BatchRow | undefined> {
  return db<BatchRow>('batches').where({ id, user_id: userId }).first();
}

export interface ImageFilters {
  status?: string;
  batchId?: string;
  createdAfter?: number;
  createdBefore?: number;
  reviewed?: boolean;
}

/** Newest first; the cursor is the (created_at, id) of the last row of the previous page. */
export function listImages(db: Db, userId: number, filters: ImageFilters, after: { createdAt: number; id: string } | undefined, limit: number): Promise<ImageRow[]> {
  const q = db<ImageRow>('images').select(IMAGE_COLUMNS).where({ user_id: userId });
  if (filters.status) q.andWhere({ status: filters.status });
  if (filters.batchId) q.andWhere({ batch_id: filters.batchId });
  if (filters.createdAfter !== undefined) q.andWhere('created_at', '>=', filters.createdAfter);
  if (filters.createdBefore !== undefined) q.andWhere('created_at', '<', filters.createdBefore);
  if (filters.reviewed === true) q.whereNotNull('reviewed_at');
  if (filters.reviewed === false) q.whereNull('reviewed_at');
  if (after) {
    q.andWhere((w) => w.where('created_at', '<', after.createdAt).orWhere((x) => x.where('created_at', '=', after.createdAt).andWhere('id', '<', after.id)));
  }
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit);
}

export function imagesOfBatch(db: Db, batchId: string): Promise<ImageRow[]> {
  return db<ImageRow>('images').select(IMAGE_COLUMNS).where({ batch_id: batchId }).orderBy('created_at').orderBy('id');
}

/** The options of the latest describe job for each image: a regenerate may override the batch's. */
export async function latestJobOptions(db: Db, imageIds: string[]): Promise<Map<string, Record<string, unknown>>> {
  const map = new Map<string, Record<string, unknown>>();
  if (imageIds.length === 0) return map;
  const rows: { image_id: string; payload_json: string }[] = await db('jobs').select('image_id', 'payload_json').whereIn('image_id', imageIds).orderBy('id');
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
