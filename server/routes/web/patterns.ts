import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Deps } from '../../deps';
import { requireRole, scopeOf } from '../../middleware/workspace';
import { flash } from '../../middleware/flash';
import { HttpError } from '../../middleware/errors';
import { preparedUploads, uploadImages } from '../../middleware/upload';
import { createPattern, deletePattern, getPattern, listPatterns, patternVersions, PatternInputError, updatePattern, SCHEMA_LIMITS } from '../../patterns';
import { testPatternOnImage } from '../../patterns/test-run';
import { loadImageResource } from '../../services/api-resources';

const EXAMPLE_SCHEMA = JSON.stringify(
  {
    type: 'object',
    additionalProperties: false,
    required: ['product_type', 'colours', 'has_people'],
    properties: {
      product_type: { type: 'string', description: 'What kind of product is shown' },
      colours: { type: 'array', items: { type: 'string' } },
      has_people: { type: 'boolean' },
    },
  },
  null,
  2,
);

function formOf(req: Request): { name: string; instructions: string; schema: string } {
  return { name: String(req.body?.name ?? ''), instructions: String(req.body?.instructions ?? ''), schema: String(req.body?.schema ?? '') };
}

/** Patterns: list, create, show (with versions and a test upload), edit (a new version), delete. */
export function patternRoutes(deps: Deps): Router {
  const router = Router();
  router.use('/patterns', requireRole('viewer'));

  const renderForm = (res: Response, view: { action: string; heading: string; form: Record<string, string>; errors?: Record<string, string[]> }) =>
    res.render('patterns/form', { title: view.heading, limits: SCHEMA_LIMITS, errors: {}, ...view });

  router.get('/patterns', async (req, res) => {
    res.render('patterns/index', { title: 'Patterns', patterns: await listPatterns(deps, scopeOf(req)) });
  });

  router.get('/patterns/new', requireRole('editor'), (_req, res) => renderForm(res, { action: '/patterns', heading: 'New pattern', form: { name: '', instructions: '', schema: EXAMPLE_SCHEMA } }));

  router.post('/patterns', requireRole('editor'), async (req, res) => {
    try {
      const pattern = await createPattern(deps, scopeOf(req), formOf(req));
      flash(req, 'success', `Pattern "${pattern.name}" saved as version 1.`);
      res.redirect(303, `/patterns/${pattern.id}`);
    } catch (err) {
      if (!(err instanceof PatternInputError)) throw err;
      renderForm(res.status(422), { action: '/patterns', heading: 'New pattern', form: formOf(req), errors: err.fields });
    }
  });

  router.get('/patterns/:id', async (req, res) => {
    const [pattern, versions] = await Promise.all([getPattern(deps, scopeOf(req), req.params.id), patternVersions(deps, scopeOf(req), req.params.id)]);
    res.render('patterns/show', { title: pattern.name, pattern, versions });
  });

  router.get('/patterns/:id/edit', requireRole('editor'), async (req, res) => {
    const p = await getPattern(deps, scopeOf(req), req.params.id as string);
    renderForm(res, { action: `/patterns/${p.id}`, heading: `Edit ${p.name}`, form: { name: p.name, instructions: p.instructions, schema: p.schemaText } });
  });

  router.post('/patterns/:id', requireRole('editor'), async (req, res) => {
    try {
      const pattern = await updatePattern(deps, scopeOf(req), req.params.id as string, formOf(req));
      flash(req, 'success', `Saved as version ${pattern.version}. Earlier manifests keep the version they were made with.`);
      res.redirect(303, `/patterns/${pattern.id}`);
    } catch (err) {
      if (!(err instanceof PatternInputError)) throw err;
      renderForm(res.status(422), { action: `/patterns/${req.params.id}`, heading: 'Edit pattern', form: formOf(req), errors: err.fields });
    }
  });

  // The confirmation page, for browsers without JavaScript (views/confirm/show.ejs).
  router.get('/patterns/:id/delete', requireRole('editor'), async (req, res) => {
    const pattern = await getPattern(deps, scopeOf(req), req.params.id as string);
    res.render('confirm/show', {
      title: `Delete the pattern “${pattern.name}”?`,
      paragraphs: ['It can no longer be chosen. Results already made with it keep their manifests. This cannot be undone.'],
      action: `/patterns/${pattern.id}/delete`,
      button: 'Delete pattern',
      cancel: `/patterns/${pattern.id}`,
    });
  });

  router.post('/patterns/:id/delete', requireRole('editor'), async (req, res) => {
    await deletePattern(deps, scopeOf(req), req.params.id as string);
    flash(req, 'success', 'The pattern was deleted.');
    res.redirect(303, '/patterns');
  });

  // The pattern is looked up before the upload is read: another workspace's pattern id answers 404, not "no file".
  const patternExists: RequestHandler = async (req, _res, next) => {
    await getPattern(deps, scopeOf(req), req.params.id as string); // throws 404 for a pattern not in this workspace
    next();
  };

  router.post('/patterns/:id/test', requireRole('contributor'), patternExists, uploadImages(deps), async (req, res) => {
    const patternId = String(req.params.id);
    const imageId = await testPatternOnImage(deps, scopeOf(req), patternId, preparedUploads(req));
    res.redirect(303, `/patterns/${encodeURIComponent(patternId)}/tests/${encodeURIComponent(imageId)}`);
  });

  router.get('/patterns/:id/tests/:imageId', async (req, res) => {
    const pattern = await getPattern(deps, scopeOf(req), req.params.id);
    const image = await loadImageResource(deps, scopeOf(req), req.params.imageId);
    if (!image) throw new HttpError(404, 'Not found', 'not_found');
    const pending = image.status === 'queued' || image.status === 'processing';
    res.render('patterns/test', { title: `Test of ${pattern.name}`, pattern, image, pending });
  });

  return router;
}
