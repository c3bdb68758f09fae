import type { Knex } from 'knex';
import type { DescribeOptions } from '../describers/types';
import type { Queue } from './worker';
import { CHANNELS, notify } from '../db/notifications';
import { sealColumns } from '../db/text-codec';
import { JOB_TEXT } from '../db/sealed-tables';

export interface EnqueueDescribeArgs {
  imageId: string;
  userId: number;
  /** Overrides of the batch's options for this run (regenerate with other options); saved in the job. */
  options?: Partial<DescribeOptions>;
  /** Where the request came from, recorded on the usage event when the description is stored. */
  source?: 'web' | 'api';
  /** The person confirmed that this run's text may replace their edits of the image. */
  replaceEdits?: boolean;
  /** Epoch ms from `deps.clock.now()`; the job becomes claimable at this time. Defaults to the system time. */
  now?: number;
  /** A comparison run's job: the image is described by this describer and stored as its comparison result. */
  compare?: { comparisonId: string; describerKey: string };
}

/**
 * Adds a describe job inside the caller's transaction, so the image row and its job
 * commit together or not at all. Callers commit through `commitAndWake` so the worker starts at once.
 */
export async function enqueueDescribe(trx: Knex | Knex.Transaction, args: EnqueueDescribeArgs): Promise<number> {
  const now = args.now ?? Date.now();
  const job = {
    kind: args.compare ? 'compare' : 'describe',
    image_id: args.imageId,
    user_id: args.userId,
    payload_json: JSON.stringify({
      options: args.options ?? {}, ...(args.source ? { source: args.source } : {}), ...(args.replaceEdits ? { replaceEdits: true } : {}),
      ...(args.compare ? { compare: args.compare } : {}),
    }),
    status: 'queued',
    attempts: 0,
    run_at: now,
    created_at: now,
    updated_at: now,
  };
  // The options carry what a person wrote (instructions, context, keywords): sealed on PostgreSQL.
  const [row] = await trx('jobs').insert(await sealColumns(trx, args.userId, job, JOB_TEXT)).returning('id');
  // Workers in other processes hear of it when (and only if) this transaction commits.
  await notify(trx, CHANNELS.jobs);
  return typeof row === 'object' ? Number(row.id) : Number(row);
}

/**
 * Runs an enqueueing transaction and wakes the worker. When the worker has a free slot, the claim is
 * made inside the same transaction, so the job starts on commit without a claim commit of its own
 * (one synchronous commit and one poll hop less between accept and describe).
 */
export async function commitAndWake<T>(deps: { db: Knex; queue: Queue }, work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  const slot = deps.queue.holdSlot();
  let result: T;
  try {
    result = await deps.db.transaction(async (trx) => {
      const value = await work(trx);
      await slot?.claim(trx);
      return value;
    });
  } catch (err) {
    slot?.abandon();
    throw err;
  }
  if (slot) slot.committed();
  else deps.queue.nudge();
  return result;
}
