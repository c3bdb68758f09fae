import type { Knex } from 'knex';
import { refreshFlags } from '../services/audit/flags';
import { replaceTranslations } from '../db/translations';
import type { Description } from '../describers/types';
import { claimWithin, type ClaimedJob } from './store';
import { descriptionColumns } from '../db/descriptions';
import { optionsForHistory, storeGeneratedResult } from '../db/description-versions';
import { describeOptionsFor } from './job-input';
import { recordBatchCompletedDeliveries, recordFinishDeliveries, type FinishedImage } from '../webhooks/outbox';
import { refreshImageExpiry } from '../services/retention/expiry';
import type { Config } from '../config';
import { isPostgres } from '../db/knex';

export interface Outcome {
  /** False when the job had already finished or was cancelled: nothing was written. */
  stored: boolean;
  /** True when this result left no image of the batch queued or processing. */
  batchFinished: boolean;
}

/** The database, and the settings the retention deadline is computed from. */
export interface ResultDeps {
  db: Knex;
  config: Config;
}

const SKIPPED: Outcome = { stored: false, batchFinished: false };

/** Who claims the next job in the same commit, when the worker wants one. */
export interface HandOver {
  workerId: string;
  leaseMs: number;
}

/**
 * Writes the result, the image status, the usage record and the webhook deliveries in ONE transaction. The job row is the
 * guard: only the run that moves it from queued/running to done writes anything, so a job that ran
 * twice (a lease that expired under a slow worker, a crash after the model answered) stores one result.
 */
export async function completeJob(
  deps: ResultDeps,
  job: ClaimedJob,
  d: Description,
  now: number,
  handOver?: HandOver,
): Promise<Outcome & { next: ClaimedJob | null }> {
  return deps.db.transaction(async (trx) => {
    const outcome = await storeResult(deps.config, trx, job, d, now);
    // Claiming the slot's next job in this commit saves one synchronous commit per job.
    const next = handOver ? await claimWithin(trx, handOver.workerId, now, handOver.leaseMs) : null;
    return { ...outcome, next };
  });
}

async function storeResult(config: Config, trx: Knex.Transaction, job: ClaimedJob, d: Description, now: number): Promise<Outcome> {
  const won = await trx('jobs')
    .where({ id: job.id })
    .whereIn('status', ['queued', 'running'])
    .update({ status: 'done', lease_owner: null, lease_until: null, last_error: null, updated_at: now });
  if (won !== 1) return SKIPPED;
  const { applied } = await storeGeneratedResult(trx, {
    imageId: job.imageId,
    userId: job.userId,
    columns: descriptionColumns(d, job.userId, now),
    optionsJson: optionsForHistory(describeOptionsFor(job)),
    replaceEdits: job.replaceEdits,
    now,
  });
  // Translations follow the current text: new text replaces them; text waiting behind edits keeps the old.
  if (applied) await replaceTranslations(trx, job.userId, job.imageId, d.translations ?? {}, now);
  if (applied) await refreshFlags(trx, job.userId, [job.imageId]);
  // "Reviewed" is about the current text: it ends only when new text replaced it, which the
  // describe-again form says before; a result waiting behind a person's edits leaves it alone.
  await trx('images')
    .where({ id: job.imageId })
    .update({ status: 'done', error: null, processed_at: now, ...(applied ? { reviewed_at: null } : {}), updated_at: now });
  await trx('usage_events').insert({ user_id: job.userId, image_id: job.imageId, kind: 'description.created', source: job.source, created_at: now });
  return finish(config, trx, job, 'image.completed', now);
}

/**
 * What else a finish writes in its transaction: the working copy's retention deadline (so no second
 * commit follows to set it), and the webhook deliveries it causes (an outbox).
 */
async function finish(config: Config, trx: Knex.Transaction, job: ClaimedJob, type: FinishedImage['type'], now: number): Promise<Outcome> {
  await refreshImageExpiry({ config, db: trx }, job.imageId, trx);
  const finished = await batchFinished(trx, job.batchId, now);
  await recordFinishDeliveries(trx, { userId: job.userId, imageId: job.imageId, batchId: job.batchId, type, batchFinished: finished }, now);
  return { stored: true, batchFinished: finished };
}

/** Ends the job and its image in the failed state, with a reason the user can read. */
export async function failJob(deps: ResultDeps, job: ClaimedJob, reason: string, now: number): Promise<Outcome> {
  return deps.db.transaction(async (trx) => {
    const won = await trx('jobs')
      .where({ id: job.id })
      .whereIn('status', ['queued', 'running'])
      .update({ status: 'failed', lease_owner: null, lease_until: null, last_error: reason.slice(0, 500), updated_at: now });
    if (won !== 1) return SKIPPED;
    await trx('images').where({ id: job.imageId }).update({ status: 'failed', error: reason.slice(0, 500), updated_at: now });
    return finish(deps.config, trx, job, 'image.failed', now);
  });
}

/** Puts the job back in the queue to run at `runAt`; the image shows as queued meanwhile. */
export async function retryJob(db: Knex, job: ClaimedJob, runAt: number, reason: string, now: number): Promise<boolean> {
  return db.transaction(async (trx) => {
    const n = await trx('jobs')
      .where({ id: job.id, status: 'running' })
      .update({ status: 'queued', run_at: runAt, lease_owner: null, lease_until: null, last_error: reason.slice(0, 500), updated_at: now });
    if (n === 1) await trx('images').where({ id: job.imageId, status: 'processing' }).update({ status: 'queued', updated_at: now });
    return n === 1;
  });
}

async function batchFinished(trx: Knex.Transaction, batchId: string, now: number): Promise<boolean> {
  // Two results of one batch can commit at once on PostgreSQL, each counting the other's image as
  // unfinished. Holding the batch row makes the later one count after the earlier commits, so one of
  // them sees the batch finished. NO KEY UPDATE: each already holds the KEY SHARE lock its image
  // update's foreign key check took, which FOR UPDATE would wait on (a deadlock). SQLite runs one
  // write transaction at a time.
  const batches = trx('batches').where({ id: batchId });
  const batch = await (isPostgres(trx) ? batches.forNoKeyUpdate() : batches).first('receiving_until');
  // Its upload is still arriving: the end of the upload (endReceiving) finishes the batch instead.
  if (stillReceiving(batch?.receiving_until, now)) return false;
  const row = await trx('images').where({ batch_id: batchId }).whereIn('status', ['queued', 'processing']).count({ n: '*' }).first();
  return Number(row?.n ?? 0) === 0;
}

/** A deadline, so a batch whose web process died mid-upload still finishes once it has passed. */
function stillReceiving(receivingUntil: number | string | null | undefined, now: number): boolean {
  return receivingUntil !== null && receivingUntil !== undefined && Number(receivingUntil) > now;
}

/**
 * The upload of a batch has ended (completed, refused or abandoned by the client). When every image
 * it brought has already finished, the batch finishes here: its `batch.completed` deliveries are
 * written in the same transaction and the last finished image is returned for the event.
 */
export async function endReceiving(
  db: Knex, batchId: string, now: number, onlyIfLapsed = false,
): Promise<{ imageId: string; userId: number } | null> {
  return db.transaction(async (trx) => {
    // The update holds the batch row, so a result committing at the same time counts before or after this.
    const batch = trx('batches').where({ id: batchId }).whereNotNull('receiving_until');
    // A sweep ends only uploads whose deadline passed: a live upload may have just moved it on.
    if (onlyIfLapsed) batch.andWhere('receiving_until', '<=', now);
    const ended = await batch.update({ receiving_until: null });
    if (ended !== 1) return null;
    const unfinished = await trx('images').where({ batch_id: batchId }).whereIn('status', ['queued', 'processing']).count({ n: '*' }).first();
    if (Number(unfinished?.n ?? 0) > 0) return null;
    const last = await trx('images').where({ batch_id: batchId }).orderBy('updated_at', 'desc').first('id', 'user_id');
    if (!last) return null;
    await recordBatchCompletedDeliveries(trx, Number(last.user_id), batchId, now);
    return { imageId: last.id as string, userId: Number(last.user_id) };
  });
}
