import express, { RequestHandler } from 'express';
import type { Deps } from '../deps';
import type { Auth } from '../auth';
import { csrfProtection, csrfTokenFor, isApiV1 } from './csrf';
import { takeFlashes } from './flash';
import { sessionCookie } from '../auth/session-cookie';

/** Runs `handler` on every request except the Bearer-key API, which has no cookies or forms. */
function exceptApiV1(handler: RequestHandler): RequestHandler {
  return (req, res, next) => (isApiV1(req.path) ? next() : handler(req, res, next));
}

/**
 * Sets what every view relies on: `user`, `csrfToken`, `currentPath` and `takeFlashes()`.
 * A signed-out visitor gets a token only on pages that asked for one (login, signup), so merely
 * looking at a public page creates no session.
 */
const viewLocals: RequestHandler = (req, res, next) => {
  res.locals.user = req.user ?? null;
  res.locals.currentPath = req.path;
  res.locals.takeFlashes = () => takeFlashes(req);
  Object.defineProperty(res.locals, 'csrfToken', {
    get: () => (req.user ? csrfTokenFor(req) : (req.session?.csrfToken ?? '')),
    enumerable: true,
    configurable: true,
  });
  next();
};

/** Body parsing, database-backed sessions, passport, view locals and CSRF checks, in that order. */
export function webSession(deps: Deps, auth: Auth): RequestHandler[] {
  const { config } = deps;
  return [
    express.urlencoded({ extended: false, limit: '100kb' }),
    exceptApiV1(express.json({ limit: '100kb' })),
    exceptApiV1(
      sessionCookie({
        // `__Host-` pins the cookie to this exact origin over HTTPS; browsers refuse it over plain HTTP.
        name: config.https ? '__Host-sightline' : 'sightline.sid',
        secret: config.sessionSecret,
        store: auth.sessionStore,
        secure: config.https,
        maxAgeMs: config.sessionAbsoluteHours * 3_600_000,
      }),
    ),
    exceptApiV1(auth.sessionUser),
    viewLocals,
    csrfProtection,
  ];
}
