import { Router, type Request, type Response } from 'express';
import type { Deps } from '../../deps';
import { requireRole, scopeOf, workspaceOf } from '../../middleware/workspace';
import { isRole, lesserRole, ROLE_LABELS, ROLES } from '../../workspaces/roles';
import { flash } from '../../middleware/flash';
import { HttpError } from '../../middleware/errors';
import { ApiKeyInputError, createApiKey, listApiKeys, revokeApiKey } from '../../services/api-keys';

/** `/account/api-keys`: create (the key is shown once, on the answer to the form), list, revoke. */
export function apiKeyRoutes(deps: Deps): Router {
  const router = Router();
  router.use('/account/api-keys', requireRole('owner'));

  const render = async (req: Request, res: Response, extra: { newKey?: string; error?: string } = {}) => {
    res.render('api-keys/index', { title: 'API keys', roles: ROLES, roleLabels: ROLE_LABELS, keys: await listApiKeys(deps, scopeOf(req)), newKey: extra.newKey, error: extra.error });
  };

  router.get('/account/api-keys', (req, res) => render(req, res));

  router.post('/account/api-keys', async (req, res) => {
    try {
      const workspace = workspaceOf(req);
      const role = isRole(req.body?.role) ? lesserRole(req.body.role, workspace.role) : workspace.role;
      const { key } = await createApiKey(deps, workspace.id, { name: String(req.body?.name ?? ''), scope: String(req.body?.scope ?? '') }, { id: req.user!.id, role });
      // Rendered, not redirected: the key must not survive in a session or a reloadable URL.
      await render(req, res.status(201), { newKey: key });
    } catch (err) {
      if (!(err instanceof ApiKeyInputError)) throw err;
      await render(req, res.status(422), { error: err.message });
    }
  });

  // The confirmation page, for browsers without JavaScript (views/confirm/show.ejs).
  router.get('/account/api-keys/:id/revoke', async (req, res) => {
    const key = (await listApiKeys(deps, scopeOf(req))).find((k) => k.id === Number(req.params.id) && !k.revokedAt);
    if (!key) throw new HttpError(404, 'No such active key.', 'not_found');
    res.render('confirm/show', {
      title: `Revoke the key “${key.name}”?`,
      paragraphs: ['Software using it stops working at once. This cannot be undone: you would make a new key instead.'],
      action: `/account/api-keys/${key.id}/revoke`,
      button: 'Revoke key',
      cancel: '/account/api-keys',
    });
  });

  router.post('/account/api-keys/:id/revoke', async (req, res) => {
    const revoked = await revokeApiKey(deps, scopeOf(req), Number(req.params.id));
    if (!revoked) throw new HttpError(404, 'No such active key.', 'not_found');
    flash(req, 'success', 'The key was revoked; it stopped working at once.');
    res.redirect(303, '/account/api-keys');
  });

  return router;
}
