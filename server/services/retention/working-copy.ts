import type { Knex } from 'knex';
import { clearBlobKey, ImageForRetention } from '../../db/retention';
import { insertReceipt, DeletionReason } from '../../db/receipts';
import { batchImageRetention, isFinished } from './policy';
import type { Deps } from '../../deps';

/**
 * Deletes an image's working copy and, in the transaction that clears blob_key, writes its receipt.
 * The file goes first, so a receipt never claims a deletion that did not happen; a crash between the
 * two leaves blob_key pointing at nothing, and the next run finishes the job (delete is idempotent).
 * A receipt names the image only when retention deleted it; one the user asked for stays in their
 * account (so they can see it) without naming what was deleted; one made by deleting the account
 * keeps no link to anyone.
 */
export async function deleteWorkingCopy(
  deps: Deps,
  image: ImageForRetention,
  reason: DeletionReason,
  trx?: Knex,
): Promise<boolean> {
  if (!image.blob_key) return false;
  const blobKey = image.blob_key;
  await deps.blobs.delete(blobKey);
  const now = deps.clock.now().getTime();
  const write = async (db: Knex) => {
    if (!(await clearBlobKey(db, image.id, blobKey, now))) return false;
    const namesImage = reason === 'retention' || reason === 'reviewed';
    await insertReceipt(db, {
      user_id: reason === 'account_deletion' ? null : image.user_id,
      image_id: namesImage ? image.id : null,
      batch_id: namesImage ? image.batch_id : null,
      original_name: namesImage ? image.original_name : null,
      image_sha256: image.sha256,
      received_at: image.created_at,
      processed_at: isFinished(image.status) ? (image.processed_at ?? image.updated_at) : null,
      deleted_at: now,
      retention_seconds: reason === 'retention' && isFinished(image.status) ? batchImageRetention(deps.config, image.batch, image.user) : null,
      reason,
    });
    return true;
  };
  return trx ? write(trx) : deps.db.transaction(write);
}

/**
 * Fail safe (PhotoPrism #2299): when the blob directory is missing or unreadable (probably unmounted),
 * or the S3 bucket cannot be reached, nothing may be deleted or marked deleted until it is back.
 */
export async function blobStorageAvailable(deps: Deps): Promise<boolean> {
  return deps.blobs.available();
}
