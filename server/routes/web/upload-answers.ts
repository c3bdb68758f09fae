import type { ErrorRequestHandler, Request, Response } from 'express';
import { HttpError, wantsJson } from '../../middleware/errors';
import { flash } from '../../middleware/flash';

/** The page of the upload form, where its refusals are shown. */
export const UPLOAD_FORM = '/images/new';

/*
 * The upload form is sent two ways. The browser alone (no JavaScript) must land on a page, so it is
 * redirected and any message travels in the session. public/js/upload.js sends the form over XHR with
 * Accept: application/json; XHR follows redirects out of sight, and the page it fetched that way would
 * use up the message, so the script is answered in JSON instead: where to go, or what was refused.
 */

/** After an accepted upload: the batch page, reached by redirect or by the script. */
export function sendToBatch(req: Request, res: Response, batchId: string): void {
  const location = `/batches/${batchId}`;
  if (wantsJson(req)) res.json({ location });
  else res.redirect(303, location);
}

/**
 * The upload routes' error handler. A refusal (an HttpError: quota, size, count, consent, busy) goes
 * back to the form with its message; the script's requests go on to the app's error handler, which
 * answers `{ error: { code, message } }` with the status and any Retry-After. A role that may not
 * upload at all is answered 403 where it stands: the form would refuse it too.
 */
export const refusalsToForm: ErrorRequestHandler = (err, req, res, next) => {
  if (!(err instanceof HttpError) || wantsJson(req) || err.status === 401 || err.code === 'forbidden') return next(err);
  flash(req, 'error', err.message);
  res.redirect(303, UPLOAD_FORM);
};
