import crypto from 'node:crypto';
import type { Deps } from '../../deps';
import { HttpError } from '../../middleware/errors';
import { recordAudit, type RequestMeta } from '../accounts/audit';
import { requestAccountDeletion } from '../data-rights/account-deletion';
import { hasSecondFactor } from '../two-factor';
import { listWorkspaceAuditEvents } from '../../db/audit-events';
import {
  countOwners,
  deleteAllMembers,
  deleteMember,
  findTeamWorkspace,
  insertTeamWorkspace,
  listMembers,
  listMemberships,
  putMember,
  updateTeamWorkspace,
  type MemberRow,
  type Membership,
} from '../../db/workspaces';
import type { WorkspaceContext } from '../../workspaces/context';
import { isRole, type WorkspaceRole } from '../../workspaces/roles';

const NAME_MAX = 80;

function cleanName(value: unknown): string {
  const name = typeof value === 'string' ? value.trim().replace(/\s+/g, ' ') : '';
  if (!name) throw new HttpError(400, 'Give the workspace a name.', 'invalid');
  if (name.length > NAME_MAX) throw new HttpError(400, `A workspace name has at most ${NAME_MAX} characters.`, 'invalid');
  return name;
}

/** An administrator creates a team workspace and is its first owner. */
export async function createTeamWorkspace(deps: Deps, meta: RequestMeta | null, creatorId: number, input: { name?: unknown }): Promise<number> {
  const name = cleanName(input.name);
  const now = deps.clock.now().getTime();
  const id = await deps.db.transaction(async (trx) => {
    const workspaceId = await insertTeamWorkspace(trx, { name, createdBy: creatorId, marker: `workspace-${crypto.randomBytes(12).toString('hex')}`, now });
    await putMember(trx, workspaceId, creatorId, 'owner', now);
    return workspaceId;
  });
  await recordAudit(deps, meta, { userId: id, actorId: creatorId, event: 'workspace.create' });
  return id;
}

export function workspacesOf(deps: Deps, userId: number): Promise<Membership[]> {
  return listMemberships(deps.db, userId);
}

/** The workspace's log, for its owners. */
export function activityOf(deps: Deps, workspace: WorkspaceContext) {
  return listWorkspaceAuditEvents(deps.db, workspace.id);
}

export function membersOf(deps: Deps, workspace: WorkspaceContext): Promise<MemberRow[]> {
  return listMembers(deps.db, workspace.id);
}

function teamOnly(workspace: WorkspaceContext): void {
  if (workspace.kind !== 'team') throw new HttpError(400, 'Your personal workspace has no other members.', 'invalid');
}

/** Owners change roles; the last owner cannot step down, so a workspace always has one. */
export async function changeRole(deps: Deps, meta: RequestMeta | null, workspace: WorkspaceContext, actorId: number, memberId: number, role: unknown): Promise<void> {
  teamOnly(workspace);
  const member = (await listMembers(deps.db, workspace.id)).find((m) => m.user_id === memberId);
  if (!member) throw new HttpError(404, 'That person is not a member of this workspace.', 'not_found');
  if (!isRole(role)) throw new HttpError(400, 'Choose a role: viewer, contributor, editor or owner.', 'invalid');
  if (member.role === 'owner' && role !== 'owner' && (await countOwners(deps.db, workspace.id)) <= 1) {
    throw new HttpError(400, 'A workspace needs an owner: make someone else owner first.', 'invalid');
  }
  await putMember(deps.db, workspace.id, memberId, role, deps.clock.now().getTime());
  await recordAudit(deps, meta, { userId: workspace.id, actorId, event: 'workspace.role', detail: `${member.email}: ${member.role} → ${role}` });
}

/** Removing a member (or leaving) takes effect on their next request; their personal data stays theirs. */
export async function removeMember(deps: Deps, meta: RequestMeta | null, workspace: WorkspaceContext, actorId: number, memberId: number): Promise<void> {
  teamOnly(workspace);
  const member = (await listMembers(deps.db, workspace.id)).find((m) => m.user_id === memberId);
  if (!member) throw new HttpError(404, 'That person is not a member of this workspace.', 'not_found');
  if (member.role === 'owner' && (await countOwners(deps.db, workspace.id)) <= 1) {
    throw new HttpError(400, 'The last owner cannot leave: make someone else owner, or delete the workspace.', 'invalid');
  }
  await deleteMember(deps.db, workspace.id, memberId);
  const event = memberId === actorId ? 'workspace.leave' : 'workspace.remove';
  await recordAudit(deps, meta, { userId: workspace.id, actorId, event, detail: member.email });
}

/**
 * Name, approval and the two-factor requirement. An owner who requires two-factor sign-in must have
 * it themself, so the setting cannot lock out the person turning it on.
 */
export async function updateWorkspaceSettings(
  deps: Deps,
  meta: RequestMeta | null,
  workspace: WorkspaceContext,
  actorId: number,
  input: { name?: unknown; approval?: unknown; two_factor?: unknown },
): Promise<void> {
  teamOnly(workspace);
  const name = cleanName(input.name);
  const approvalRequired = input.approval === 'on';
  const twoFactorRequired = input.two_factor === 'on';
  if (twoFactorRequired && !(await hasSecondFactor(deps, actorId))) {
    throw new HttpError(400, 'Set up two-factor sign-in for yourself first (Account → Sign-in), then require it of everyone here.', 'invalid');
  }
  await updateTeamWorkspace(deps.db, workspace.id, { name, approval_required: approvalRequired, two_factor_required: twoFactorRequired }, deps.clock.now().getTime());
  await recordAudit(deps, meta, {
    userId: workspace.id, actorId, event: 'workspace.settings',
    detail: `approval ${approvalRequired ? 'required' : 'optional'}; two-factor ${twoFactorRequired ? 'required' : 'optional'}`,
  });
}

/** A member may work in a workspace that requires two-factor sign-in only once they have a second factor. */
export async function meetsWorkspaceSignIn(deps: Deps, membership: Pick<Membership, 'two_factor_required'>, userId: number): Promise<boolean> {
  return !membership.two_factor_required || hasSecondFactor(deps, userId);
}

/**
 * Deletes a team workspace as an account is deleted, at once: sessions and keys end, working copies
 * go with receipts, text is scrubbed and its key destroyed. Members keep their personal workspaces.
 */
export async function deleteTeamWorkspace(deps: Deps, meta: RequestMeta | null, workspace: WorkspaceContext, actorId: number, confirmName: unknown): Promise<void> {
  teamOnly(workspace);
  const current = await findTeamWorkspace(deps.db, workspace.id);
  if (!current) throw new HttpError(404, 'We could not find that workspace.', 'not_found');
  if (typeof confirmName !== 'string' || confirmName.trim() !== current.name) {
    throw new HttpError(400, `Type the workspace's name, ${current.name}, to delete it.`, 'invalid');
  }
  await recordAudit(deps, meta, { userId: workspace.id, actorId, event: 'workspace.delete', detail: current.name });
  await deleteAllMembers(deps.db, workspace.id);
  await requestAccountDeletion(deps, meta, workspace.id, { actorId, immediately: true });
}

export type { WorkspaceRole };
