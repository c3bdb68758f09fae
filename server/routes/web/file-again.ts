import { Router, type Request } from 'express';
import type { Deps } from '../../deps';
import { editableImage } from './approval';
import { requireRole, scopeOf } from '../../middleware/workspace';
import { flash } from '../../middleware/flash';
import { HttpError } from '../../middleware/errors';
import { preparedUploads, uploadImages } from '../../middleware/upload';
import { parseReplaceEdits, regenerateOptionsWithPattern } from '../../services/describe/control';
import { describeAgainWithFile } from '../../services/describe/file-again';

/** "Describe again" with the file brought back, for an image whose working copy retention deleted. */
export function fileAgainRoutes(deps: Deps): Router {
  const router = Router();

  router.post('/images/:id/file-again', requireRole('contributor'), editableImage(deps), uploadImages(deps, 'image', 1), async (req: Request, res) => {
    const id = req.params.id as string;
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      const { replace_edits: replaceEdits, ...fields } = body;
      const options = await regenerateOptionsWithPattern(deps, scopeOf(req), fields);
      const { keepsEdits } = await describeAgainWithFile(deps, scopeOf(req), id, preparedUploads(req), options, parseReplaceEdits({ replace_edits: replaceEdits }));
      flash(req, 'info', `The image is stored again and queued to be described.${keepsEdits ? ' Your edits stay; the new text will wait for you to choose.' : ''}`);
    } catch (err) {
      if (!(err instanceof HttpError) || err.status === 404) throw err;
      flash(req, 'error', err.message);
    }
    res.redirect(303, `/images/${encodeURIComponent(id)}`);
  });

  return router;
}
