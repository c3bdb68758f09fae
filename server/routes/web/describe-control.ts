import { Router } from 'express';
import type { Deps } from '../../deps';
import { editableImage } from './approval';
import { requireRole, scopeOf } from '../../middleware/workspace';
import { flash } from '../../middleware/flash';
import { cancelBatch, parseReplaceEdits, regenerateImage, regenerateOptionsWithPattern } from '../../services/describe/control';
import { batchProgress, type BatchProgress } from '../../services/describe/progress';
import { openProgressStream } from '../../services/describe/progress-streams';
import { eventStream } from './event-stream';

/** Live progress of a batch (JSON and server-sent events), cancel, and regenerate. Owner only. */
export function describeControlRoutes(deps: Deps): Router {
  const router = Router();

  router.get('/batches/:id/progress.json', requireRole('viewer'), async (req, res) => {
    res.set('cache-control', 'no-store').json(await batchProgress(deps, scopeOf(req), req.params.id as string));
  });

  router.get('/batches/:id/events', requireRole('viewer'), async (req, res) => {
    const events = eventStream(res);
    const sink = { send: (progress: BatchProgress) => events.send('progress', progress), end: events.end };
    const stream = openProgressStream(deps, scopeOf(req), req.params.id as string, sink); // 429 past the limits
    // Tied to the connection before the first read: a client that leaves during it is never watched.
    events.onClose(stream.close);
    await stream.start(); // 404 before the stream opens
  });

  router.post('/batches/:id/cancel', requireRole('contributor'), async (req, res) => {
    const { cancelled } = await cancelBatch(deps, scopeOf(req), req.params.id as string);
    flash(req, 'success', cancelled === 1 ? 'Cancelled 1 image that was still waiting.' : `Cancelled ${cancelled} images that were still waiting.`);
    res.redirect(303, `/batches/${encodeURIComponent(req.params.id as string)}`);
  });

  router.post('/images/:id/regenerate', requireRole('contributor'), editableImage(deps), async (req, res) => {
    const options = await regenerateOptionsWithPattern(deps, scopeOf(req), (req.body ?? {}) as Record<string, unknown>);
    const { batchId, keepsEdits } = await regenerateImage(deps, scopeOf(req), req.params.id as string, options, { replaceEdits: parseReplaceEdits(req.body) });
    flash(req, 'info', `The image is queued to be described again.${keepsEdits ? ' Your edits stay; the new text will wait for you to choose.' : ''}`);
    res.redirect(303, `/batches/${encodeURIComponent(batchId)}#image-${encodeURIComponent(req.params.id as string)}`);
  });

  return router;
}
