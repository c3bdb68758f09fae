import crypto from 'node:crypto';
import type { Deps } from '../../deps';
import { HttpError } from '../../middleware/errors';
import { recordAudit, type RequestMeta } from '../accounts/audit';
import {
  consumeWorkspaceInvite,
  findMembership,
  findWorkspaceInvite,
  insertWorkspaceInvite,
  listWorkspaceInvites,
  putMember,
  type WorkspaceInviteRow,
} from '../../db/workspaces';
import type { WorkspaceContext } from '../../workspaces/context';
import { atLeast, isRole, ROLE_LABELS, type WorkspaceRole } from '../../workspaces/roles';

const INVITE_LIFETIME_MS = 7 * 24 * 3600 * 1000;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const hashToken = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

/**
 * An owner invites a person by email with a role. The link is shown once (only its hash is kept),
 * lasts seven days, works once, and only for the account with that email address: a forwarded link
 * lets nobody else in.
 */
export async function inviteToWorkspace(
  deps: Deps,
  meta: RequestMeta | null,
  workspace: WorkspaceContext,
  actorId: number,
  input: { email?: unknown; role?: unknown },
): Promise<{ token: string; email: string; role: WorkspaceRole }> {
  if (workspace.kind !== 'team') throw new HttpError(400, 'Invite people into a team workspace; your personal workspace is yours alone.', 'invalid');
  const email = typeof input.email === 'string' ? input.email.trim().toLowerCase() : '';
  if (!EMAIL.test(email) || email.length > 254) throw new HttpError(400, 'Enter the email address of the person to invite.', 'invalid');
  if (!isRole(input.role)) throw new HttpError(400, 'Choose a role: viewer, contributor, editor or owner.', 'invalid');
  const token = crypto.randomBytes(32).toString('base64url');
  const now = deps.clock.now().getTime();
  await insertWorkspaceInvite(deps.db, {
    workspace_id: workspace.id, email, role: input.role, token_hash: hashToken(token), created_by: actorId, created_at: now, expires_at: now + INVITE_LIFETIME_MS,
  });
  await recordAudit(deps, meta, { userId: workspace.id, actorId, event: 'workspace.invite', detail: `${email} as ${input.role}` });
  return { token, email, role: input.role };
}

export type InviteState = 'pending' | 'used' | 'expired';

export async function invitesOf(deps: Deps, workspace: WorkspaceContext): Promise<(WorkspaceInviteRow & { state: InviteState })[]> {
  const now = deps.clock.now().getTime();
  return (await listWorkspaceInvites(deps.db, workspace.id)).map((invite) => ({
    ...invite,
    state: invite.used_at ? 'used' : Number(invite.expires_at) <= now ? 'expired' : 'pending',
  }));
}

export interface InviteOffer {
  workspaceId: number;
  workspaceName: string;
  role: WorkspaceRole;
  roleLabel: string;
}

/** What the link offers this person, or why it cannot be used: the same answer for every bad link. */
export async function inviteFor(deps: Deps, person: { id: number; email: string }, token: string): Promise<InviteOffer> {
  const invite = await findWorkspaceInvite(deps.db, hashToken(token));
  const now = deps.clock.now().getTime();
  if (!invite || invite.used_at || Number(invite.expires_at) <= now) {
    throw new HttpError(404, 'This invitation link is not valid: it may have expired or been used already. Ask for a new one.', 'not_found');
  }
  if (invite.email !== person.email.toLowerCase()) {
    throw new HttpError(403, `This invitation is for another email address. Sign in with the account it was sent to.`, 'forbidden');
  }
  return { workspaceId: invite.workspace_id, workspaceName: invite.workspace_name, role: invite.role, roleLabel: ROLE_LABELS[invite.role] };
}

/** Joins the workspace with the invited role (a member already there keeps the higher of the two). */
export async function acceptInvite(deps: Deps, meta: RequestMeta | null, person: { id: number; email: string }, token: string): Promise<InviteOffer> {
  const offer = await inviteFor(deps, person, token);
  const invite = await findWorkspaceInvite(deps.db, hashToken(token));
  const now = deps.clock.now().getTime();
  if (!invite || !(await consumeWorkspaceInvite(deps.db, invite.id, now))) {
    throw new HttpError(404, 'This invitation link is not valid: it may have expired or been used already. Ask for a new one.', 'not_found');
  }
  const existing = await findMembership(deps.db, offer.workspaceId, person.id);
  if (!existing || !atLeast(existing.role, offer.role)) await putMember(deps.db, offer.workspaceId, person.id, offer.role, now);
  await recordAudit(deps, meta, { userId: offer.workspaceId, actorId: person.id, event: 'workspace.join', detail: `as ${offer.role}` });
  return offer;
}
