import { Router } from 'express';
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

  router.get('/admin/users', async (_req, res) => {
    res.render('admin/users', { title: 'Users', users: await usersForAdmin(deps) });
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

  router.get('/admin/invites', async (_req, res) => {
    res.render('admin/invites', { title: 'Invites', invites: await invitesForAdmin(deps), mode: await signupMode(deps) });
  });

  router.post('/admin/invites', async (req, res) => {
    const token = await createInvite(deps, requestMeta(req), req.user!.id);
    const base = deps.config.baseUrl ?? `${req.protocol}://${req.get('host')}`;
    const link = new URL(`/signup?invite=${encodeURIComponent(token)}`, base).toString();
    flash(req, 'success', `Invite link (single use, valid for 7 days; shown only once): ${link}`);
    res.redirect(303, '/admin/invites');
  });

  router.get('/admin/audit', async (_req, res) => {
    res.render('admin/audit', { title: 'Security log', events: await allAuditEvents(deps), labels: AUDIT_EVENT_LABELS });
  });

  return router;
}
