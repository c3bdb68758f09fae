import crypto from 'node:crypto';
import type { Deps } from '../../deps';
import { HttpError } from '../../middleware/errors';
import type { Knex } from 'knex';
import { claimIdempotencyKey, findIdempotencyRow, markIdempotentResource, releaseIdempotencyKey, storeIdempotentAnswer, takeOverIdempotencyClaim } from '../../db/idempotency';

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
 * How long a running claim under which nothing was committed holds off a retry: longer than any
 * request spends before its commit (an image_url download is capped at 15 s), so only a request
 * whose process died is taken over. A live one overtaken anyway cannot commit (see Resumable).
 */
export const STALE_CLAIM_MS = 60_000;

/**
 * Work that creates one resource in one transaction can survive a crash: it calls `mark` inside that
 * transaction, and a retry of a request whose process died answers with `resume(resourceId)` when the
 * commit happened, or runs the work again when it did not. Exactly one resource either way.
 */
export interface Resumable {
  resume(resourceId: string): Promise<Answer>;
}

/** Inside the work's transaction; throws a 409 when another request took the claim over meanwhile. */
export type MarkResource = (trx: Knex.Transaction, resourceId: string) => Promise<void>;

/**
 * Runs `work` once per (user, Idempotency-Key). A repeat with the same request gets the stored first
 * answer and creates nothing; the same key with a different request is a 422; a repeat while the first
 * is still running is a 409. Client errors (4xx) are stored like successes; a server error frees the
 * key so the client may retry. With `resumable`, a claim left running by a process that died does
 * not block the key (see Resumable).
 */
export async function runIdempotent(
  deps: Pick<Deps, 'db' | 'clock'>,
  userId: number,
  key: string | undefined,
  requestHash: string,
  work: (mark?: MarkResource) => Promise<Answer>,
  onReplay?: () => Promise<void>,
  resumable?: Resumable,
): Promise<Answer & { replayed: boolean }> {
  if (key === undefined) return { ...(await work()), replayed: false };
  if (key.length === 0 || key.length > 255) throw new HttpError(400, 'Idempotency-Key must be 1 to 255 characters.', 'invalid_idempotency_key');
  const now = deps.clock.now().getTime();
  const owner = crypto.randomBytes(12).toString('base64url');
  let claimed = await claimIdempotencyKey(deps.db, {
    user_id: userId, key, request_hash: requestHash, state: 'running', status_code: null, response_json: null, created_at: now, expires_at: now + IDEMPOTENCY_TTL_MS, owner,
  }, now);
  if (!claimed) {
    const row = await findIdempotencyRow(deps.db, userId, key);
    if (row && row.request_hash !== requestHash) {
      await onReplay?.();
      throw new HttpError(422, 'This Idempotency-Key was already used with a different request.', 'idempotency_key_reused');
    }
    if (row?.state === 'done') {
      await onReplay?.();
      return { status: Number(row.status_code), body: JSON.parse(row.response_json ?? 'null'), replayed: true };
    }
    if (row && resumable && row.resource_id) {
      await onReplay?.();
      return { ...(await resumable.resume(row.resource_id)), replayed: true };
    }
    claimed = Boolean(row && resumable) && (await takeOverIdempotencyClaim(deps.db, userId, key, owner, now - STALE_CLAIM_MS, now));
    if (!claimed) {
      await onReplay?.();
      throw new HttpError(409, 'A request with this Idempotency-Key is still being processed.', 'idempotency_in_progress');
    }
  }
  const mark: MarkResource | undefined = resumable
    ? async (trx, resourceId) => {
        if (!(await markIdempotentResource(trx, userId, key, owner, resourceId))) throw new HttpError(409, 'A request with this Idempotency-Key is still being processed.', 'idempotency_in_progress');
      }
    : undefined;
  let answer: Answer;
  try {
    answer = await work(mark);
  } catch (err) {
    if (err instanceof HttpError && err.status < 500) {
      answer = { status: err.status, body: { error: { code: err.code, message: err.message } } };
      await storeIdempotentAnswer(deps.db, userId, key, owner, answer.status, answer.body);
    } else {
      await releaseIdempotencyKey(deps.db, userId, key, owner);
    }
    throw err;
  }
  await storeIdempotentAnswer(deps.db, userId, key, owner, answer.status, answer.body);
  return { ...answer, replayed: false };
}
