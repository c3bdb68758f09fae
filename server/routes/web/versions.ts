import { Router } from 'express';
import type { Deps } from '../../deps';
import { editableImage } from './approval';
import { requireRole, scopeOf } from '../../middleware/workspace';
import { flash } from '../../middleware/flash';
import { HttpError } from '../../middleware/errors';
import { chooseWaitingVersion, restoreVersion } from '../../services/results';

const notFound = () => new HttpError(404, 'We could not find that image.', 'not_found');

/** An image's history: restore any version, and answer "a new description is ready". Owner only. */
export function versionRoutes(deps: Deps): Router {
  const router = Router();

  router.post('/images/:id/versions/:number/restore', requireRole('contributor'), editableImage(deps), async (req, res) => {
    const id = req.params.id as string;
    const result = await restoreVersion(deps, scopeOf(req), id, Number(req.params.number));
    if (!result.ok) throw notFound();
    flash(req, 'success', result.message);
    res.redirect(303, `/batches/${encodeURIComponent(result.batchId)}#image-${encodeURIComponent(id)}`);
  });

  router.post('/images/:id/new-version', requireRole('contributor'), editableImage(deps), async (req, res) => {
    const id = req.params.id as string;
    const result = await chooseWaitingVersion(deps, scopeOf(req), id, (req.body as { choice?: unknown }).choice);
    if (!result.ok) throw notFound();
    flash(req, 'success', result.message);
    res.redirect(303, `/batches/${encodeURIComponent(result.batchId)}#image-${encodeURIComponent(id)}`);
  });

  return router;
}
