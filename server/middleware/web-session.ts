import express, { RequestHandler } from 'express';
import session, { type Store } from 'express-session';
import type { Config } from '../config';
import type { Deps } from '../deps';
import type { Auth } from '../auth';
import { csrfProtection, csrfTokenFor, isApiV1 } from './csrf';
import { takeFlashes } from './flash';
import { loadWorkspace } from './workspace';

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
  res.locals.workspace = req.workspace ?? null;
  res.locals.currentPath = req.path;
  res.locals.takeFlashes = () => takeFlashes(req);
  Object.defineProperty(res.locals, 'csrfToken', {
    get: () => (req.user ? csrfTokenFor(req) : (req.session?.csrfToken ?? '')),
    enumerable: true,
    configurable: true,
  });
  next();
};

/**
 * express-session on the database store. Nothing is saved, and no cookie set, until a session holds
 * something (a visitor merely reading a public page gets none); an unchanged session is not written
 * back, and its cookie is not sent again. The browser keeps the cookie for the absolute lifetime; the
 * store enforces both lifetimes from the row. `proxy` is left to Express's `trust proxy`, so the
 * Secure cookie goes out only when the request came over HTTPS.
 */
export function sessionMiddleware(config: Pick<Config, 'https' | 'sessionSecret' | 'sessionAbsoluteHours'>, store: Store): RequestHandler {
  return session({
    // `__Host-` pins the cookie to this exact origin over HTTPS; browsers refuse it over plain HTTP.
    name: config.https ? '__Host-sightline' : 'sightline.sid',
    secret: config.sessionSecret,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: false,
    cookie: { path: '/', httpOnly: true, sameSite: 'lax', secure: config.https, maxAge: config.sessionAbsoluteHours * 3_600_000 },
  });
}

/** Body parsing, database-backed sessions, passport, the workspace, view locals and CSRF checks, in that order. */
export function webSession(deps: Deps, auth: Auth): RequestHandler[] {
  return [
    express.urlencoded({ extended: false, limit: '100kb' }),
    exceptApiV1(express.json({ limit: '100kb' })),
    exceptApiV1(sessionMiddleware(deps.config, auth.sessionStore)),
    exceptApiV1(auth.passport.initialize()),
    exceptApiV1(auth.passport.session()),
    exceptApiV1(loadWorkspace(deps)),
    viewLocals,
    csrfProtection,
  ];
}
