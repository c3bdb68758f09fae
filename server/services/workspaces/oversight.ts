import type { Deps } from '../../deps';
import { HttpError } from '../../middleware/errors';
import { recordAudit, type RequestMeta } from '../accounts/audit';
import { findUserByEmail } from '../../db/users';
import { findTeamWorkspace, putMember, updateTeamWorkspace } from '../../db/workspaces';
import { listTeamWorkspacesOverview, workspacesOnlyOwnedBy, type TeamWorkspaceOverview } from '../../db/workspace-oversight';

/**
 * What the instance's administrators do for team workspaces they need not belong to: see them all,
 * name an owner (a workspace whose last owner deleted their account has none), and require
 * two-factor sign-in of a workspace's members.
 */
export function teamWorkspacesForAdmin(deps: Deps): Promise<TeamWorkspaceOverview[]> {
  return listTeamWorkspacesOverview(deps.db);
}

/** Where the person's account going would leave a team workspace without an owner. */
export function soleOwnerships(deps: Deps, userId: number): Promise<{ id: number; name: string }[]> {
  return workspacesOnlyOwnedBy(deps.db, userId);
}

async function teamWorkspace(deps: Deps, workspaceId: number) {
  const workspace = Number.isSafeInteger(workspaceId) ? await findTeamWorkspace(deps.db, workspaceId) : undefined;
  if (!workspace) throw new HttpError(404, 'We could not find that workspace.', 'not_found');
  return workspace;
}

/** Makes an existing, active account an owner of the workspace (a member or not yet); recorded in its log. */
export async function appointOwner(deps: Deps, meta: RequestMeta | null, adminId: number, workspaceId: number, email: unknown): Promise<string> {
  const workspace = await teamWorkspace(deps, workspaceId);
  const address = typeof email === 'string' ? email.trim().toLowerCase() : '';
  const person = address ? await findUserByEmail(deps.db, address) : undefined;
  if (!person || person.status !== 'active' || (person as { deletion_requested_at?: number | null }).deletion_requested_at) {
    throw new HttpError(400, 'No active account has that email address: the new owner must have an account here.', 'invalid');
  }
  await putMember(deps.db, workspace.id, person.id, 'owner', deps.clock.now().getTime());
  await recordAudit(deps, meta, { userId: workspace.id, actorId: adminId, event: 'workspace.owner', detail: person.email });
  return person.email;
}

/**
 * An administrator requires (or stops requiring) two-factor sign-in in a workspace. Unlike an owner,
 * the administrator need not work there, so their own sign-in is not the question.
 */
export async function requireTwoFactorIn(deps: Deps, meta: RequestMeta | null, adminId: number, workspaceId: number, required: boolean): Promise<string> {
  const workspace = await teamWorkspace(deps, workspaceId);
  await updateTeamWorkspace(deps.db, workspace.id, { two_factor_required: required }, deps.clock.now().getTime());
  await recordAudit(deps, meta, { userId: workspace.id, actorId: adminId, event: 'workspace.settings', detail: `two-factor ${required ? 'required' : 'optional'} (by an administrator)` });
  return workspace.name;
}
