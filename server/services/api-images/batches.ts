import type { Deps } from '../../deps';
import { HttpError } from '../../middleware/errors';
import { createBatch } from '../ingest';
import { describeDefaults } from '../ingest/submit';
import { parseDescribeOptions } from '../ingest/options';
import { patternSpec } from '../../patterns';
import { cancelBatch } from '../describe/control';
import { loadBatchResource, type BatchResource } from '../api-resources';
import { asFormFields } from '.';
import { countRetrieved } from './manage';
import { deleteBatchForUser } from '../data-rights/delete-content';
import { applyBudgetCap, budgetCapOf } from '../compare/budget';

/** An empty batch with its options; images join it with `batch_id`. */
export async function createApiBatch(deps: Deps, userId: number, body: Record<string, unknown>): Promise<BatchResource> {
  const fields = asFormFields(body);
  const options = parseDescribeOptions(fields, await describeDefaults(deps, userId));
  if (fields.pattern_id) options.pattern = await patternSpec(deps, userId, fields.pattern_id);
  const cap = await budgetCapOf(deps, body.budget_cap);
  const { batchId } = await createBatch(deps, { userId, uploads: [], options, name: fields.name ?? '' });
  if (cap !== null) await applyBudgetCap(deps, userId, batchId, cap);
  return getApiBatch(deps, userId, batchId, false);
}

export async function getApiBatch(deps: Deps, userId: number, batchId: string, count = true): Promise<BatchResource> {
  const batch = await loadBatchResource(deps, userId, batchId);
  if (!batch) throw new HttpError(404, 'No such batch.', 'not_found');
  if (count) countRetrieved(deps, userId, batch.images);
  return batch;
}

export async function cancelApiBatch(deps: Deps, userId: number, batchId: string): Promise<BatchResource & { cancelled: number }> {
  const { cancelled } = await cancelBatch(deps, userId, batchId);
  return { ...(await getApiBatch(deps, userId, batchId, false)), cancelled };
}

/** Deletes the batch and every image in it, each working copy leaving a receipt. */
export async function deleteApiBatch(deps: Deps, userId: number, batchId: string): Promise<void> {
  if (!(await deleteBatchForUser(deps, userId, batchId))) throw new HttpError(404, 'No such batch.', 'not_found');
}
