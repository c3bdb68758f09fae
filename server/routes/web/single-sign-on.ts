import { Router, type Request, type Response } from 'express';
import type { Deps } from '../../deps';
import { csrfTokenFor } from '../../middleware/csrf';
import { HttpError } from '../../middleware/errors';
import { safeReturnPath } from '../../auth/return-path';
import { finishSignOn, startSignOn, type SignOnResult } from '../../services/single-sign-on';
import { requestMeta } from './session-helpers';
import { afterPassword } from './sign-in-steps';

/** The flow waits this long for the provider to send the browser back. */
const FLOW_MS = 10 * 60_000;

const REFUSALS: Record<Exclude<SignOnResult, { ok: true }>['reason'], string> = {
  failed: 'Single sign-on did not complete. Try again.',
  unverified: 'Your identity provider has not verified your email address, so it cannot sign you in here.',
  no_account: 'There is no account here for that email address. Ask your administrator for one.',
  disabled: 'This account has been disabled. Ask your administrator.',
};

function publicOrigin(deps: Deps, req: Request): string {
  return new URL(deps.config.baseUrl ?? `${req.protocol}://${req.get('host')}`).origin;
}

function refuse(req: Request, res: Response, deps: Deps, message: string) {
  csrfTokenFor(req);
  res.status(401).render('auth/login', { title: 'Sign in', email: '', error: message, sso: deps.config.oidc ? { name: deps.config.oidc.name } : undefined });
}

/** "Sign in with <provider>": OpenID Connect, when OIDC_ISSUER is set. */
export function singleSignOnRoutes(deps: Deps): Router {
  const router = Router();

  // A link, not a form: the CSP's form-action would stop a form's redirect to the provider.
  router.get('/login/sso', async (req, res) => {
    if (!deps.config.oidc) throw new HttpError(404, 'Not found', 'not_found');
    const started = await startSignOn(deps, `${publicOrigin(deps, req)}/login/sso/callback`).catch((err: unknown) => {
      deps.logger.warn({ err }, 'identity provider unreachable');
      return undefined;
    });
    if (!started) return refuse(req, res.status(502), deps, 'The identity provider could not be reached. Try again later, or sign in with your password.');
    const { url, ...expected } = started;
    req.session.oidc = { ...expected, next: safeReturnPath(req.query.next), at: deps.clock.now().getTime() };
    res.redirect(303, url);
  });

  router.get('/login/sso/callback', async (req, res) => {
    if (!deps.config.oidc) throw new HttpError(404, 'Not found', 'not_found');
    // Single use: taken from the session before anything else, whatever the outcome.
    const expected = req.session.oidc;
    delete req.session.oidc;
    if (!expected || deps.clock.now().getTime() - expected.at > FLOW_MS) return refuse(req, res, deps, REFUSALS.failed);
    const result = await finishSignOn(deps, requestMeta(req), new URL(req.originalUrl, publicOrigin(deps, req)), expected);
    if (!result.ok) return refuse(req, res, deps, REFUSALS[result.reason]);
    res.redirect(303, await afterPassword(deps, req, result.user, expected.next));
  });

  return router;
}
