import type { RequestHandler, Response } from 'express';
import type { Deps } from '../deps';
import { authenticateApiKey, type ApiKeyPrincipal, type ApiKeyRefusal } from '../services/api-keys';
import { HttpError } from './errors';
import { atLeast, type WorkspaceRole } from '../workspaces/roles';
import type { WorkspaceContext } from '../workspaces/context';

const REFUSALS: Record<ApiKeyRefusal, { code: string; message: string }> = {
  invalid: { code: 'unauthorized', message: 'A valid API key is required: send Authorization: Bearer <key>.' },
  account_disabled: { code: 'account_disabled', message: 'The account this key belongs to is disabled; an administrator can re-enable it.' },
  account_deleted: { code: 'account_deleted', message: 'The account this key belongs to has been deleted, and its keys were revoked.' },
  member_removed: { code: 'member_removed', message: 'The person who made this key is no longer a member of its workspace, so the key no longer works.' },
};

/**
 * `Authorization: Bearer <key>`; anything else, an unknown or revoked key, or a key whose account is
 * disabled or deleted answers 401.
 */
export function requireApiKey(deps: Deps): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const principal = match ? await authenticateApiKey(deps, match[1]) : 'invalid';
    if (typeof principal === 'string') {
      res.setHeader('WWW-Authenticate', 'Bearer realm="sightline"');
      const refusal = REFUSALS[principal];
      throw new HttpError(401, refusal.message, refusal.code);
    }
    res.locals.apiKey = principal;
    next();
  };
}

export function apiPrincipal(res: Response): ApiKeyPrincipal {
  const principal = res.locals.apiKey as ApiKeyPrincipal | undefined;
  if (!principal) throw new HttpError(401, 'A valid API key is required.', 'unauthorized');
  return principal;
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Read keys may only read; anything that changes state needs a read+write key, and a role that may
 * make the change: a contributor's to upload or edit, an editor's to delete (approving is checked
 * where it happens). A viewer's key only reads, whatever its scope.
 */
export const enforceScope: RequestHandler = (req, res, next) => {
  if (READ_METHODS.has(req.method)) return next();
  const principal = apiPrincipal(res);
  if (principal.scope !== 'write') {
    throw new HttpError(403, 'This key may only read; create a read and write key to make changes.', 'insufficient_scope');
  }
  const needed: WorkspaceRole = req.method === 'DELETE' ? 'editor' : 'contributor';
  if (!atLeast(principal.role, needed)) {
    throw new HttpError(403, `This key carries the ${principal.role} role in its workspace; this needs ${needed}.`, 'insufficient_role');
  }
  next();
};

/** The key's workspace as the services see a signed-in person's: its id and the key's role there. */
export function keyWorkspace(res: Response): WorkspaceContext {
  const principal = apiPrincipal(res);
  return { id: principal.userId, name: 'this workspace', kind: principal.actorId === principal.userId ? 'personal' : 'team', role: principal.role, approvalRequired: principal.approvalRequired, twoFactorRequired: false };
}
