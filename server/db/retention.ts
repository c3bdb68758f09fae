import type { Knex } from 'knex';
import { textKeyBlobNames } from './text-shredding';
import { markTextDeleted } from './text-key-rotation';

/** An image row with what the retention rules need from its batch and owner. */
export interface ImageForRetention {
  id: string;
  user_id: number;
  batch_id: string;
  original_name: string;
  status: string;
  sha256: string | null;
  blob_key: string | null;
  expires_at: number | null;
  created_at: number;
  processed_at: number | null;
  updated_at: number;
  reviewed_at: number | null;
  batch: { image_retention: string | null };
  user: { image_retention: string | null };
}

interface Row extends Omit<ImageForRetention, 'batch' | 'user'> {
  batch_retention: string | null;
  user_retention: string | null;
}

function baseQuery(db: Knex) {
  return db('images')
    .join('batches', 'batches.id', 'images.batch_id')
    .join('users', 'users.id', 'images.user_id')
    .select(
      'images.id',
      'images.user_id',
      'images.batch_id',
      'images.original_name',
      'images.status',
      'images.sha256',
      'images.blob_key',
      'images.expires_at',
      'images.created_at',
      'images.processed_at',
      'images.updated_at',
      'images.reviewed_at',
      'batches.image_retention as batch_retention',
      'users.image_retention as user_retention',
    );
}

function toImage(row: Row): ImageForRetention {
  const { batch_retention, user_retention, ...image } = row;
  return { ...image, batch: { image_retention: batch_retention }, user: { image_retention: user_retention } };
}

export interface ImageFilter {
  userId?: number;
  imageId?: string;
  imageIds?: string[];
  batchId?: string;
  createdBefore?: number;
}

/** Images matching every given condition, with their retention settings. */
export async function findImages(db: Knex, where: ImageFilter): Promise<ImageForRetention[]> {
  const query = baseQuery(db);
  if (where.userId !== undefined) query.where('images.user_id', where.userId);
  if (where.imageId !== undefined) query.where('images.id', where.imageId);
  if (where.imageIds !== undefined) query.whereIn('images.id', where.imageIds);
  if (where.batchId !== undefined) query.where('images.batch_id', where.batchId);
  if (where.createdBefore !== undefined) query.where('images.created_at', '<=', where.createdBefore);
  query.orderBy([{ column: 'images.created_at' }, { column: 'images.rowid' }]); // upload order
  return ((await query) as Row[]).map(toImage);
}

/** Every image whose working copy is still on disk. Bounded by retention, so small. */
export async function imagesHoldingBlobs(db: Knex, where: { userId?: number; imageId?: string } = {}): Promise<ImageForRetention[]> {
  const query = baseQuery(db).whereNotNull('images.blob_key');
  if (where.userId !== undefined) query.where('images.user_id', where.userId);
  if (where.imageId !== undefined) query.where('images.id', where.imageId);
  return ((await query) as Row[]).map(toImage);
}

/** Deletes image rows; descriptions and jobs go with them by foreign key cascade. */
export async function deleteImageRows(db: Knex, imageIds: string[]): Promise<number> {
  let deleted = 0;
  // SQLite caps bound variables per statement; 500 stays far below it.
  for (let i = 0; i < imageIds.length; i += 500) {
    // The real time: only whether the mark is set matters (the owners' text keys rotate).
    await markTextDeleted(db, imageIds.slice(i, i + 500), Date.now());
    deleted += await db('images').whereIn('id', imageIds.slice(i, i + 500)).delete();
  }
  return deleted;
}

/** Batches of this user (or of everyone) that no longer hold any image and are older than the cutoff. */
export async function deleteEmptyBatches(db: Knex, createdBefore: number, userId?: number): Promise<number> {
  const query = db('batches')
    .where('created_at', '<=', createdBefore)
    .whereNotExists(db('images').whereRaw('images.batch_id = batches.id').select(db.raw('1')));
  if (userId !== undefined) query.where('user_id', userId);
  return query.delete();
}

export async function findImageForRetention(db: Knex, imageId: string): Promise<ImageForRetention | undefined> {
  const row = (await baseQuery(db).where('images.id', imageId).first()) as Row | undefined;
  return row ? toImage(row) : undefined;
}

export async function setImageExpiry(db: Knex, imageId: string, expiresAt: number | null): Promise<void> {
  await db('images').where({ id: imageId }).update({ expires_at: expiresAt });
}

/** Clears blob_key only if it still names the given blob; returns whether this call cleared it. */
export async function clearBlobKey(db: Knex, imageId: string, blobKey: string, now: number): Promise<boolean> {
  const changed = await db('images').where({ id: imageId, blob_key: blobKey }).update({ blob_key: null, updated_at: now });
  return changed > 0;
}

/** All blob keys the database still points at (for the orphan sweep): working copies and accounts' text keys. */
export async function referencedBlobKeys(db: Knex): Promise<Set<string>> {
  const rows = (await db('images').whereNotNull('blob_key').select('blob_key')) as { blob_key: string }[];
  return new Set([...rows.map((r) => r.blob_key), ...(await textKeyBlobNames(db))]);
}

export async function deleteBatchRow(db: Knex, userId: number, batchId: string): Promise<number> {
  return db('batches').where({ id: batchId, user_id: userId }).delete();
}

export async function batchBelongsTo(db: Knex, userId: number, batchId: string): Promise<boolean> {
  return (await db('batches').where({ id: batchId, user_id: userId }).first('id')) !== undefined;
}
