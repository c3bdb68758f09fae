import type { Knex } from 'knex';
import type { SessionUser } from './users';

export interface SessionRow {
  sid: string;
  user_id: number | null;
  data: string;
  created_at: number;
  expires_at: number;
}

export interface SessionWithUser extends SessionRow {
  /** The signed-in account when the session has one and it is active. */
  user: SessionUser | null;
}

type JoinedRow = SessionRow & { u_id: number | null; u_email: string; u_name: string; u_role: SessionUser['role'] };

/** The session and its active account in one query: every signed-in request runs this. */
export async function findSessionWithUser(db: Knex, sid: string): Promise<SessionWithUser | undefined> {
  const row: JoinedRow | undefined = await db('sessions as s')
    .leftJoin('users as u', (on) => on.on('u.id', '=', 's.user_id').andOnVal('u.status', '=', 'active'))
    .where('s.sid', sid)
    .first(
      's.sid', 's.user_id', 's.data', 's.created_at', 's.expires_at',
      'u.id as u_id', 'u.email as u_email', 'u.name as u_name', 'u.role as u_role',
    );
  if (!row) return undefined;
  return {
    sid: row.sid,
    user_id: row.user_id,
    data: row.data,
    created_at: row.created_at,
    expires_at: row.expires_at,
    user: row.u_id === null ? null : { id: row.u_id, email: row.u_email, name: row.u_name, role: row.u_role },
  };
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
