import { Router, type Request } from 'express';
import type { Deps } from '../../deps';
import { requireRole, scopeOf } from '../../middleware/workspace';
import { requireAdmin, requireUser } from '../../middleware/auth';
import { flash } from '../../middleware/flash';
import { HttpError } from '../../middleware/errors';
import { privacyFacts } from '../../services/privacy/facts';
import { instancePrivacy, updateInstancePrivacy } from '../../services/privacy/instance';
import { privacySettingsFor, updatePrivacySettings } from '../../services/retention/settings';
import { receiptsForAccount } from '../../services/retention/receipts';
import { exportAccount } from '../../services/data-rights/export';
import { deleteOwnAccount, requestAccountDeletion, DELETION_GRACE_MS } from '../../services/data-rights/account-deletion';
import { formatDuration } from '../../durations';
import { confirmDescriberConsent } from '../../services/privacy/consent';
import { soleOwnerships } from '../../services/workspaces/oversight';
import { endSession, requestMeta } from './session-helpers';

type Res = import('express').Response;

/** The public privacy page, the account's privacy settings, export and deletion, and the admin switches. */
export function privacyRoutes(deps: Deps): Router {
  const router = Router();

  router.get('/privacy', async (_req, res) => {
    res.render('privacy/show', { title: 'Privacy', facts: await privacyFacts(deps) });
  });

  const renderSettings = async (req: Request, res: Res, errors: Record<string, string> = {}) => {
    const userId = scopeOf(req);
    res.render('account/privacy', {
      title: 'Privacy settings',
      errors,
      settings: await privacySettingsFor(deps, userId),
      receipts: (await receiptsForAccount(deps, userId)).slice(0, 100),
      graceLabel: formatDuration(DELETION_GRACE_MS / 1000),
      soleOwnerOf: await soleOwnerships(deps, req.user!.id),
    });
  };

  router.get('/account/privacy', requireRole('owner'), async (req, res) => renderSettings(req, res));

  router.post('/account/privacy', requireRole('owner'), async (req, res) => {
    const result = await updatePrivacySettings(deps, scopeOf(req), req.body);
    if (!result.ok) return renderSettings(req, res.status(422), result.errors);
    flash(req, 'success', 'Your retention settings have been saved and applied.');
    res.redirect(303, '/account/privacy');
  });

  router.get('/account/export', requireRole('owner'), async (req, res) => {
    const { filename, stream } = await exportAccount(deps, scopeOf(req));
    res.type('application/zip').attachment(filename);
    stream.pipe(res);
  });

  router.post('/account/delete', requireUser, async (req, res) => {
    const result = await deleteOwnAccount(deps, requestMeta(req), req.user!.id, req.body ?? {});
    if (!result.ok) return renderSettings(req, res.status(422), result.errors);
    await endSession(req);
    flash(req, 'info', 'Your account has been deleted and you have been signed out everywhere.');
    res.redirect(303, '/login');
  });

  router.post('/images/consent', requireRole('owner'), async (req, res) => {
    await confirmDescriberConsent(deps, scopeOf(req));
    res.redirect(303, '/images/new');
  });

  router.get('/admin/privacy', requireAdmin, async (_req, res) => {
    res.render('admin/privacy', { title: 'Privacy', instance: await instancePrivacy(deps), facts: await privacyFacts(deps) });
  });

  router.post('/admin/privacy', requireAdmin, async (req, res) => {
    await updateInstancePrivacy(deps, req.body ?? {});
    flash(req, 'success', 'Privacy settings saved.');
    res.redirect(303, '/admin/privacy');
  });

  router.post('/admin/users/:id/delete', requireAdmin, async (req, res) => {
    const userId = Number(req.params.id);
    if (!Number.isSafeInteger(userId) || userId <= 0 || userId === req.user!.id) throw new HttpError(404, 'Not found', 'not_found');
    const immediately = req.body?.immediately === 'on';
    if (!(await requestAccountDeletion(deps, requestMeta(req), userId, { actorId: req.user!.id, immediately }))) {
      throw new HttpError(404, 'Not found', 'not_found');
    }
    flash(req, 'success', immediately ? 'The account has been deleted and anonymised.' : 'The account has been deleted; it is anonymised after the grace period.');
    res.redirect(303, '/admin/users');
  });

  return router;
}
