import crypto from 'node:crypto';
import type { Deps } from '../../deps';
import { HttpError } from '../../middleware/errors';
import { commitAndWake } from '../../queue';
import { findBatch, listBatches } from '../../db/batches';
import { insertComparison, keptImagesOf, listComparisons, type RunDescriber } from '../../db/comparisons';
import { describerChoices } from './describers';

/** At most this many images per run: a sample to judge describers by, not a batch. */
export const MAX_SAMPLE = 20;
export const MIN_DESCRIBERS = 2;
export const MAX_DESCRIBERS = 4;

export interface StartInput {
  describers?: unknown;
  batchId?: unknown;
  count?: unknown;
}

/**
 * Starts a run: the batch's first `count` images whose working copies are still kept, each described
 * by every chosen describer through the queue (one job per image and describer). Returns the run's id.
 */
export async function startComparison(deps: Deps, scope: number, adminId: number, input: StartInput): Promise<string> {
  const keys = [...new Set((Array.isArray(input.describers) ? input.describers : [input.describers]).filter((k): k is string => typeof k === 'string' && k !== ''))];
  if (keys.length < MIN_DESCRIBERS || keys.length > MAX_DESCRIBERS) throw new HttpError(400, `Choose ${MIN_DESCRIBERS} to ${MAX_DESCRIBERS} describers to compare.`, 'invalid_describers');
  const choices = await describerChoices(deps);
  const chosen = keys.map((k) => choices.find((c) => c.key === k));
  if (chosen.some((c) => !c)) throw new HttpError(400, 'One of the chosen describers no longer exists; choose again.', 'invalid_describers');
  const count = Number(input.count ?? 5);
  if (!Number.isInteger(count) || count < 1 || count > MAX_SAMPLE) throw new HttpError(400, `Choose 1 to ${MAX_SAMPLE} images.`, 'invalid_count');
  const batchId = typeof input.batchId === 'string' ? input.batchId : '';
  if (!batchId || !(await findBatch(deps.db, scope, batchId))) throw new HttpError(400, 'Choose one of this workspace’s batches.', 'invalid_batch');
  const images = await keptImagesOf(deps.db, scope, batchId, count);
  if (images.length === 0) throw new HttpError(400, 'None of this batch’s images is kept any more (their working copies expired); choose another batch.', 'no_images');
  const describers: RunDescriber[] = chosen.map((c) => ({ key: c!.key, name: c!.name, model: c!.model, priceInputPerM: c!.priceInputPerM, priceOutputPerM: c!.priceOutputPerM }));
  const id = `cmp_${crypto.randomBytes(9).toString('base64url')}`;
  const now = deps.clock.now().getTime();
  await commitAndWake(deps, (trx) => insertComparison(trx, { id, user_id: scope, created_by: adminId, batch_id: batchId, describers, created_at: now }, images.map((i) => i.id)));
  return id;
}

/** The runs page: earlier runs, and what a new one can be made of. */
export async function comparisonsIndex(deps: Deps, scope: number) {
  const [runs, describers, batches] = await Promise.all([listComparisons(deps.db, scope), describerChoices(deps), listBatches(deps.db, scope, 50)]);
  return { runs, describers, batches };
}
