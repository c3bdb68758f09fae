import type { Knex } from 'knex';
import type { DescribeOptions } from '../describers/types';

export interface EnqueueDescribeArgs {
  imageId: string;
  userId: number;
  /** Overrides of the batch's options for this run (regenerate with other options); saved in the job. */
  options?: Partial<DescribeOptions>;
  /** Where the request came from, recorded on the usage event when the description is stored. */
  source?: 'web' | 'api';
  /** Epoch ms from `deps.clock.now()`; the job becomes claimable at this time. Defaults to the system time. */
  now?: number;
}

/**
 * Adds a describe job inside the caller's transaction, so the image row and its job
 * commit together or not at all. The worker picks it up on its next poll.
 */
export async function enqueueDescribe(trx: Knex | Knex.Transaction, args: EnqueueDescribeArgs): Promise<number> {
  const now = args.now ?? Date.now();
  const [row] = await trx('jobs')
    .insert({
      kind: 'describe',
      image_id: args.imageId,
      user_id: args.userId,
      payload_json: JSON.stringify({ options: args.options ?? {}, ...(args.source ? { source: args.source } : {}) }),
      status: 'queued',
      attempts: 0,
      run_at: now,
      created_at: now,
      updated_at: now,
    })
    .returning('id');
  return typeof row === 'object' ? Number(row.id) : Number(row);
}
