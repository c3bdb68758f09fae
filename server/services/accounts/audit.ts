import type { Deps } from '../../deps';
import {
  AuditEventInput,
  AuditEventRow,
  insertAuditEvent,
  listAllAuditEvents,
  listUserAuditEvents,
} from '../../db/audit-events';

/** Where a request came from, as the audit log records it. */
export interface RequestMeta {
  ip: string;
  userAgent: string;
}

export async function recordAudit(deps: Deps, meta: RequestMeta | null, event: AuditEventInput): Promise<void> {
  await insertAuditEvent(deps.db, { ip: meta?.ip, userAgent: meta?.userAgent, ...event }, deps.clock.now().getTime());
}

export async function auditEventsFor(deps: Deps, userId: number): Promise<AuditEventRow[]> {
  return listUserAuditEvents(deps.db, userId);
}

export async function allAuditEvents(deps: Deps): Promise<AuditEventRow[]> {
  return listAllAuditEvents(deps.db);
}

/** Plain words for each event, for the account page and the admin log. */
export const AUDIT_EVENT_LABELS: Record<AuditEventRow['event'], string> = {
  signup: 'Account created',
  'signup.duplicate': 'Someone tried to sign up with this email address',
  'login.success': 'Signed in',
  'login.failure': 'Failed sign-in attempt',
  'login.refused': 'Sign-in refused: account disabled',
  logout: 'Signed out',
  'password.change': 'Password changed; all sessions ended',
  'email.change': 'Email address changed',
  'invite.create': 'Invite link created',
  'invite.use': 'Invite link used',
  'user.disable': 'Account disabled',
  'user.enable': 'Account re-enabled',
  'account.delete': 'Account deletion requested; all sessions ended',
  'account.restore': 'Account deletion cancelled by signing in',
  'two_factor.enable': 'Two-factor sign-in turned on',
  'two_factor.disable': 'Two-factor sign-in turned off; remembered browsers forgotten',
  'two_factor.failure': 'Wrong two-factor code',
  'two_factor.recovery_code': 'Signed in with a recovery code',
  'two_factor.reset': 'Two-factor sign-in reset by an administrator',
  'two_factor.required': 'Two-factor sign-in required for everyone',
  'two_factor.optional': 'Two-factor sign-in made optional',
  'passkey.add': 'Passkey added',
  'passkey.remove': 'Passkey removed',
  'login.passkey': 'Signed in with a passkey',
  'login.sso': 'Signed in with single sign-on',
  'login.sso_refused': 'Single sign-on refused',
  'workspace.create': 'Team workspace created',
  'workspace.invite': 'Invitation to the workspace created',
  'workspace.join': 'Joined the workspace',
  'workspace.role': 'Member\'s role changed',
  'workspace.remove': 'Member removed from the workspace',
  'workspace.leave': 'Left the workspace',
  'workspace.settings': 'Workspace settings changed',
  'workspace.delete': 'Workspace deleted',
  'workspace.owner': 'Owner named by an administrator',
};
