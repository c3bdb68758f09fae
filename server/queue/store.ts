import type { Knex } from 'knex';
import type { DescribeOptions, EmbeddedText } from '../describers/types';
import { isPostgres } from '../db/knex';
import { CHANNELS, notify } from '../db/notifications';
import { pickFairJob } from './fair-pick';

/** A claimed describe job with what the worker needs to run it. */
export interface ClaimedJob {
  id: number;
  kind: 'describe' | 'compare';
  /** A comparison run's job: whose result it is (see services/compare). */
  compare?: { comparisonId: string; describerKey: string };
  imageId: string;
  userId: number;
  batchId: string;
  attempts: number;
  maxAttempts: number;
  blobKey: string | null;
  originalName: string;
  width: number;
  height: number;
  embedded: EmbeddedText;
  batchOptions: Partial<DescribeOptions>;
  jobOptions: Partial<DescribeOptions>;
  source: 'web' | 'api';
  /** The person confirmed that this run's text may replace their edits (see storeGeneratedResult). */
  replaceEdits: boolean;
  /** The batch's budget cap (see services/compare/budget), or null for none. */
  budgetCap: number | null;
}

/**
 * Claims the next due job fairly: among users with due jobs, the one with the fewest running jobs,
 * then the one whose last job started longest ago, then the oldest job. A user's thousand-image batch
 * therefore takes turns with another user's single image instead of running ahead of it.
 */
export async function claimNext(db: Knex, workerId: string, now: number, leaseMs: number): Promise<ClaimedJob | null> {
  if (!(await anyDueJob(db, now))) return null;
  return db.transaction((trx) => claimWithin(trx, workerId, now, leaseMs));
}

/**
 * Cheap looks before the claim and recovery transactions: most idle polls find nothing, and a
 * transaction costs several round trips and a commit where one indexed read answers "no".
 */
async function anyDueJob(db: Knex, now: number): Promise<boolean> {
  return (await db('jobs').where('status', 'queued').andWhere('run_at', '<=', now).first('id')) !== undefined;
}

async function anyExpiredLease(db: Knex, now: number): Promise<boolean> {
  return (await db('jobs').where('status', 'running').andWhere('lease_until', '<', now).first('id')) !== undefined;
}

/** The claim itself, inside a transaction the caller holds (so a finished job can hand over its slot in one commit). */
export async function claimWithin(trx: Knex.Transaction, workerId: string, now: number, leaseMs: number): Promise<ClaimedJob | null> {
  {
    const jobId = await pickFairJob(trx, now);
    if (jobId === undefined) return null;

    const updated = await trx('jobs')
      .where({ id: jobId, status: 'queued' })
      .update({
        status: 'running',
        attempts: trx.raw('attempts + 1'),
        lease_owner: workerId,
        lease_until: now + leaseMs,
        started_at: now,
        updated_at: now,
      });
    if (updated !== 1) return null;

    const row = await trx('jobs as j')
      .join('images as i', 'i.id', 'j.image_id')
      .join('batches as b', 'b.id', 'i.batch_id')
      .where('j.id', jobId)
      .first(
        'j.id', 'j.kind', 'j.image_id', 'j.user_id', 'j.attempts', 'j.max_attempts', 'j.payload_json',
        'i.batch_id', 'i.blob_key', 'i.original_name', 'i.width', 'i.height', 'i.embedded_json', 'b.options_json', 'b.budget_cap',
      );
    if (!row) {
      // The image went away between enqueue and claim (the cascade normally removes the job too).
      await trx('jobs').where({ id: jobId }).update({ status: 'cancelled', lease_owner: null, lease_until: null, updated_at: now });
      return null;
    }
    const compare = row.kind === 'compare';
    // A comparison describes an image that already has its own result: the image's state is not its.
    if (!compare) await trx('images').where({ id: row.image_id }).whereIn('status', ['queued', 'processing']).update({ status: 'processing', updated_at: now });
    const payload = parseJson<{ options?: Partial<DescribeOptions>; source?: 'web' | 'api'; replaceEdits?: boolean; compare?: ClaimedJob['compare'] }>(row.payload_json, {});
    return {
      id: Number(row.id),
      kind: compare ? 'compare' : 'describe',
      compare: compare ? payload.compare : undefined,
      imageId: row.image_id,
      userId: Number(row.user_id),
      batchId: row.batch_id,
      attempts: Number(row.attempts),
      maxAttempts: Number(row.max_attempts),
      blobKey: row.blob_key,
      originalName: row.original_name,
      width: Number(row.width ?? 0),
      height: Number(row.height ?? 0),
      embedded: parseJson<EmbeddedText>(row.embedded_json, {}),
      batchOptions: parseJson<Partial<DescribeOptions>>(row.options_json, {}),
      jobOptions: payload.options ?? {},
      source: payload.source === 'api' ? 'api' : 'web',
      replaceEdits: payload.replaceEdits === true,
      budgetCap: row.budget_cap == null ? null : Number(row.budget_cap),
    };
  }
}

/** Keeps the leases of jobs still being worked on from expiring. */
export async function renewLeases(db: Knex, workerId: string, jobIds: number[], until: number): Promise<void> {
  if (jobIds.length === 0) return;
  await db('jobs').whereIn('id', jobIds).andWhere({ status: 'running', lease_owner: workerId }).update({ lease_until: until });
}

/**
 * Jobs whose lease ran out (their worker died or stalled) go back to the queue; their images show as
 * queued again. Run at boot and on every idle poll.
 */
export async function recoverExpiredLeases(db: Knex, now: number): Promise<number> {
  if (!(await anyExpiredLease(db, now))) return 0;
  return db.transaction(async (trx) => {
    const expired = await trx('jobs').where('status', 'running').andWhere('lease_until', '<', now).select('id', 'image_id');
    if (expired.length === 0) return 0;
    const ids = expired.map((j) => j.id as number);
    await trx('jobs').whereIn('id', ids).update({ status: 'queued', lease_owner: null, lease_until: null, updated_at: now });
    await trx('images')
      .whereIn('id', expired.map((j) => j.image_id as string))
      .andWhere('status', 'processing')
      .update({ status: 'queued', updated_at: now });
    await notify(trx, CHANNELS.jobs);
    return ids.length;
  });
}

/** Hands a job back untouched (shutdown): it did not fail, so the attempt is not counted. */
export async function releaseJob(db: Knex, jobId: number, imageId: string, now: number): Promise<void> {
  await db.transaction(async (trx) => {
    const n = await trx('jobs')
      .where({ id: jobId, status: 'running' })
      .update({ status: 'queued', attempts: trx.raw(isPostgres(trx) ? 'greatest(attempts - 1, 0)' : 'max(attempts - 1, 0)'), lease_owner: null, lease_until: null, updated_at: now });
    if (n) await trx('images').where({ id: imageId, status: 'processing' }).update({ status: 'queued', updated_at: now });
    // Another worker can take it now, without waiting for its poll.
    if (n) await notify(trx, CHANNELS.jobs);
  });
}

/** The earliest time a queued job becomes due, so an idle worker knows there is nothing sooner. */
export async function nextRunAt(db: Knex): Promise<number | null> {
  const row = await db('jobs').where('status', 'queued').min({ at: 'run_at' }).first();
  return row?.at == null ? null : Number(row.at);
}

function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
