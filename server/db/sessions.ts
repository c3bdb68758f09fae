import type { Knex } from 'knex';

export interface SessionRow {
  sid: string;
  user_id: number | null;
  data: string;
  created_at: number;
  expires_at: number;
}

export async function findSession(db: Knex, sid: string): Promise<SessionRow | undefined> {
  return db<SessionRow>('sessions').where({ sid }).first();
}

/** Insert or replace a session's data; `created_at` is kept from the first insert (absolute lifetime). */
export async function saveSession(db: Knex, row: SessionRow): Promise<void> {
  await db('sessions').insert(row).onConflict('sid').merge(['user_id', 'data', 'expires_at']);
}

export async function extendSession(db: Knex, sid: string, expiresAt: number): Promise<void> {
  await db('sessions').where({ sid }).update({ expires_at: expiresAt });
}

export async function deleteSession(db: Knex, sid: string): Promise<void> {
  await db('sessions').where({ sid }).delete();
}

export async function deleteUserSessions(db: Knex, userId: number): Promise<number> {
  return db('sessions').where({ user_id: userId }).delete();
}

export async function countUserSessions(db: Knex, userId: number): Promise<number> {
  const row = await db('sessions').where({ user_id: userId }).count<{ n: number }[]>({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

/** Sessions past their idle expiry or their absolute lifetime. */
export async function deleteExpiredSessions(db: Knex, now: number, absoluteMs: number): Promise<number> {
  return db('sessions')
    .where('expires_at', '<=', now)
    .orWhere('created_at', '<=', now - absoluteMs)
    .delete();
}
