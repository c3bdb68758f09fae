import type { Request, RequestHandler } from 'express';
import type { Deps } from '../deps';
import { findMembership } from '../db/workspaces';
import { meetsWorkspaceSignIn } from '../services/workspaces';
import { personalWorkspace, type WorkspaceContext } from '../workspaces/context';
import { atLeast, ROLE_LABELS, type WorkspaceRole } from '../workspaces/roles';
import { requireUser } from './auth';
import { HttpError } from './errors';

/**
 * Sets `req.workspace` for a signed-in person: the team workspace chosen in the session when they
 * are still a member of it (looked up on every request, so a removed member loses access on their
 * next one) and meet its sign-in rule (two-factor, when the owners require it), their personal
 * workspace otherwise. The personal workspace costs no query.
 */
export function loadWorkspace(deps: Deps): RequestHandler {
  return async (req, res, next) => {
    if (req.user) {
      const wanted = req.session?.workspaceId;
      const found = wanted && wanted !== req.user.id ? await findMembership(deps.db, wanted, req.user.id) : undefined;
      const membership = found && (await meetsWorkspaceSignIn(deps, found, req.user.id)) ? found : undefined;
      if (wanted && !membership && req.session) delete req.session.workspaceId;
      req.workspace = membership
        ? { id: membership.workspace_id, name: membership.name, kind: 'team', role: membership.role, approvalRequired: Boolean(membership.approval_required), twoFactorRequired: Boolean(membership.two_factor_required) }
        : personalWorkspace(req.user);
    }
    next();
  };
}

/** Signed in, and at least `minimum` in the current workspace; otherwise 403 with the role needed. */
export function requireRole(minimum: WorkspaceRole): RequestHandler {
  return (req, res, next) => {
    requireUser(req, res, (err?: unknown) => {
      if (err) return next(err);
      const workspace = req.workspace;
      if (!workspace) return next(new HttpError(401, 'Sign in first.', 'unauthorized'));
      if (!atLeast(workspace.role, minimum)) {
        return next(new HttpError(403, `This needs the ${ROLE_LABELS[minimum].toLowerCase()} role in ${workspace.name}; you are a ${ROLE_LABELS[workspace.role].toLowerCase()}.`, 'forbidden'));
      }
      next();
    });
  };
}

/** The current workspace's id: what every data query is scoped by. Only after requireRole. */
export function scopeOf(req: Request): number {
  if (!req.workspace) throw new HttpError(401, 'Sign in first.', 'unauthorized');
  return req.workspace.id;
}

export function workspaceOf(req: Request): WorkspaceContext {
  if (!req.workspace) throw new HttpError(401, 'Sign in first.', 'unauthorized');
  return req.workspace;
}
