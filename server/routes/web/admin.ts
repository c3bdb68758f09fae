import { Router, type Response } from 'express';
import type { Deps } from '../../deps';
import { requireAdmin } from '../../middleware/auth';
import { flash } from '../../middleware/flash';
import { HttpError } from '../../middleware/errors';
import { AUDIT_EVENT_LABELS, allAuditEvents } from '../../services/accounts/audit';
import { createInvite, invitesForAdmin, setUserDisabled, usersForAdmin } from '../../services/accounts/admin';
import { signupMode } from '../../services/accounts/signup';
import { requestMeta } from './session-helpers';

function userIdParam(value: string): number {
  const id = Number(value);
  if (!Number.isSafeInteger(id) || id <= 0) throw new HttpError(404, 'Not found', 'not_found');
  return id;
}

/** Administration: users (disable, re-enable), invite links, the security log. */
export function adminRoutes(deps: Deps): Router {
  const router = Router();
  router.use('/admin', requireAdmin);

  router.get('/admin', (_req, res) => res.redirect(303, '/admin/users'));

  /** Another account than the admin's own, for the confirmation pages; 404 otherwise. */
  const otherUser = async (adminId: number, param: string) => {
    const id = userIdParam(param);
    const target = id === adminId ? undefined : (await usersForAdmin(deps)).find((u) => u.id === id);
    if (!target) throw new HttpError(404, 'Not found', 'not_found');
    return target;
  };

  router.get('/admin/users/:id/delete', async (req, res) => {
    const target = await otherUser(req.user!.id, req.params.id);
    const immediately = req.query.immediately === 'on';
    res.render('confirm/show', {
      title: `Delete the account ${target.email}?`,
      paragraphs: [
        'It is signed out everywhere and its API keys stop working at once.',
        immediately ? 'Its email, name, results and receipts are removed now. This cannot be undone.' : 'Its email, name, results and receipts are removed after the grace period; until then the owner can restore it by signing in.',
      ],
      action: `/admin/users/${target.id}/delete`,
      fields: immediately ? { immediately: 'on' } : {},
      button: 'Delete account',
      cancel: '/admin/users',
    });
  });

  router.get('/admin/users', async (_req, res) => {
    res.render('admin/users', { title: 'Users', users: await usersForAdmin(deps) });
  });

  // The confirmation page, for browsers without JavaScript (views/confirm/show.ejs).
  router.get('/admin/users/:id/disable', async (req, res) => {
    const target = await otherUser(req.user!.id, req.params.id);
    res.render('confirm/show', {
      title: `Disable ${target.email}?`,
      paragraphs: ['They are signed out everywhere and cannot sign in, and their API keys stop working, until you re-enable the account.'],
      action: `/admin/users/${target.id}/disable`,
      button: 'Disable account',
      cancel: '/admin/users',
    });
  });

  router.post('/admin/users/:id/disable', async (req, res) => {
    await setUserDisabled(deps, requestMeta(req), req.user!.id, userIdParam(req.params.id), true);
    flash(req, 'success', 'The account has been disabled and signed out everywhere.');
    res.redirect(303, '/admin/users');
  });

  router.post('/admin/users/:id/enable', async (req, res) => {
    await setUserDisabled(deps, requestMeta(req), req.user!.id, userIdParam(req.params.id), false);
    flash(req, 'success', 'The account has been re-enabled.');
    res.redirect(303, '/admin/users');
  });

  const renderInvites = async (res: Response, inviteLink?: string) => {
    res.render('admin/invites', { title: 'Invites', invites: await invitesForAdmin(deps), mode: await signupMode(deps), inviteLink });
  };

  router.get('/admin/invites', (_req, res) => renderInvites(res));

  router.post('/admin/invites', async (req, res) => {
    const token = await createInvite(deps, requestMeta(req), req.user!.id);
    const base = deps.config.baseUrl ?? `${req.protocol}://${req.get('host')}`;
    const link = new URL(`/signup?invite=${encodeURIComponent(token)}`, base).toString();
    // Rendered, not redirected, as API keys are: the link must not survive in a session or a reloadable URL.
    await renderInvites(res.status(201), link);
  });

  router.get('/admin/audit', async (_req, res) => {
    res.render('admin/audit', { title: 'Security log', events: await allAuditEvents(deps), labels: AUDIT_EVENT_LABELS });
  });

  return router;
}
