import type { Knex } from 'knex';
import type { Description, DescribeOptions } from '../describers/types';
import { descriptionColumns } from './descriptions';
import { optionsForHistory, storeGeneratedResult } from './description-versions';
import { isPostgres } from './knex';
import { LOCKS } from './process-connection';

/** The description of a zero-retention image, its status and usage record (and `alsoWrite`), in one transaction. */
export async function storeZeroRetentionResult(
  db: Knex,
  image: { id: string; userId: number; options: DescribeOptions },
  d: Description,
  now: number,
  alsoWrite?: (trx: Knex.Transaction) => Promise<unknown>,
): Promise<void> {
  await db.transaction(async (trx) => {
    const columns = descriptionColumns(d, image.userId, now);
    await storeGeneratedResult(trx, { imageId: image.id, userId: image.userId, columns, optionsJson: optionsForHistory(image.options), replaceEdits: false, now });
    await trx('images').where({ id: image.id }).update({ status: 'done', error: null, processed_at: now, updated_at: now });
    await trx('usage_events').insert({ user_id: image.userId, image_id: image.id, kind: 'description.created', source: 'web', created_at: now });
    await alsoWrite?.(trx);
  });
}

export async function failZeroRetentionImage(db: Knex, imageId: string, reason: string, now: number, alsoWrite?: (trx: Knex.Transaction) => Promise<unknown>): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('images').where({ id: imageId }).update({ status: 'failed', error: reason.slice(0, 500), processed_at: now, updated_at: now });
    await alsoWrite?.(trx);
  });
}

/**
 * Fails the zero-retention images still waiting whose bytes no live process holds: the process
 * that held them stopped. `heldHere` names batches this process holds; on PostgreSQL a batch held
 * by another process is seen through its shared advisory lock (see ZeroRetentionHolds), which the
 * exclusive try here cannot take while it lasts. Returns how many images were failed.
 */
export async function failInterruptedZeroRetention(db: Knex, reason: string, now: number, heldHere: (batchId: string) => boolean = () => false): Promise<number> {
  const waiting = await db('images')
    .whereIn('status', ['queued', 'processing'])
    .whereNull('blob_key')
    .whereIn('batch_id', db('batches').where({ zero_retention: true }).select('id'))
    .distinct('batch_id');
  let failed = 0;
  for (const { batch_id: batchId } of waiting as { batch_id: string }[]) {
    if (heldHere(batchId)) continue;
    failed += await db.transaction(async (trx): Promise<number> => {
      if (isPostgres(trx)) {
        const { rows } = await trx.raw('select pg_try_advisory_xact_lock(?, hashtext(?)) as got', [LOCKS.zeroRetentionBatch, batchId]);
        if (!rows[0]?.got) return 0; // held by a live process
      }
      return await trx('images')
        .where({ batch_id: batchId })
        .whereIn('status', ['queued', 'processing'])
        .whereNull('blob_key')
        .update({ status: 'failed', error: reason, processed_at: now, updated_at: now });
    });
  }
  return failed;
}
