import { Router, Request, Response } from 'express';
import type { Deps } from '../../deps';
import { editableImage } from './approval';
import { thumbnailOf } from '../../services/results/thumbnail';
import { DEFAULT_DESCRIBE_OPTIONS } from '../../describers/types';
import { requireRole, scopeOf, workspaceOf } from '../../middleware/workspace';
import { flash } from '../../middleware/flash';
import { HttpError, wantsJson } from '../../middleware/errors';
import { batchReturn } from './review';
import { streamImages, uploadIntake, MAX_FILES_PER_UPLOAD } from '../../middleware/upload';
import { describeDefaults } from '../../services/ingest/submit';
import { LANGUAGES } from '../../services/ingest/languages';
import { OPTION_LIMITS } from '../../services/ingest/options';
import { libraryPage, markReviewed, workingCopy, editDescription } from '../../services/results';
import { exportRecords } from '../../services/exports';
import { attachmentDisposition, sendExport, inlineDisposition } from './export-response';
import { workingCopyWithText } from '../../services/embed-metadata/download';
import { describeIntoFile, inMemoryFailure } from '../../services/embed-metadata/from-upload';
import { mediaTypeOf } from '../../services/embed-metadata';
import { oneFileInMemory } from '../../middleware/one-file-in-memory';
import { requireDescriberConsent } from '../../middleware/describer-consent';
import { zeroRetentionOnlyGate } from './zero-retention';
import { ZERO_RETENTION_CAPACITY } from '../../services/zero-retention';
import { needsDescriberConsent } from '../../services/privacy/consent';
import { uploadRetentionChoices, applyBatchRetention } from '../../services/retention/settings';
import { monthUsage } from '../../services/usage';
import { listPatterns } from '../../patterns';
import { describerLabel, languageName } from '../../describers/honours';
import { PURPOSE_LABELS, PURPOSES } from '../../describers/purpose';
import { sendToBatch, refusalsToForm } from './upload-answers';
import { approvedTextOnly, readsApprovedTextOnly } from '../../services/approval/viewer';
import { estimateForActiveDescriber } from '../../services/compare/estimates';
import { applyBudgetCapFromForm } from '../../services/compare/budget';

function queryText(req: Request, name: string): string | undefined {
  const value = req.query[name];
  return typeof value === 'string' ? value : undefined;
}

export function imageRoutes(deps: Deps): Router {
  const router = Router();

  router.get('/images/new', requireRole('contributor'), async (req, res) => {
    res.render('images/new', {
      title: 'Upload images',
      defaults: await describeDefaults(deps, scopeOf(req)),
      languages: LANGUAGES,
      limits: { ...OPTION_LIMITS, maxFiles: MAX_FILES_PER_UPLOAD, maxMb: deps.config.maxUploadBytes / 1024 / 1024 },
      destination: deps.describer.destination,
      needsConsent: await needsDescriberConsent(deps, scopeOf(req)),
      retentionChoices: await uploadRetentionChoices(deps, scopeOf(req)),
      zeroRetentionCapacity: ZERO_RETENTION_CAPACITY,
      usage: await monthUsage(deps, scopeOf(req)),
      patterns: await listPatterns(deps, scopeOf(req)),
      honours: deps.describer.honours,
      describerLabel: describerLabel(deps.describer.name),
      languageName,
      purposeChoices: PURPOSES.map((value) => ({ value, label: PURPOSE_LABELS[value] })),
      estimate: await estimateForActiveDescriber(deps),
    });
  });

  router.post('/images', requireRole('contributor'), zeroRetentionOnlyGate(deps), requireDescriberConsent(deps), streamImages(deps), async (req: Request, res: Response) => {
    const result = await uploadIntake(req).finish(req.body as Record<string, unknown>);
    await applyBatchRetention(deps, scopeOf(req), result.batchId, (req.body as Record<string, unknown>).image_retention);
    const capRefused = await applyBudgetCapFromForm(deps, scopeOf(req), result.batchId, (req.body as Record<string, unknown>).budget_cap);
    const refused = result.refused > 0 ? ` ${result.refused} could not be used; see the reasons below.` : '';
    flash(req, result.accepted > 0 && !capRefused ? 'success' : 'error', `${result.accepted} ${result.accepted === 1 ? 'image' : 'images'} queued for describing.${refused}${capRefused}`);
    sendToBatch(req, res, result.batchId);
  }, refusalsToForm);

  router.get('/images', requireRole('viewer'), async (req, res) => {
    const page = Number(queryText(req, 'page') ?? 1);
    const library = await libraryPage(deps, scopeOf(req), {
      q: queryText(req, 'q'), batch: queryText(req, 'batch'), status: queryText(req, 'status'), reviewed: queryText(req, 'reviewed'),
      edited: queryText(req, 'edited'), describer: queryText(req, 'describer'), flagged: queryText(req, 'flagged'), from: queryText(req, 'from'), to: queryText(req, 'to'), page,
    }, { approvedTextOnly: readsApprovedTextOnly(workspaceOf(req)) });
    library.cards = approvedTextOnly(workspaceOf(req), library.cards);
    res.render('images/index', { title: 'Library', library, view: queryText(req, 'view') === 'table' ? 'table' : 'list', altTextLength: DEFAULT_DESCRIBE_OPTIONS.altTextLength });
  });

  router.get('/images/export.:format', requireRole('viewer'), async (req, res) => {
    sendExport(res, req.params.format as string, (await exportRecords(deps, scopeOf(req), undefined, undefined, { approvedOnly: workspaceOf(req).approvalRequired }))!, 'sightline-library', deps.clock.now());
  });

  // One file described in memory and handed back with the text inside it; nothing is kept.
  router.post('/images/embed-file', requireRole('contributor'), requireDescriberConsent(deps), oneFileInMemory(deps), async (req: Request, res: Response) => {
    if (!req.file) throw new HttpError(400, 'Choose an image.', 'no_file');
    const parts = await describeIntoFile(deps, workspaceOf(req), req.file.buffer, 'web').catch((err: unknown) => { throw inMemoryFailure(err); });
    res.set({ 'Content-Type': mediaTypeOf(req.file.buffer), 'X-Content-Type-Options': 'nosniff', 'Content-Disposition': attachmentDisposition(req.file.originalname || 'image'), 'Cache-Control': 'no-store' });
    res.send(Buffer.concat(parts));
  }, refusalsToForm);

  router.get('/images/:id/download', requireRole('viewer'), async (req, res) => {
    const file = await workingCopyWithText(deps, workspaceOf(req), req.params.id as string);
    res.set({ 'Content-Type': 'image/jpeg', 'X-Content-Type-Options': 'nosniff', 'Content-Disposition': attachmentDisposition(file.filename), 'Cache-Control': 'private, no-store' });
    res.send(file.bytes);
  });

  router.get('/images/:id/file', requireRole('viewer'), async (req, res) => {
    const size = req.query.size;
    if (size !== undefined && size !== 'thumb') throw new HttpError(400, 'size is thumb, or left out for the whole working copy.', 'invalid_query');
    const file = await workingCopy(deps, scopeOf(req), req.params.id as string);
    if (!file) throw new HttpError(404, 'We could not find that image.', 'not_found');
    // Always the re-encoded working copy, never the upload: a JPEG we wrote ourselves, so it is
    // safe to show inline; nosniff and a sandboxing CSP stop any browser from reading it as anything else.
    res.set({
      'Content-Type': 'image/jpeg',
      'X-Content-Type-Options': 'nosniff',
      'Content-Disposition': inlineDisposition(file.filename),
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'Cache-Control': 'private, no-store',
    });
    res.send(size === 'thumb' ? await thumbnailOf(file.bytes) : file.bytes);
  });

  router.post('/images/:id/description', requireRole('contributor'), editableImage(deps), async (req, res) => {
    const id = req.params.id as string;
    const result = await editDescription(deps, scopeOf(req), id, req.body as Record<string, unknown>);
    if (!result.ok && result.status === 404) throw new HttpError(404, 'We could not find that image.', 'not_found');
    if (result.ok) flash(req, result.changed ? 'success' : 'info', result.changed ? 'Saved your changes.' : 'Nothing to save: the text is unchanged.');
    else flash(req, 'error', result.error);
    res.redirect(303, `/batches/${result.batchId}#image-${id}`);
  });

  router.post('/images/:id/review', requireRole('contributor'), async (req, res) => {
    const id = req.params.id as string;
    const reviewed = (req.body as { reviewed?: string }).reviewed !== '0';
    const batchId = await markReviewed(deps, scopeOf(req), id, reviewed);
    if (!batchId) throw new HttpError(404, 'We could not find that image.', 'not_found');
    if (wantsJson(req)) return res.json({ reviewed });
    flash(req, 'success', reviewed ? 'Marked as reviewed.' : 'Marked as not reviewed.');
    return res.redirect(303, batchReturn((req.body as { back?: unknown }).back, batchId, id));
  });

  return router;
}
