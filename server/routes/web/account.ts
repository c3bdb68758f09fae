import { Router } from 'express';
import type { Deps } from '../../deps';
import type { Auth } from '../../auth';
import { requireUser } from '../../middleware/auth';
import { flash } from '../../middleware/flash';
import { AUDIT_EVENT_LABELS, auditEventsFor } from '../../services/accounts/audit';
import { changeEmail, changeName, changePassword } from '../../services/accounts/profile';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../auth/password-policy';
import { requestMeta, startSession } from './session-helpers';

/** The account page: name, email, password, and the account's security log. */
export function accountRoutes(deps: Deps, auth: Auth): Router {
  const router = Router();
  router.use('/account', requireUser);

  const render = async (req: Express.Request, res: import('express').Response, errors: Record<string, string> = {}) => {
    const user = req.user as Express.User;
    const events = await auditEventsFor(deps, user.id);
    res.render('account/index', {
      title: 'Your account',
      errors,
      events,
      labels: AUDIT_EVENT_LABELS,
      passwordRules: { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH },
    });
  };

  router.get('/account', async (req, res) => render(req, res));

  router.post('/account/name', async (req, res) => {
    await changeName(deps, req.user!.id, req.body?.name);
    flash(req, 'success', 'Your name has been saved.');
    res.redirect(303, '/account');
  });

  router.post('/account/email', async (req, res) => {
    const result = await changeEmail(deps, auth.limits, requestMeta(req), req.user!.id, {
      email: req.body?.email,
      currentPassword: req.body?.current_password,
    });
    if (!result.ok) return render(req, res.status(422), result.errors);
    flash(req, 'success', 'Your email address has been changed.');
    res.redirect(303, '/account');
  });

  router.post('/account/password', async (req, res) => {
    const user = req.user!;
    const result = await changePassword(deps, auth.limits, requestMeta(req), user.id, {
      currentPassword: req.body?.current_password,
      newPassword: req.body?.new_password,
    });
    if (!result.ok) return render(req, res.status(422), result.errors);
    // Every session ended, this one too; carry on in a brand-new one.
    await startSession(req, user);
    flash(req, 'success', 'Your password has been changed. Every other session has been signed out.');
    res.redirect(303, '/account');
  });

  return router;
}
