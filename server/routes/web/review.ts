import { Router, type Request } from 'express';
import type { Deps } from '../../deps';
import { editableImage } from './approval';
import { requireRole, scopeOf, workspaceOf } from '../../middleware/workspace';
import { historyOf } from '../../services/approval';
import { approvedTextOnly } from '../../services/approval/viewer';
import { flash } from '../../middleware/flash';
import { HttpError, wantsJson } from '../../middleware/errors';
import { editAltText, imagePage } from '../../services/results';
import { listPatterns } from '../../patterns';
import { translateCurrentText } from '../../services/results/translate-later';
import { languageName } from '../../describers/honours';

/** Where a review form returns: the batch page it came from (with its filters and page), nothing else. */
export function batchReturn(value: unknown, batchId: string, imageId: string): string {
  // The batch page or the library the form was on (the table view of either), nothing else: no open redirect.
  if (typeof value === 'string' && /^\/(batches\/[A-Za-z0-9_-]{1,64}|images)(\?[A-Za-z0-9%&=+*._-]*)?$/.test(value)) return `${value}#row-${imageId}`;
  return `/batches/${batchId}#image-${imageId}`;
}

const imageNotFound = () => new HttpError(404, 'We could not find that image.', 'not_found');

/** The review table's in-place alt text edit, and one image's page (every field, history, the large image). */
export function reviewRoutes(deps: Deps): Router {
  const router = Router();

  router.post('/images/:id/alt-text', requireRole('contributor'), editableImage(deps), async (req: Request, res) => {
    const id = req.params.id as string;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const result = await editAltText(deps, scopeOf(req), id, body.alt_text);
    if (!result.ok && result.status === 404) throw imageNotFound();
    if (wantsJson(req)) {
      if (!result.ok) throw new HttpError(400, result.error, 'invalid_alt_text');
      return res.json({ saved: true, changed: result.changed });
    }
    if (result.ok) flash(req, result.changed ? 'success' : 'info', result.changed ? 'Saved the alt text.' : 'Nothing to save: the alt text is unchanged.');
    else flash(req, 'error', result.error);
    return res.redirect(303, batchReturn(body.back, result.batchId, id));
  });

  router.get('/images/:id', requireRole('viewer'), async (req, res) => {
    const page = await imagePage(deps, scopeOf(req), req.params.id as string);
    if (!page) throw imageNotFound();
    [page.card] = approvedTextOnly(workspaceOf(req), [page.card]);
    // `?again=1` (the review table's r key): the page opens on "Describe again".
    const openAgain = req.query.again === '1';
    const workspace = workspaceOf(req);
    const approval = workspace.kind === 'team' ? { state: page.card.image.approval, history: await historyOf(deps, workspace, page.card.image.id) } : undefined;
    res.render('review/image', {
      title: page.card.image.original_name, page, openAgain, approval, patterns: await listPatterns(deps, scopeOf(req)), canTranslate: Boolean(deps.describer.translate),
    });
  });

  // Writing the current text in more languages, without describing again (a model request each).
  router.post('/images/:id/translations', requireRole('contributor'), editableImage(deps), async (req: Request, res) => {
    const id = req.params.id as string;
    const codes = await translateCurrentText(deps, scopeOf(req), id, (req.body as { languages?: unknown } | undefined)?.languages);
    flash(req, 'success', `Written in ${codes.map((code) => `${languageName(code)} (${code})`).join(', ')} from the current text.`);
    res.redirect(303, `/images/${id}#translations`);
  });

  return router;
}
