import { Router, type Request, type Response } from 'express';
import type { Deps } from '../../deps';
import { requireAdmin } from '../../middleware/auth';
import { flash } from '../../middleware/flash';
import { HttpError } from '../../middleware/errors';
import { requireRole, scopeOf } from '../../middleware/workspace';
import { addDescriber, describerChoices, removeDescriber } from '../../services/compare/describers';
import { comparisonsIndex, MAX_SAMPLE, startComparison } from '../../services/compare/runs';
import { castVote, comparisonPage } from '../../services/compare/results';

/** Comparing describers: the servers an admin configures, runs over sample images, blind votes. */
export function compareRoutes(deps: Deps): Router {
  const router = Router();
  router.use(['/admin/describers', '/admin/comparisons'], requireAdmin);

  const renderDescribers = async (res: Response, extra: { error?: string; form?: Record<string, unknown> } = {}) => {
    res.render('admin/describers', { title: 'Describers', describers: await describerChoices(deps), form: {}, ...extra });
  };

  router.get('/admin/describers', (_req, res) => renderDescribers(res));

  router.post('/admin/describers', async (req, res) => {
    const body = req.body ?? {};
    const form = { name: body.name, baseUrl: body.base_url, model: body.model, priceInputPerM: body.price_input, priceOutputPerM: body.price_output };
    try {
      await addDescriber(deps, { ...form, apiKey: body.api_key });
    } catch (err) {
      if (!(err instanceof HttpError) || err.status !== 400) throw err;
      // The key is not put back in the form: it is never shown again, not even after a mistake.
      return renderDescribers(res.status(422), { error: err.message, form });
    }
    flash(req, 'success', 'The describer was added. Its API key is stored sealed and is not shown again.');
    res.redirect(303, '/admin/describers');
  });

  router.post('/admin/describers/:id/delete', async (req, res) => {
    await removeDescriber(deps, req.params.id as string);
    flash(req, 'success', 'The describer was removed; the results of earlier comparisons stay.');
    res.redirect(303, '/admin/describers');
  });

  const renderRuns = async (req: Request, res: Response, extra: { error?: string } = {}) => {
    res.render('admin/comparisons', { title: 'Compare describers', ...(await comparisonsIndex(deps, scopeOf(req))), maxSample: MAX_SAMPLE, ...extra });
  };

  router.get('/admin/comparisons', (req, res) => renderRuns(req, res));

  // Sending a workspace's images to other servers is the owner's call, as the describer consent is.
  router.post('/admin/comparisons', requireRole('owner'), async (req, res) => {
    let id: string;
    try {
      id = await startComparison(deps, scopeOf(req), req.user!.id, { describers: req.body?.describers, batchId: req.body?.batch_id, count: req.body?.count });
    } catch (err) {
      if (!(err instanceof HttpError) || err.status !== 400) throw err;
      return renderRuns(req, res.status(422), { error: err.message });
    }
    res.redirect(303, `/comparisons/${id}`);
  });

  // The reviewers: anyone in the workspace who reviews its text (not viewers, who read approved text only).
  router.get('/comparisons', requireRole('contributor'), async (req, res) => {
    res.render('compare/index', { title: 'Comparisons', runs: (await comparisonsIndex(deps, scopeOf(req))).runs });
  });

  router.get('/comparisons/:id', requireRole('contributor'), async (req, res) => {
    const page = await comparisonPage(deps, scopeOf(req), req.params.id as string, req.user!.id, req.query.reveal === '1');
    res.render('compare/show', { title: 'Comparison', page });
  });

  router.post('/comparisons/:id/votes', requireRole('contributor'), async (req, res) => {
    const id = req.params.id as string;
    await castVote(deps, scopeOf(req), id, req.user!.id, { imageId: req.body?.image_id, choice: req.body?.choice });
    res.redirect(303, `/comparisons/${id}#image-${String(req.body?.image_id ?? '')}`);
  });

  return router;
}
