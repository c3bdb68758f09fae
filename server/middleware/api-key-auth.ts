import type { RequestHandler, Response } from 'express';
import type { Deps } from '../deps';
import { authenticateApiKey, type ApiKeyPrincipal } from '../services/api-keys';
import { HttpError } from './errors';

/** `Authorization: Bearer <key>`; anything else, an unknown key or a revoked one answers 401. */
export function requireApiKey(deps: Deps): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const principal = match ? await authenticateApiKey(deps, match[1]) : undefined;
    if (!principal) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="sightline"');
      throw new HttpError(401, 'A valid API key is required: send Authorization: Bearer <key>.', 'unauthorized');
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

/** Read keys may only read; anything that changes state needs a read+write key. */
export const enforceScope: RequestHandler = (req, res, next) => {
  if (!READ_METHODS.has(req.method) && apiPrincipal(res).scope !== 'write') {
    throw new HttpError(403, 'This key may only read; create a read and write key to make changes.', 'insufficient_scope');
  }
  next();
};
