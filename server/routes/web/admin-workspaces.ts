import { Router } from 'express';
import type { Deps } from '../../deps';
import { requireAdmin } from '../../middleware/auth';
import { flash } from '../../middleware/flash';
import { appointOwner, requireTwoFactorIn, teamWorkspacesForAdmin } from '../../services/workspaces/oversight';
import { requestMeta } from './session-helpers';

/** Administration → Workspaces: every team workspace, naming an owner, requiring two-factor sign-in. */
export function adminWorkspaceRoutes(deps: Deps): Router {
  const router = Router();
  router.use('/admin/workspaces', requireAdmin);

  router.get('/admin/workspaces', async (_req, res) => {
    res.render('admin/workspaces', { title: 'Workspaces', workspaces: await teamWorkspacesForAdmin(deps) });
  });

  router.post('/admin/workspaces/:id/owner', async (req, res) => {
    const email = await appointOwner(deps, requestMeta(req), req.user!.id, Number(req.params.id), req.body?.email);
    flash(req, 'success', `${email} is now an owner of the workspace.`);
    res.redirect(303, '/admin/workspaces');
  });

  router.post('/admin/workspaces/:id/two-factor', async (req, res) => {
    const required = req.body?.two_factor === 'on';
    const name = await requireTwoFactorIn(deps, requestMeta(req), req.user!.id, Number(req.params.id), required);
    flash(req, 'success', required
      ? `${name} now requires two-factor sign-in: members without it are back in their personal workspace on their next request.`
      : `${name} no longer requires two-factor sign-in.`);
    res.redirect(303, '/admin/workspaces');
  });

  return router;
}
