import { Router, type Request, type Response } from 'express';
import type { Deps } from '../../deps';
import type { Auth } from '../../auth';
import { requireUser } from '../../middleware/auth';
import { flash } from '../../middleware/flash';
import { HttpError } from '../../middleware/errors';
import { recordAudit } from '../../services/accounts/audit';
import { checkSecondFactorCode, hasSecondFactor, secondFactorsOf, turnOffTotp, twoFactorRequired } from '../../services/two-factor';
import { confirmTotpEnrolment, newRecoveryCodes, pendingTotpEnrolment, startTotpEnrolment } from '../../services/two-factor/totp';
import { forgetBrowsers } from '../../services/two-factor/remembered';
import { passkeysOf } from '../../services/passkeys';
import { requestMeta } from './session-helpers';

/** The account's sign-in page: authenticator app, recovery codes, remembered browsers, passkeys. */
export function twoFactorAccountRoutes(deps: Deps, auth: Auth): Router {
  const router = Router();
  router.use('/account/two-factor', requireUser);

  const render = async (req: Request, res: Response, errors: Record<string, string> = {}) => {
    const user = req.user!;
    res.render('account/two-factor', {
      title: 'Sign-in and two-factor',
      errors,
      factors: await secondFactorsOf(deps, user.id),
      pending: await pendingTotpEnrolment(deps, user.id, user.email),
      passkeys: await passkeysOf(deps, user.id),
      required: await twoFactorRequired(deps),
      mustEnrol: req.session.mustEnrol === true,
    });
  };

  const showRecoveryCodes = (res: Response, codes: string[]) =>
    res.status(201).render('account/recovery-codes', { title: 'Your recovery codes', codes });

  router.get('/account/two-factor', async (req, res) => render(req, res));

  router.post('/account/two-factor/setup', async (req, res) => {
    await startTotpEnrolment(deps, req.user!.id);
    res.redirect(303, '/account/two-factor#enrol');
  });

  router.post('/account/two-factor/confirm', async (req, res) => {
    const user = req.user!;
    const code = typeof req.body?.code === 'string' ? req.body.code.replace(/\s/g, '') : '';
    const codes = await confirmTotpEnrolment(deps, user.id, code);
    if (!codes) return render(req, res.status(422), { code: 'That code does not match. Enter the six digits your app shows now.' });
    await recordAudit(deps, requestMeta(req), { userId: user.id, event: 'two_factor.enable' });
    delete req.session.mustEnrol;
    showRecoveryCodes(res, codes);
  });

  router.post('/account/two-factor/recovery-codes', async (req, res) => {
    const check = await checkSecondFactorCode(deps, auth.limits, requestMeta(req), req.user!.id, req.body?.code);
    if (!check.ok) return render(req, res.status(check.reason === 'throttled' ? 429 : 422), { newCodes: 'That code is not right, or was used already.' });
    showRecoveryCodes(res, await newRecoveryCodes(deps, req.user!.id));
  });

  router.post('/account/two-factor/disable', async (req, res) => {
    const user = req.user!;
    const factors = await secondFactorsOf(deps, user.id);
    if ((await twoFactorRequired(deps)) && factors.passkeys === 0) {
      return render(req, res.status(422), { disable: 'Your administrator requires two-factor sign-in: add a passkey before turning the app off.' });
    }
    const check = await checkSecondFactorCode(deps, auth.limits, requestMeta(req), user.id, req.body?.code);
    if (!check.ok) return render(req, res.status(check.reason === 'throttled' ? 429 : 422), { disable: 'That code is not right, or was used already.' });
    await turnOffTotp(deps, requestMeta(req), user.id);
    flash(req, 'success', 'Two-factor sign-in with an app is off; remembered browsers are forgotten.');
    res.redirect(303, '/account/two-factor');
  });

  router.post('/account/two-factor/forget-browsers', async (req, res) => {
    const n = await forgetBrowsers(deps, req.user!.id);
    flash(req, 'success', n === 1 ? 'One browser forgotten.' : `${n} browsers forgotten.`);
    res.redirect(303, '/account/two-factor');
  });

  return router;
}

/**
 * When two-factor is required and the account signed in without one, every page but the ones that
 * add a factor (and signing out, and /privacy) sends it to enrol. API keys are not affected.
 */
export function enrolmentGate(deps: Deps) {
  const allowed = ['/account/two-factor', '/account/passkeys', '/logout', '/privacy'];
  return async (req: Request, res: Response, next: (err?: unknown) => void) => {
    if (!req.user || req.session?.mustEnrol !== true) return next();
    if (await hasSecondFactor(deps, req.user.id)) {
      delete req.session.mustEnrol;
      return next();
    }
    if (allowed.some((p) => req.path === p || req.path.startsWith(`${p}/`))) return next();
    if (req.method === 'GET' || req.method === 'HEAD') return res.redirect(303, '/account/two-factor');
    next(new HttpError(403, 'Your administrator requires two-factor sign-in: set it up under Your account, Sign-in and two-factor.', 'forbidden'));
  };
}
