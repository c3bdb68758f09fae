import { Router } from 'express';
import type { Deps } from '../../deps';
import { requireUser } from '../../middleware/auth';
import { flash } from '../../middleware/flash';
import { HttpError } from '../../middleware/errors';
import { chooseWaitingVersion, restoreVersion } from '../../services/results';

const notFound = () => new HttpError(404, 'We could not find that image.', 'not_found');

/** An image's history: restore any version, and answer "a new description is ready". Owner only. */
export function versionRoutes(deps: Deps): Router {
  const router = Router();

  router.post('/images/:id/versions/:number/restore', requireUser, async (req, res) => {
    const id = req.params.id as string;
    const result = await restoreVersion(deps, req.user!.id, id, Number(req.params.number));
    if (!result.ok) throw notFound();
    flash(req, 'success', result.message);
    res.redirect(303, `/batches/${encodeURIComponent(result.batchId)}#image-${encodeURIComponent(id)}`);
  });

  router.post('/images/:id/new-version', requireUser, async (req, res) => {
    const id = req.params.id as string;
    const result = await chooseWaitingVersion(deps, req.user!.id, id, (req.body as { choice?: unknown }).choice);
    if (!result.ok) throw notFound();
    flash(req, 'success', result.message);
    res.redirect(303, `/batches/${encodeURIComponent(result.batchId)}#image-${encodeURIComponent(id)}`);
  });

  return router;
}
