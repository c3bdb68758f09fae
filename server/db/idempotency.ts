import type { Db } from './knex';

export interface IdempotencyRow {
  user_id: number;
  key: string;
  request_hash: string;
  state: 'running' | 'done';
  status_code: number | null;
  response_json: string | null;
  created_at: number;
  expires_at: number;
}

export function findIdempotencyRow(db: Db, userId: number, key: string): Promise<IdempotencyRow | undefined> {
  return db<IdempotencyRow>('idempotency_keys').where({ user_id: userId, key }).first();
}

/** False when the key is taken (the unique index decides, so two concurrent requests cannot both win). */
export async function claimIdempotencyKey(db: Db, row: IdempotencyRow, now: number): Promise<boolean> {
  await db('idempotency_keys').where('expires_at', '<=', now).delete();
  const inserted = await db('idempotency_keys').insert(row).onConflict(['user_id', 'key']).ignore().returning('id');
  return inserted.length === 1;
}

export async function storeIdempotentAnswer(db: Db, userId: number, key: string, status: number, body: unknown): Promise<void> {
  await db('idempotency_keys').where({ user_id: userId, key }).update({ state: 'done', status_code: status, response_json: JSON.stringify(body) });
}

export async function releaseIdempotencyKey(db: Db, userId: number, key: string): Promise<void> {
  await db('idempotency_keys').where({ user_id: userId, key, state: 'running' }).delete();
}

export async function deleteExpiredIdempotencyKeys(db: Db, now: number): Promise<number> {
  return db('idempotency_keys').where('expires_at', '<=', now).delete();
}
