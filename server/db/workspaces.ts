import type { Db } from './knex';
import type { WorkspaceRole } from '../workspaces/roles';

export interface TeamWorkspaceRow {
  id: number;
  name: string;
  approval_required: boolean;
  two_factor_required: boolean;
  created_at: number;
}

export interface Membership {
  workspace_id: number;
  name: string;
  role: WorkspaceRole;
  approval_required: boolean;
  two_factor_required: boolean;
}

export interface MemberRow {
  user_id: number;
  email: string;
  name: string;
  role: WorkspaceRole;
  created_at: number;
}

const WORKSPACE_EMAIL_DOMAIN = 'workspace.invalid';

/**
 * A team workspace is a `users` row nobody can sign in to: its email is in the reserved `.invalid`
 * domain with a random part, its password hash matches no password, and sign-in only looks at people.
 */
export async function insertTeamWorkspace(db: Db, input: { name: string; createdBy: number; marker: string; now: number }): Promise<number> {
  const [row] = await db('users')
    .insert({
      email: `${input.marker}@${WORKSPACE_EMAIL_DOMAIN}`,
      name: input.name,
      password_hash: '!',
      role: 'user',
      status: 'active',
      kind: 'workspace',
      approval_required: true,
      created_by: input.createdBy,
      created_at: input.now,
      updated_at: input.now,
    })
    .returning<{ id: number }[]>('id');
  return row.id;
}

export function findTeamWorkspace(db: Db, id: number): Promise<TeamWorkspaceRow | undefined> {
  return db('users')
    .where({ id, kind: 'workspace' })
    .whereNull('deletion_requested_at')
    .first<TeamWorkspaceRow | undefined>('id', 'name', 'approval_required', 'two_factor_required', 'created_at');
}

export async function updateTeamWorkspace(db: Db, id: number, changes: { name?: string; approval_required?: boolean; two_factor_required?: boolean }, now: number): Promise<void> {
  await db('users').where({ id, kind: 'workspace' }).update({ ...changes, updated_at: now });
}

/** One indexed lookup per request in a team workspace: the membership and the workspace's state. */
export function findMembership(db: Db, workspaceId: number, userId: number): Promise<Membership | undefined> {
  return db('workspace_members as m')
    .join('users as w', 'w.id', 'm.workspace_id')
    .where({ 'm.workspace_id': workspaceId, 'm.user_id': userId, 'w.kind': 'workspace', 'w.status': 'active' })
    .whereNull('w.deletion_requested_at')
    .first<Membership | undefined>('m.workspace_id', 'w.name', 'm.role', 'w.approval_required', 'w.two_factor_required');
}

export function listMemberships(db: Db, userId: number): Promise<Membership[]> {
  return db('workspace_members as m')
    .join('users as w', 'w.id', 'm.workspace_id')
    .where({ 'm.user_id': userId, 'w.kind': 'workspace', 'w.status': 'active' })
    .whereNull('w.deletion_requested_at')
    .orderBy('w.name')
    .select<Membership[]>('m.workspace_id', 'w.name', 'm.role', 'w.approval_required', 'w.two_factor_required');
}

export function listMembers(db: Db, workspaceId: number): Promise<MemberRow[]> {
  return db('workspace_members as m')
    .join('users as u', 'u.id', 'm.user_id')
    .where({ 'm.workspace_id': workspaceId })
    .orderBy('u.email')
    .select<MemberRow[]>('m.user_id', 'u.email', 'u.name', 'm.role', 'm.created_at');
}

/** Adds the member, or changes the role of one already there. */
export async function putMember(db: Db, workspaceId: number, userId: number, role: WorkspaceRole, now: number): Promise<void> {
  await db('workspace_members')
    .insert({ workspace_id: workspaceId, user_id: userId, role, created_at: now })
    .onConflict(['workspace_id', 'user_id'])
    .merge(['role']);
}

export async function deleteMember(db: Db, workspaceId: number, userId: number): Promise<boolean> {
  return (await db('workspace_members').where({ workspace_id: workspaceId, user_id: userId }).del()) > 0;
}

export async function countOwners(db: Db, workspaceId: number): Promise<number> {
  const row = await db('workspace_members').where({ workspace_id: workspaceId, role: 'owner' }).count<{ n: number }[]>({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

export async function deleteAllMembers(db: Db, workspaceId: number): Promise<void> {
  await db('workspace_members').where({ workspace_id: workspaceId }).del();
}

export interface WorkspaceInviteRow {
  id: number;
  workspace_id: number;
  email: string;
  role: WorkspaceRole;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export async function insertWorkspaceInvite(db: Db, row: Omit<WorkspaceInviteRow, 'id' | 'used_at'> & { token_hash: string; created_by: number }): Promise<void> {
  await db('workspace_invites').insert(row);
}

export function findWorkspaceInvite(db: Db, tokenHash: string): Promise<(WorkspaceInviteRow & { workspace_name: string }) | undefined> {
  return db('workspace_invites as i')
    .join('users as w', 'w.id', 'i.workspace_id')
    .where({ 'i.token_hash': tokenHash, 'w.kind': 'workspace' })
    .whereNull('w.deletion_requested_at')
    .first('i.id', 'i.workspace_id', 'i.email', 'i.role', 'i.created_at', 'i.expires_at', 'i.used_at', 'w.name as workspace_name');
}

/** Marks the invitation used only if it still is; false when another request got there first. */
export async function consumeWorkspaceInvite(db: Db, id: number, now: number): Promise<boolean> {
  return (await db('workspace_invites').where({ id }).whereNull('used_at').where('expires_at', '>', now).update({ used_at: now })) === 1;
}

export function listWorkspaceInvites(db: Db, workspaceId: number): Promise<WorkspaceInviteRow[]> {
  return db('workspace_invites').where({ workspace_id: workspaceId }).orderBy('id', 'desc').limit(50)
    .select('id', 'workspace_id', 'email', 'role', 'created_at', 'expires_at', 'used_at');
}
