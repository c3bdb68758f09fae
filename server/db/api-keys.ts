import type { Db } from './knex';

export type ApiKeyScope = 'read' | 'write';

export interface ApiKeyRow {
  id: number;
  user_id: number;
  name: string;
  prefix: string;
  key_hash: string;
  scope: ApiKeyScope;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export async function insertApiKey(db: Db, row: Omit<ApiKeyRow, 'id' | 'last_used_at' | 'revoked_at'>): Promise<number> {
  const [inserted] = await db('api_keys').insert(row).returning<{ id: number }[]>('id');
  return inserted.id;
}

export function findApiKeyByHash(db: Db, keyHash: string): Promise<ApiKeyRow | undefined> {
  return db<ApiKeyRow>('api_keys').where({ key_hash: keyHash }).first();
}

export function listApiKeysForUser(db: Db, userId: number): Promise<ApiKeyRow[]> {
  return db<ApiKeyRow>('api_keys').where({ user_id: userId }).orderBy('created_at', 'desc').orderBy('id', 'desc');
}

/** Scoped by owner: another user's key id changes nothing. */
export async function revokeApiKeyRow(db: Db, userId: number, id: number, now: number): Promise<boolean> {
  const changed = await db('api_keys').where({ id, user_id: userId }).whereNull('revoked_at').update({ revoked_at: now });
  return changed > 0;
}

export async function touchApiKey(db: Db, id: number, now: number): Promise<void> {
  await db('api_keys').where({ id }).update({ last_used_at: now });
}
