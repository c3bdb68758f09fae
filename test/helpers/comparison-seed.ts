import crypto from 'node:crypto';
import type { Deps } from '../../server/deps';
import { insertDescriberConfig } from '../../server/db/describer-configs';
import { insertComparison, storeComparisonResult, type RunDescriber } from '../../server/db/comparisons';
import { seedReviewBatch } from './review-seed';

/**
 * A finished comparison of two configured servers over `count` of the workspace's images, stored as
 * the queue stores results (without running it): what a reviewer opens to vote.
 */
export async function seedComparison(deps: Deps, userId: number, opts: { count?: number; text?: (describer: number, image: number) => string } = {}): Promise<{ id: string; batchId: string }> {
  const now = Date.now();
  const describers: RunDescriber[] = [];
  for (const [i, name] of ['Cloud model on the provider’s largest tier', 'GPU box in the office'].entries()) {
    const id = `dsc_${crypto.randomBytes(9).toString('base64url')}`;
    await insertDescriberConfig(deps.db, { id, name, base_url: `https://models-${i}.example.com/v1`, model: `model-${i}`, api_key_sealed: null, price_input_per_m: 2.5 / (i + 1), price_output_per_m: 10 / (i + 1), created_at: now, updated_at: now });
    describers.push({ key: id, name, model: `model-${i}`, priceInputPerM: 2.5 / (i + 1), priceOutputPerM: 10 / (i + 1) });
  }
  const { batchId, imageIds } = await seedReviewBatch(deps, userId, opts.count ?? 2, 'Comparison sample');
  const id = `cmp_${crypto.randomBytes(9).toString('base64url')}`;
  await deps.db.transaction((trx) => insertComparison(trx, { id, user_id: userId, created_by: userId, batch_id: batchId, describers, created_at: now }, imageIds));
  // The jobs were added with the run; these results stand for theirs.
  await deps.db('jobs').where({ kind: 'compare' }).update({ status: 'done' });
  const text = opts.text ?? ((d, i) => `${d === 0 ? 'A brown dog with a red collar sits on a sunlit lawn' : 'Dog on grass'} (image ${i + 1})`);
  for (const [i, imageId] of imageIds.entries()) {
    for (const [d, describer] of describers.entries()) {
      await deps.db.transaction((trx) => storeComparisonResult(trx, { comparisonId: id, imageId, describerKey: describer.key, userId }, {
        status: 'done', alt_text: text(d, i), description: '', duration_ms: 300 + 900 * d, input_tokens: 850, output_tokens: 120 - 40 * d,
        cost: (850 * describer.priceInputPerM + (120 - 40 * d) * describer.priceOutputPerM) / 1e6,
      }, now));
    }
  }
  return { id, batchId };
}
