import type { Knex } from 'knex';
import type { Description, DescribeOptions } from '../describers/types';
import { descriptionColumns } from './descriptions';
import { optionsForHistory, storeGeneratedResult } from './description-versions';

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

/** Zero-retention images still waiting when the process stopped: their bytes are gone with it. */
export async function failInterruptedZeroRetention(db: Knex, reason: string, now: number): Promise<number> {
  return db('images')
    .whereIn('status', ['queued', 'processing'])
    .whereNull('blob_key')
    .whereIn('batch_id', db('batches').where({ zero_retention: true }).select('id'))
    .update({ status: 'failed', error: reason, processed_at: now, updated_at: now });
}
