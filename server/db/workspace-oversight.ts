import type { Db } from './knex';

export interface TeamWorkspaceOverview {
  id: number;
  name: string;
  approval_required: boolean;
  two_factor_required: boolean;
  created_at: number;
  members: number;
  /** Owners who can still act: active accounts not on their way out. */
  owners: number;
}

/**
 * Every team workspace with its member and owner counts, for the instance's administrators: a
 * workspace whose last owner deleted their account has members but no owner, and only an
 * administrator can name one.
 */
export async function listTeamWorkspacesOverview(db: Db): Promise<TeamWorkspaceOverview[]> {
  const rows = await db('users as w')
    .leftJoin('workspace_members as m', 'm.workspace_id', 'w.id')
    .leftJoin('users as p', 'p.id', 'm.user_id')
    .where({ 'w.kind': 'workspace' })
    .whereNull('w.deletion_requested_at')
    .groupBy('w.id', 'w.name', 'w.approval_required', 'w.two_factor_required', 'w.created_at')
    .orderBy('w.name')
    .select('w.id', 'w.name', 'w.approval_required', 'w.two_factor_required', 'w.created_at')
    .count({ members: 'm.user_id' })
    .select(db.raw(`sum(case when m.role = 'owner' and p.status = 'active' and p.deletion_requested_at is null then 1 else 0 end) as owners`));
  return rows.map((r: Record<string, unknown>) => ({
    id: Number(r.id), name: String(r.name), approval_required: Boolean(r.approval_required), two_factor_required: Boolean(r.two_factor_required),
    created_at: Number(r.created_at), members: Number(r.members), owners: Number(r.owners ?? 0),
  }));
}

/** The team workspaces in which this person is the only owner who can act. */
export async function workspacesOnlyOwnedBy(db: Db, userId: number): Promise<{ id: number; name: string }[]> {
  const owned: { id: number; name: string }[] = await db('workspace_members as m')
    .join('users as w', 'w.id', 'm.workspace_id')
    .where({ 'm.user_id': userId, 'm.role': 'owner', 'w.kind': 'workspace' })
    .whereNull('w.deletion_requested_at')
    .select('w.id', 'w.name');
  if (owned.length === 0) return [];
  const overview = new Map((await listTeamWorkspacesOverview(db)).map((w) => [w.id, w]));
  return owned.filter((w) => (overview.get(w.id)?.owners ?? 0) <= 1);
}
