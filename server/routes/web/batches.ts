import { Router } from 'express';
import type { Deps } from '../../deps';
import { requireRole, scopeOf, workspaceOf } from '../../middleware/workspace';
import { HttpError } from '../../middleware/errors';
import { batchPage } from '../../services/results';
import { exportRecords } from '../../services/exports';
import { sendExport } from './export-response';
import { approvedTextOnly, readsApprovedTextOnly } from '../../services/approval/viewer';
import { listPatterns } from '../../patterns';
import { ignoredOptions, ignoredSentence } from '../../describers/honours';

const notFound = () => new HttpError(404, 'We could not find that batch.', 'not_found');

export function batchRoutes(deps: Deps): Router {
  const router = Router();

  router.get('/batches/:id', requireRole('viewer'), async (req, res) => {
    const query = (name: string) => (typeof req.query[name] === 'string' ? (req.query[name] as string) : undefined);
    const page = await batchPage(deps, scopeOf(req), req.params.id as string, { page: Number(query('page') ?? 1), status: query('status'), reviewed: query('reviewed'), flagged: query('flagged'), approvedTextOnly: readsApprovedTextOnly(workspaceOf(req)) });
    if (!page) throw notFound();
    page.cards = approvedTextOnly(workspaceOf(req), page.cards);
    const ignored = ignoredSentence(deps.describer.name, ignoredOptions(deps.describer.honours, page.options));
    const view = query('view') === 'table' ? 'table' : 'cards';
    res.render('batches/show', { title: page.batch.name || 'Batch', page, view, ignored, patterns: await listPatterns(deps, scopeOf(req)) });
  });

  router.get('/batches/:id/export.:format', requireRole('viewer'), async (req, res) => {
    const id = req.params.id as string;
    const records = await exportRecords(deps, scopeOf(req), id, undefined, { approvedOnly: workspaceOf(req).approvalRequired });
    if (!records) throw notFound();
    sendExport(res, req.params.format as string, records, `sightline-batch-${id}`, deps.clock.now());
  });

  return router;
}
