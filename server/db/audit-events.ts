import type { Knex } from 'knex';
import { sealColumns } from './text-codec';
import { AUDIT_TEXT } from './sealed-tables';
import { BlobStoreUnavailableError } from '../storage';

export type AuditEventName =
  | 'signup'
  | 'signup.duplicate'
  | 'login.success'
  | 'login.failure'
  | 'login.refused'
  | 'logout'
  | 'password.change'
  | 'email.change'
  | 'invite.create'
  | 'invite.use'
  | 'user.disable'
  | 'user.enable'
  | 'account.delete'
  | 'account.restore'
  | 'two_factor.enable'
  | 'two_factor.disable'
  | 'two_factor.failure'
  | 'two_factor.recovery_code'
  | 'two_factor.reset'
  | 'two_factor.required'
  | 'two_factor.optional'
  | 'passkey.add'
  | 'passkey.remove'
  | 'login.passkey'
  | 'login.sso'
  | 'login.sso_refused'
  | 'workspace.create'
  | 'workspace.invite'
  | 'workspace.join'
  | 'workspace.role'
  | 'workspace.remove'
  | 'workspace.leave'
  | 'workspace.settings'
  | 'workspace.delete'
  | 'workspace.owner';

export interface AuditEventInput {
  userId: number | null;
  actorId?: number | null;
  event: AuditEventName;
  ip?: string | null;
  userAgent?: string | null;
  detail?: string | null;
}

export interface AuditEventRow {
  id: number;
  user_id: number | null;
  actor_id: number | null;
  event: AuditEventName;
  ip: string | null;
  user_agent: string | null;
  detail: string | null;
  created_at: number;
  user_email?: string | null;
}

/**
 * On PostgreSQL the details, address and browser of an event concerning an account are sealed under
 * its key, so what account deletion strips from the log cannot be read from old row versions. An
 * event concerning no account (a failed login with an unknown address) has no key to use.
 */
export async function insertAuditEvent(db: Knex, event: AuditEventInput, createdAt: number): Promise<void> {
  const row = {
    user_id: event.userId,
    actor_id: event.actorId ?? null,
    event: event.event,
    ip: event.ip?.slice(0, 64) ?? null,
    user_agent: event.userAgent?.slice(0, 255) ?? null,
    detail: event.detail?.slice(0, 255) ?? null,
    created_at: createdAt,
  };
  await db('audit_events').insert(event.userId === null ? row : await sealedOrWithout(db, event.userId, row));
}

/**
 * The row with its address, browser and detail sealed under the account's key. The key lives in the
 * blob store: while that is down, signing in must still work, so the event is kept (who, what, when)
 * without those three, rather than stored readable or not at all.
 */
async function sealedOrWithout<T extends { ip: string | null; user_agent: string | null; detail: string | null }>(db: Knex, userId: number, row: T): Promise<T> {
  try {
    return await sealColumns(db, userId, row, AUDIT_TEXT);
  } catch (err) {
    if (!(err instanceof BlobStoreUnavailableError)) throw err;
    return { ...row, ip: null, user_agent: null, detail: null };
  }
}

export async function listUserAuditEvents(db: Knex, userId: number, limit = 50): Promise<AuditEventRow[]> {
  return db<AuditEventRow>('audit_events').where({ user_id: userId }).orderBy('id', 'desc').limit(limit);
}

export async function listAllAuditEvents(db: Knex, limit = 200): Promise<AuditEventRow[]> {
  return db('audit_events as a')
    .leftJoin('users as u', 'u.id', 'a.user_id')
    .select('a.*', 'u.email as user_email')
    .orderBy('a.id', 'desc')
    .limit(limit);
}

/** A team workspace's own log: what its members did there (invitations, roles, settings), with who did it. */
export async function listWorkspaceAuditEvents(db: Knex, workspaceId: number, limit = 50): Promise<(AuditEventRow & { actor_email: string | null })[]> {
  return db('audit_events as a')
    .leftJoin('users as u', 'u.id', 'a.actor_id')
    .where('a.user_id', workspaceId)
    .select('a.*', 'u.email as actor_email')
    .orderBy('a.id', 'desc')
    .limit(limit);
}
