import { Router } from 'express';
import type { Deps } from '../../deps';
import { requireAdmin } from '../../middleware/auth';
import { flash } from '../../middleware/flash';
import { HttpError } from '../../middleware/errors';
import { accountsForSignInAdmin, resetSecondFactors, setTwoFactorRequired, twoFactorRequired } from '../../services/two-factor';
import { requestMeta } from './session-helpers';

/** Administration of sign-in: require two-factor for everyone, reset a person's second factors. */
export function signInAdminRoutes(deps: Deps): Router {
  const router = Router();
  router.use('/admin/sign-in', requireAdmin);

  router.get('/admin/sign-in', async (_req, res) => {
    res.render('admin/sign-in', { title: 'Sign-in', required: await twoFactorRequired(deps), accounts: await accountsForSignInAdmin(deps) });
  });

  router.post('/admin/sign-in', async (req, res) => {
    await setTwoFactorRequired(deps, requestMeta(req), req.user!.id, req.body?.require_two_factor === 'on');
    flash(req, 'success', 'Sign-in settings saved.');
    res.redirect(303, '/admin/sign-in');
  });

  // The confirmation page, for browsers without JavaScript (views/confirm/show.ejs). Not for the
  // admin's own account, nor one without a second factor.
  router.get('/admin/sign-in/users/:id/reset', async (req, res) => {
    const id = Number(req.params.id);
    const target = (await accountsForSignInAdmin(deps)).find((a) => a.id === id && a.id !== req.user!.id && a.hasSecondFactor);
    if (!target) throw new HttpError(404, 'Not found', 'not_found');
    res.render('confirm/show', {
      title: `Reset two-factor sign-in of ${target.email}?`,
      paragraphs: ['Their authenticator app, recovery codes, remembered browsers and passkeys are removed; they sign in with their password and set it up again. The reset is recorded in the security log.'],
      action: `/admin/sign-in/users/${target.id}/reset`,
      button: 'Reset two-factor',
      cancel: '/admin/sign-in',
    });
  });

  router.post('/admin/sign-in/users/:id/reset', async (req, res) => {
    const id = Number(req.params.id);
    if (!Number.isSafeInteger(id) || !(await resetSecondFactors(deps, requestMeta(req), req.user!.id, id))) throw new HttpError(404, 'Not found', 'not_found');
    flash(req, 'success', 'Two-factor sign-in reset: they sign in with their password and set it up again.');
    res.redirect(303, '/admin/sign-in');
  });

  return router;
}
