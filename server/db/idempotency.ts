import type { Db } from './knex';
import { sealColumns } from './text-codec';
import { ANSWER_TEXT } from './sealed-tables';
import { markRowsTextDeleted } from './text-key-rotation';

export interface IdempotencyRow {
  user_id: number;
  key: string;
  request_hash: string;
  state: 'running' | 'done';
  status_code: number | null;
  response_json: string | null;
  created_at: number;
  expires_at: number;
  /** The request holding a running claim. */
  owner?: string | null;
  /** The resource the claim's work committed, written in the work's own transaction. */
  resource_id?: string | null;
}

export function findIdempotencyRow(db: Db, userId: number, key: string): Promise<IdempotencyRow | undefined> {
  return db<IdempotencyRow>('idempotency_keys').where({ user_id: userId, key }).first();
}

/** False when the key is taken (the unique index decides, so two concurrent requests cannot both win). */
export async function claimIdempotencyKey(db: Db, row: IdempotencyRow, now: number): Promise<boolean> {
  await deleteExpiredIdempotencyKeys(db, now);
  const inserted = await db('idempotency_keys').insert(row).onConflict(['user_id', 'key']).ignore().returning('id');
  return inserted.length === 1;
}

export async function storeIdempotentAnswer(db: Db, userId: number, key: string, owner: string, status: number, body: unknown): Promise<void> {
  // A stored answer holds result text: sealed as the result itself is.
  const answer = await sealColumns(db, userId, { state: 'done', status_code: status, response_json: JSON.stringify(body) }, ANSWER_TEXT);
  await db('idempotency_keys').where({ user_id: userId, key, owner }).update(answer);
}

export async function releaseIdempotencyKey(db: Db, userId: number, key: string, owner: string): Promise<void> {
  await db('idempotency_keys').where({ user_id: userId, key, owner, state: 'running' }).delete();
}

/** Takes a running claim nothing was committed under since `staleBefore`; false when another request got it first. */
export async function takeOverIdempotencyClaim(db: Db, userId: number, key: string, owner: string, staleBefore: number, now: number): Promise<boolean> {
  const taken = await db('idempotency_keys')
    .where({ user_id: userId, key, state: 'running' })
    .whereNull('resource_id')
    .where('created_at', '<', staleBefore)
    .update({ owner, created_at: now });
  return taken === 1;
}

/** In the work's transaction: records what it created; false when the claim is no longer this request's. */
export async function markIdempotentResource(db: Db, userId: number, key: string, owner: string, resourceId: string): Promise<boolean> {
  return (await db('idempotency_keys').where({ user_id: userId, key, owner, state: 'running' }).update({ resource_id: resourceId })) === 1;
}

export async function deleteExpiredIdempotencyKeys(db: Db, now: number): Promise<number> {
  const expired = () => db('idempotency_keys').where('expires_at', '<=', now);
  await markRowsTextDeleted(db, expired(), Date.now());
  return expired().delete();
}
