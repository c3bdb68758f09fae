/**
 * What each role may do in a workspace, from least to most: a viewer reads and exports approved
 * text; a contributor uploads, edits what is not yet approved and submits it; an editor approves and
 * edits anything; an owner also changes settings, members and deletes the workspace.
 */
export const ROLES = ['viewer', 'contributor', 'editor', 'owner'] as const;
export type WorkspaceRole = (typeof ROLES)[number];

export const ROLE_LABELS: Record<WorkspaceRole, string> = {
  viewer: 'Viewer',
  contributor: 'Contributor',
  editor: 'Editor',
  owner: 'Owner',
};

export function isRole(value: unknown): value is WorkspaceRole {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function atLeast(role: WorkspaceRole, minimum: WorkspaceRole): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(minimum);
}

/** The lesser of two roles: what an API key may do once its creator's own role has changed. */
export function lesserRole(a: WorkspaceRole, b: WorkspaceRole): WorkspaceRole {
  return atLeast(a, b) ? b : a;
}
