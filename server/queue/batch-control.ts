import type { Knex } from 'knex';
import type { DescribeOptions } from '../describers/types';
import { enqueueDescribe } from './enqueue';

/** Statuses of an image still waiting for its result. */
export const PENDING_STATUSES = ['queued', 'processing'] as const;

/**
 * Cancels what is left of a user's batch in one transaction: queued and running jobs become
 * cancelled, their images `cancelled`. Returns the ids of running jobs (their worker aborts them),
 * or null when the batch is not this user's.
 */
export async function cancelBatchJobs(db: Knex, userId: number, batchId: string, now: number): Promise<{ runningJobIds: number[]; cancelled: number } | null> {
  return db.transaction(async (trx) => {
    const batch = await trx('batches').where({ id: batchId, user_id: userId }).first('id');
    if (!batch) return null;
    const jobs = await trx('jobs as j')
      .join('images as i', 'i.id', 'j.image_id')
      .where('i.batch_id', batchId)
      .andWhere('j.kind', 'describe')
      .whereIn('j.status', ['queued', 'running'])
      .select('j.id', 'j.status');
    if (jobs.length) {
      await trx('jobs').whereIn('id', jobs.map((j) => j.id)).update({ status: 'cancelled', lease_owner: null, lease_until: null, updated_at: now });
    }
    const cancelled = await trx('images').where({ batch_id: batchId }).whereIn('status', PENDING_STATUSES).update({ status: 'cancelled', updated_at: now });
    await trx('batches').where({ id: batchId }).update({ status: 'cancelled', updated_at: now });
    return { runningJobIds: jobs.filter((j) => j.status === 'running').map((j) => Number(j.id)), cancelled };
  });
}

export type RequeueResult = { outcome: 'queued'; batchId: string; runningJobIds: number[] } | { outcome: 'not_found' } | { outcome: 'gone' };

/**
 * Puts one image back in the queue with (possibly) other options: earlier unfinished jobs for it are
 * cancelled, a new job is added, the image shows as queued again. `admit` runs in the transaction
 * first (the quota check), told whether the image adds to the work in flight or was in flight already.
 */
export async function requeueImage(
  db: Knex,
  userId: number,
  imageId: string,
  options: Partial<DescribeOptions>,
  now: number,
  admit?: (trx: Knex.Transaction, adding: number) => Promise<void>,
  replaceEdits = false,
): Promise<RequeueResult> {
  return db.transaction(async (trx) => {
    const image = await trx('images').where({ id: imageId, user_id: userId }).first('id', 'batch_id', 'blob_key');
    if (!image) return { outcome: 'not_found' as const };
    if (!image.blob_key) return { outcome: 'gone' as const };
    const earlier = await trx('jobs').where({ image_id: imageId, kind: 'describe' }).whereIn('status', ['queued', 'running']).select('id', 'status');
    await admit?.(trx, earlier.length ? 0 : 1);
    if (earlier.length) {
      await trx('jobs').whereIn('id', earlier.map((j) => j.id)).update({ status: 'cancelled', lease_owner: null, lease_until: null, updated_at: now });
    }
    await enqueueDescribe(trx, { imageId, userId, options, now, replaceEdits });
    await trx('images').where({ id: imageId }).update({ status: 'queued', error: null, updated_at: now });
    await trx('batches').where({ id: image.batch_id, status: 'cancelled' }).update({ status: 'open', updated_at: now });
    return { outcome: 'queued' as const, batchId: String(image.batch_id), runningJobIds: earlier.filter((j) => j.status === 'running').map((j) => Number(j.id)) };
  });
}

export interface BatchProgressRow {
  id: string;
  original_name: string;
  status: string;
  error: string | null;
}

/** The batch's images and their states, or null when the batch is not this user's. */
export async function batchImageStates(db: Knex, userId: number, batchId: string): Promise<{ status: string; images: BatchProgressRow[] } | null> {
  const batch = await db('batches').where({ id: batchId, user_id: userId }).first('status');
  if (!batch) return null;
  const images = await db('images').where({ batch_id: batchId, user_id: userId }).orderBy([{ column: 'created_at' }, { column: 'id' }]).select('id', 'original_name', 'status', 'error');
  return { status: batch.status, images };
}
