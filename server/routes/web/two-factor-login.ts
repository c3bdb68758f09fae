import { Router } from 'express';
import type { Deps } from '../../deps';
import type { Auth } from '../../auth';
import { csrfTokenFor } from '../../middleware/csrf';
import { findActiveSessionUser } from '../../db/users';
import { checkSecondFactorCode, secondFactorsOf } from '../../services/two-factor';
import { rememberBrowser } from '../../services/two-factor/remembered';
import { requestMeta } from './session-helpers';
import { pendingSignIn, setRememberCookie, signIn } from './sign-in-steps';

/** The second sign-in step: a code from the authenticator app or a recovery code (passkeys: passkeys.ts). */
export function twoFactorLoginRoutes(deps: Deps, auth: Auth): Router {
  const router = Router();

  const render = async (req: import('express').Request, res: import('express').Response, userId: number, error: string | null) => {
    csrfTokenFor(req);
    const factors = await secondFactorsOf(deps, userId);
    res.render('auth/two-factor', { title: 'Confirm it is you', error, totp: factors.totp, passkeys: factors.passkeys > 0 });
  };

  router.get('/login/two-factor', async (req, res) => {
    const pending = pendingSignIn(deps, req);
    if (!pending) return res.redirect(303, '/login');
    await render(req, res, pending.userId, null);
  });

  router.post('/login/two-factor', async (req, res) => {
    const pending = pendingSignIn(deps, req);
    if (!pending) return res.redirect(303, '/login');
    const result = await checkSecondFactorCode(deps, auth.limits, requestMeta(req), pending.userId, req.body?.code);
    if (!result.ok) {
      if (result.reason === 'throttled') {
        res.status(429).set('Retry-After', String(result.retryAfterSeconds));
        return render(req, res, pending.userId, `Too many wrong codes. Try again in ${Math.ceil(result.retryAfterSeconds / 60)} minutes.`);
      }
      return render(req, res.status(401), pending.userId, 'That code is not right, or was used already. Enter the code your app shows now, or a recovery code.');
    }
    // Disabled while the code was being typed: refused like a disabled account at the password step.
    const user = await findActiveSessionUser(deps.db, pending.userId);
    if (!user) return res.redirect(303, '/login');
    const next = await signIn(deps, req, user, pending.next);
    if (req.body?.remember === 'on') {
      const remembered = await rememberBrowser(deps, user.id);
      setRememberCookie(deps, res, remembered.value, remembered.maxAgeMs);
    }
    res.redirect(303, next);
  });

  return router;
}
