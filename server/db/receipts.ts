import type { Knex } from 'knex';
import { sealColumns } from './text-codec';
import { RECEIPT_TEXT } from './sealed-tables';

/** `reviewed`: retention "until reviewed" deleted it when a person marked the image reviewed. */
export type DeletionReason = 'retention' | 'reviewed' | 'user' | 'account_deletion';

export interface DeletionReceipt {
  id: number;
  user_id: number | null;
  image_id: string | null;
  batch_id: string | null;
  original_name: string | null;
  image_sha256: string | null;
  received_at: number;
  processed_at: number | null;
  deleted_at: number;
  retention_seconds: number | null;
  reason: DeletionReason;
}

export type NewReceipt = Omit<DeletionReceipt, 'id'>;

/**
 * What a receipt must keep, as proof of the deletion: the working copy's SHA-256, when it arrived,
 * was processed and was deleted, and why; none of that is the person's text. A receipt of a deletion
 * by retention also names the image (its file name), so the person can tell which one it was; a
 * deletion the person asked for drops the name with the image (unlinkReceipts). On PostgreSQL that
 * copy of the name is sealed under the account's key like the image's own. A receipt that names
 * nothing needs no key: it stays as it is.
 */
export async function insertReceipt(db: Knex, receipt: NewReceipt): Promise<void> {
  await db('deletion_receipts').insert(receipt.user_id === null || receipt.original_name === null ? receipt : await sealColumns(db, receipt.user_id, receipt, RECEIPT_TEXT));
}

export async function receiptsForUser(db: Knex, userId: number): Promise<DeletionReceipt[]> {
  return db('deletion_receipts').where({ user_id: userId }).orderBy('deleted_at', 'desc').orderBy('id', 'desc');
}

/** The receipt for one image, only when it belongs to this user. */
export async function receiptForImage(db: Knex, userId: number, imageId: string): Promise<DeletionReceipt | undefined> {
  return db('deletion_receipts').where({ user_id: userId, image_id: imageId }).orderBy('id', 'desc').first();
}

/** Receipts keyed by image id, for a page of cards. */
export async function receiptsForImages(db: Knex, userId: number, imageIds: string[]): Promise<Map<string, DeletionReceipt>> {
  const rows: DeletionReceipt[] = imageIds.length
    ? await db('deletion_receipts').where({ user_id: userId }).whereIn('image_id', imageIds).orderBy('id')
    : [];
  return new Map(rows.map((r) => [r.image_id ?? '', r]));
}

/**
 * Receipts of deleted images stop naming them. The owner keeps them when they deleted the images
 * themselves (so Account → Privacy still lists them); with `keepOwner` false the link to them goes too.
 */
export async function unlinkReceipts(db: Knex, userId: number, imageIds: string[], keepOwner: boolean): Promise<void> {
  if (imageIds.length === 0) return;
  await db('deletion_receipts').where({ user_id: userId }).whereIn('image_id', imageIds).update({
    ...(keepOwner ? {} : { user_id: null }),
    image_id: null,
    batch_id: null,
    original_name: null,
  });
}

export async function deleteReceiptsOfUser(db: Knex, userId: number): Promise<number> {
  return db('deletion_receipts').where({ user_id: userId }).delete();
}
