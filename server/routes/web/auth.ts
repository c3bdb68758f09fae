import { Router } from 'express';
import type { Deps } from '../../deps';
import type { Auth } from '../../auth';
import { csrfTokenFor } from '../../middleware/csrf';
import { flash } from '../../middleware/flash';
import { instancePrivacy } from '../../services/privacy/instance';
import { recordAudit } from '../../services/accounts/audit';
import { signUp, signupAllowed, signupMode } from '../../services/accounts/signup';
import { safeReturnPath } from '../../auth/return-path';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../auth/password-policy';
import { authenticateLocal, endSession, requestMeta, startSession } from './session-helpers';
import { afterPassword } from './sign-in-steps';

const LOGIN_FAILED = 'That email address and password do not match an account.';
const passwordRules = { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH };

/** The sign-up page's title: on a fresh instance it creates the administrator. */
function signupPage(firstRun: boolean): { title: string; firstRun: boolean } {
  return { title: firstRun ? 'Create the admin account' : 'Create your account', firstRun };
}

/** "Sign in with <name>" on the login page, when single sign-on is set up. */
function ssoButton(deps: Deps): { name: string } | undefined {
  return deps.config.oidc ? { name: deps.config.oidc.name } : undefined;
}

/** Sign up, log in, log out. */
export function authRoutes(deps: Deps, auth: Auth): Router {
  const router = Router();

  router.get('/login', async (req, res) => {
    const next = safeReturnPath(req.query.next);
    if (req.user) return res.redirect(303, next ?? '/');
    // A fresh instance has nobody to sign in: it starts by creating the administrator.
    if ((await signupMode(deps)) === 'first') return res.redirect(303, '/signup');
    csrfTokenFor(req);
    const { publicDescribePage } = await instancePrivacy(deps);
    res.render('auth/login', { title: 'Sign in', email: '', error: null, publicDescribePage, next, sso: ssoButton(deps) });
  });

  router.post('/login', async (req, res) => {
    const next = safeReturnPath((req.body as { next?: unknown } | undefined)?.next);
    const { user, failure } = await authenticateLocal(auth, req, res);
    if (user) return res.redirect(303, await afterPassword(deps, req, user, next));
    let error = LOGIN_FAILED;
    res.status(401);
    if (failure?.reason === 'disabled') error = 'This account has been disabled. Ask your administrator.';
    if (failure?.reason === 'throttled') {
      res.status(429).set('Retry-After', String(failure.retryAfterSeconds));
      error = `Too many failed attempts. Try again in ${Math.ceil(failure.retryAfterSeconds / 60)} minutes.`;
    }
    csrfTokenFor(req);
    res.render('auth/login', { title: 'Sign in', email: typeof req.body?.email === 'string' ? req.body.email : '', error, next, sso: ssoButton(deps) });
  });

  router.post('/logout', async (req, res) => {
    if (req.user) {
      await recordAudit(deps, requestMeta(req), { userId: req.user.id, event: 'logout' });
      await endSession(req);
      flash(req, 'info', 'You have signed out.');
    }
    res.redirect(303, '/login');
  });

  router.get('/signup', async (req, res) => {
    const invite = typeof req.query.invite === 'string' ? req.query.invite : '';
    const allowed = await signupAllowed(deps, invite);
    if (!allowed.allowed) return res.status(403).render('auth/signup-unavailable', { title: 'Sign up', reason: allowed.reason });
    csrfTokenFor(req);
    res.render('auth/signup', { ...signupPage(await signupMode(deps) === 'first'), invite, values: {}, errors: {}, passwordRules });
  });

  router.post('/signup', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const result = await signUp(deps, auth.limits, requestMeta(req), body as { email: unknown; password: unknown; name: unknown; invite?: unknown });
    if (!result.ok) {
      csrfTokenFor(req);
      return res.status(422).render('auth/signup', {
        ...signupPage((await signupMode(deps)) === 'first'),
        invite: typeof body.invite === 'string' ? body.invite : '',
        values: { email: body.email, name: body.name },
        errors: result.errors,
        passwordRules,
      });
    }
    if (result.firstAdmin) {
      await startSession(req, result.firstAdmin);
      flash(req, 'success', 'Your administrator account is ready and you are signed in. Invite colleagues under Admin → Invites.');
      return res.redirect(303, '/');
    }
    // The same words whether or not the address already had an account: see signUp.
    flash(req, 'success', 'Thank you. Sign in with your email address and password.');
    res.redirect(303, '/login');
  });

  return router;
}
