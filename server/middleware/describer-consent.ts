import type { RequestHandler } from 'express';
import type { Deps } from '../deps';
import { needsDescriberConsent } from '../services/privacy/consent';
import { flash } from './flash';

/**
 * Runs before the upload is parsed, so nothing is stored for a user who has not yet confirmed that
 * their images may leave this machine.
 */
export function requireDescriberConsent(deps: Deps): RequestHandler {
  return async (req, res, next) => {
    if (!(await needsDescriberConsent(deps, req.user!.id))) return next();
    flash(req, 'error', `Confirm first that your images may be sent to ${deps.describer.destination.host}. Nothing was uploaded.`);
    res.redirect(303, '/images/new');
  };
}
