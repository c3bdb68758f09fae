import crypto from 'node:crypto';
import type { Deps } from '../../deps';
import { HttpError } from '../../middleware/errors';
import { claimIdempotencyKey, findIdempotencyRow, releaseIdempotencyKey, storeIdempotentAnswer } from '../../db/idempotency';

/** How long a key's first answer is kept and replayed (the 24 hours). */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export interface Answer {
  status: number;
  body: unknown;
}

export function fingerprint(parts: unknown[]): string {
  return crypto.createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/**
 * Runs `work` once per (user, Idempotency-Key). A repeat with the same request gets the stored first
 * answer and creates nothing; the same key with a different request is a 422; a repeat while the first
 * is still running is a 409. Client errors (4xx) are stored like successes; a server error frees the
 * key so the client may retry.
 */
export async function runIdempotent(
  deps: Pick<Deps, 'db' | 'clock'>,
  userId: number,
  key: string | undefined,
  requestHash: string,
  work: () => Promise<Answer>,
  onReplay?: () => Promise<void>,
): Promise<Answer & { replayed: boolean }> {
  if (key === undefined) return { ...(await work()), replayed: false };
  if (key.length === 0 || key.length > 255) throw new HttpError(400, 'Idempotency-Key must be 1 to 255 characters.', 'invalid_idempotency_key');
  const now = deps.clock.now().getTime();
  const claimed = await claimIdempotencyKey(deps.db, {
    user_id: userId, key, request_hash: requestHash, state: 'running', status_code: null, response_json: null, created_at: now, expires_at: now + IDEMPOTENCY_TTL_MS,
  }, now);
  if (!claimed) {
    await onReplay?.();
    const row = await findIdempotencyRow(deps.db, userId, key);
    if (row && row.request_hash !== requestHash) throw new HttpError(422, 'This Idempotency-Key was already used with a different request.', 'idempotency_key_reused');
    if (!row || row.state !== 'done') throw new HttpError(409, 'A request with this Idempotency-Key is still being processed.', 'idempotency_in_progress');
    return { status: Number(row.status_code), body: JSON.parse(row.response_json ?? 'null'), replayed: true };
  }
  let answer: Answer;
  try {
    answer = await work();
  } catch (err) {
    if (err instanceof HttpError && err.status < 500) {
      answer = { status: err.status, body: { error: { code: err.code, message: err.message } } };
      await storeIdempotentAnswer(deps.db, userId, key, answer.status, answer.body);
    } else {
      await releaseIdempotencyKey(deps.db, userId, key);
    }
    throw err;
  }
  await storeIdempotentAnswer(deps.db, userId, key, answer.status, answer.body);
  return { ...answer, replayed: false };
}
