import { scopeOf } from './workspace';
import type { RequestHandler } from 'express';
import type { Deps } from '../deps';
import { needsDescriberConsent } from '../services/privacy/consent';
import { HttpError } from './errors';

/**
 * Runs before the upload is parsed, so nothing is stored for a user who has not yet confirmed that
 * their images may leave this machine. The upload routes show the refusal on the form.
 */
export function requireDescriberConsent(deps: Deps): RequestHandler {
  return async (req, _res, next) => {
    if (!(await needsDescriberConsent(deps, scopeOf(req)))) return next();
    next(new HttpError(403, `Confirm first that your images may be sent to ${deps.describer.destination.host}. Nothing was uploaded.`, 'consent_required'));
  };
}
