import type { Knex } from 'knex';
import type { Config } from '../../config';
import type { Logger } from '../../logger';
import type { Describer, DescribeInput, DescribeOptions, Description } from '../../describers/types';
import { DescriberError } from '../../describers/types';
import { comparisonDescribers, storeComparisonResult, type RunDescriber } from '../../db/comparisons';
import type { ClaimedJob } from '../../queue/store';
import { describerFor } from './describers';

/** What a comparison job needs of the queue's deps. */
export interface CompareJobDeps {
  db: Knex;
  config: Config;
  logger: Logger;
  describer: Describer;
}

/** Tokens × the admin's prices per million; the embedded describer and a server without usage cost 0. */
export function costOf(d: Pick<RunDescriber, 'priceInputPerM' | 'priceOutputPerM'>, inputTokens: number | null, outputTokens: number | null): number {
  return ((inputTokens ?? 0) * d.priceInputPerM + (outputTokens ?? 0) * d.priceOutputPerM) / 1_000_000;
}

/** Describes the image with the comparison's describer (not the app's), as the queue's describe step. */
export async function describeForComparison(deps: CompareJobDeps, job: ClaimedJob, input: DescribeInput, options: DescribeOptions, signal: AbortSignal): Promise<Description> {
  const describer = await describerFor(deps, job.compare!.describerKey);
  if (!describer) throw new DescriberError('This describer was removed before the comparison reached it.', false);
  return describer.describe(input, options, signal);
}

/** The job's row and its result in one transaction; the job row is the guard against storing twice. */
export async function completeComparisonJob(deps: CompareJobDeps, job: ClaimedJob, d: Description, now: number): Promise<boolean> {
  const run = (await comparisonDescribers(deps.db, job.compare!.comparisonId)).find((r) => r.key === job.compare!.describerKey);
  const p = d.provenance;
  return deps.db.transaction(async (trx) => {
    if (!(await finishJob(trx, job.id, 'done', null, now))) return false;
    return storeComparisonResult(trx, keyOf(job), {
      status: 'done', alt_text: d.alt_text, description: d.description, duration_ms: p.durationMs,
      input_tokens: p.inputTokens, output_tokens: p.outputTokens, cost: run ? costOf(run, p.inputTokens, p.outputTokens) : 0,
    }, now);
  });
}

/** Ends the job and its result as failed, with the reason shown on the results page; the image is untouched. */
export async function failComparisonJob(deps: Pick<CompareJobDeps, 'db'>, job: ClaimedJob, reason: string, now: number): Promise<boolean> {
  return deps.db.transaction(async (trx) => {
    if (!(await finishJob(trx, job.id, 'failed', reason, now))) return false;
    return storeComparisonResult(trx, keyOf(job), { status: 'failed', error: reason.slice(0, 500) }, now);
  });
}

function keyOf(job: ClaimedJob) {
  return { comparisonId: job.compare!.comparisonId, imageId: job.imageId, describerKey: job.compare!.describerKey, userId: job.userId };
}

async function finishJob(trx: Knex.Transaction, id: number, status: 'done' | 'failed', reason: string | null, now: number): Promise<boolean> {
  const won = await trx('jobs').where({ id }).whereIn('status', ['queued', 'running'])
    .update({ status, lease_owner: null, lease_until: null, last_error: reason?.slice(0, 500) ?? null, updated_at: now });
  return won === 1;
}
