import type { WorkspaceRole } from './roles';

/**
 * The workspace a request acts in. Its id is the owner id every data table is keyed by: a person's
 * own account id for their personal workspace, the team workspace's id otherwise.
 */
export interface WorkspaceContext {
  id: number;
  name: string;
  kind: 'personal' | 'team';
  role: WorkspaceRole;
  /** Text is published (exported, sent by webhooks) only once an editor approved it. */
  approvalRequired: boolean;
  /** Members work here only with a second factor (see services/workspaces meetsWorkspaceSignIn). */
  twoFactorRequired: boolean;
}

export function personalWorkspace(user: { id: number }): WorkspaceContext {
  return { id: user.id, name: 'Personal', kind: 'personal', role: 'owner', approvalRequired: false, twoFactorRequired: false };
}
