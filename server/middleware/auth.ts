import type { Request, RequestHandler } from 'express';
import { HttpError } from './errors';
import { loginPathFor } from '../auth/return-path';

/** JSON callers (paths under /api/, or fetch asking for JSON first) get a status, not a login page. */
function wantsJson(req: Request): boolean {
  return req.originalUrl.startsWith('/api/') || req.accepts(['html', 'json']) === 'json';
}

/**
 * Lets signed-in users through. Pages redirect to /login, which returns to the page asked for (a
 * form sent after the session ended returns to the dashboard); JSON callers get 401.
 * After it, `req.user` is set (and `res.locals.user` for views).
 */
export const requireUser: RequestHandler = (req, res, next) => {
  if (req.user) return next();
  if (wantsJson(req)) return next(new HttpError(401, 'Sign in first.', 'unauthorized'));
  res.redirect(303, req.method === 'GET' || req.method === 'HEAD' ? loginPathFor(req.originalUrl) : '/login');
};

/** Admins only; a signed-in non-admin gets 403. */
export const requireAdmin: RequestHandler = (req, res, next) => {
  requireUser(req, res, (err?: unknown) => {
    if (err) return next(err);
    if (req.user?.role !== 'admin') return next(new HttpError(403, 'Only administrators can open this page.', 'forbidden'));
    next();
  });
};
