import type { Deps } from '../../deps';
import { HttpError } from '../../middleware/errors';
import { DescriberError } from '../../describers/types';
import { batchTokens, setBatchBudgetCap } from '../../db/budgets';
import type { ClaimedJob } from '../../queue/store';
import { activePrices } from './estimates';
import { costOf } from './job';

/** A budget cap as a form or the API gives it: empty is none; otherwise a number ≥ 0. */
export function parseBudgetCap(value: unknown): number | null {
  if (value === undefined || value === null || value === '') return null;
  const n = typeof value === 'number' ? value : Number(String(value).trim().replace(',', '.'));
  if (!Number.isFinite(n) || n < 0) throw new HttpError(400, 'The budget cap must be an amount of 0 or more (in the currency of the prices an administrator entered), or empty for none.', 'invalid_budget_cap');
  return n;
}

/**
 * Sets a batch's cap. A cap needs a known price: the embedded describer costs nothing, and a model
 * server's price is the one an administrator entered for a describer with its base URL and model.
 */
export async function applyBudgetCap(deps: Pick<Deps, 'db' | 'config' | 'describer'>, scope: number, batchId: string, value: unknown): Promise<void> {
  const cap = await budgetCapOf(deps, value);
  if (cap !== null) await setBatchBudgetCap(deps.db, scope, batchId, cap);
}

/** The cap given, checked (a number, and a price to count it in), so a caller can refuse before making anything. */
export async function budgetCapOf(deps: Pick<Deps, 'db' | 'config' | 'describer'>, value: unknown): Promise<number | null> {
  const cap = parseBudgetCap(value);
  if (cap !== null && !(await activePrices(deps))) {
    throw new HttpError(400, 'A budget cap needs the price of the describer in use: an administrator adds it under Admin → Describers with the same base URL and model.', 'no_price');
  }
  return cap;
}

/**
 * Refuses to describe one more image of a batch whose spent cost reached its cap: the image fails
 * with this reason and keeps its working copy, so nothing is lost. Images already being described
 * when the cap is reached still finish, so a batch can go over by up to QUEUE_CONCURRENCY - 1 images.
 */
export async function checkBudget(deps: Pick<Deps, 'db' | 'config' | 'describer'>, job: ClaimedJob): Promise<void> {
  if (job.budgetCap === null) return;
  const prices = await activePrices(deps);
  if (!prices) return;
  const tokens = await batchTokens(deps.db, job.batchId);
  const spent = costOf(prices, tokens.input, tokens.output);
  if (spent >= job.budgetCap) {
    throw new DescriberError(`Not described: the batch reached its budget cap of ${job.budgetCap} (spent ${spent.toFixed(4)}). The image is kept and can be described again later.`, false);
  }
}

/** The upload form's cap, set after the upload: a refused cap is said in the upload's message, the images stay queued. */
export async function applyBudgetCapFromForm(deps: Pick<Deps, 'db' | 'config' | 'describer'>, scope: number, batchId: string, value: unknown): Promise<string> {
  try {
    await applyBudgetCap(deps, scope, batchId, value);
    return '';
  } catch (err) {
    if (!(err instanceof HttpError)) throw err;
    return ` No budget cap was set. ${err.message}`;
  }
}
