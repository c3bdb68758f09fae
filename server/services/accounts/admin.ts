import crypto from 'node:crypto';
import type { Deps } from '../../deps';
import { findUserById, listUsers, updateUser } from '../../db/users';
import { deleteUserSessions } from '../../db/sessions';
import { insertInvite, listInvites, InviteRow } from '../../db/invites';
import { HttpError } from '../../middleware/errors';
import { recordAudit, RequestMeta } from './audit';
import { hashInviteToken } from './signup';

export const INVITE_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

export async function usersForAdmin(deps: Deps) {
  return listUsers(deps.db);
}

/** Disabling ends the user's sessions at once; their next request is signed out. */
export async function setUserDisabled(deps: Deps, meta: RequestMeta, actorId: number, userId: number, disabled: boolean): Promise<void> {
  const user = await findUserById(deps.db, userId);
  if (!user) throw new HttpError(404, 'Not found', 'not_found');
  if (user.id === actorId) throw new HttpError(400, 'You cannot disable your own account.', 'invalid');
  await deps.db.transaction(async (trx) => {
    await updateUser(trx, userId, { status: disabled ? 'disabled' : 'active', updated_at: deps.clock.now().getTime() });
    if (disabled) await deleteUserSessions(trx, userId);
    await recordAudit({ ...deps, db: trx }, meta, { userId, actorId, event: disabled ? 'user.disable' : 'user.enable' });
  });
}

/** Returns the token once; only its hash is stored. */
export async function createInvite(deps: Deps, meta: RequestMeta | null, actorId: number): Promise<string> {
  const token = crypto.randomBytes(32).toString('base64url');
  const now = deps.clock.now().getTime();
  await insertInvite(deps.db, { token_hash: hashInviteToken(token), created_by: actorId, created_at: now, expires_at: now + INVITE_LIFETIME_MS });
  await recordAudit(deps, meta, { userId: actorId, event: 'invite.create' });
  return token;
}

export type InviteState = 'pending' | 'used' | 'expired';

export async function invitesForAdmin(deps: Deps): Promise<(InviteRow & { state: InviteState })[]> {
  const now = deps.clock.now().getTime();
  const invites = await listInvites(deps.db);
  return invites.map((invite) => ({
    ...invite,
    state: invite.used_at ? 'used' : Number(invite.expires_at) <= now ? 'expired' : 'pending',
  }));
}
