import { Router } from 'express';
import type { Deps } from '../../deps';
import { requireUser } from '../../middleware/auth';
import { flash } from '../../middleware/flash';
import { cancelBatch, parseRegenerateOptions, parseReplaceEdits, regenerateImage } from '../../services/describe/control';
import { batchProgress } from '../../services/describe/progress';
import { watchBatch } from '../../services/describe/watch';

/** Live progress of a batch (JSON and server-sent events), cancel, and regenerate. Owner only. */
export function describeControlRoutes(deps: Deps): Router {
  const router = Router();

  router.get('/batches/:id/progress.json', requireUser, async (req, res) => {
    res.set('cache-control', 'no-store').json(await batchProgress(deps, req.user!.id, req.params.id as string));
  });

  router.get('/batches/:id/events', requireUser, async (req, res) => {
    const userId = req.user!.id;
    const batchId = req.params.id as string;
    const first = await batchProgress(deps, userId, batchId); // 404 before the stream opens
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
    const send = (progress: typeof first) => res.write(`event: progress\ndata: ${JSON.stringify(progress)}\n\n`);
    res.write('retry: 3000\n\n');
    send(first);
    if (first.complete) return void res.end();
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    const stop = watchBatch(deps, userId, batchId, (progress) => {
      send(progress);
      if (progress.complete) close();
    });
    function close() {
      stop();
      clearInterval(heartbeat);
      res.end();
    }
    req.on('close', close);
  });

  router.post('/batches/:id/cancel', requireUser, async (req, res) => {
    const { cancelled } = await cancelBatch(deps, req.user!.id, req.params.id as string);
    flash(req, 'success', cancelled === 1 ? 'Cancelled 1 image that was still waiting.' : `Cancelled ${cancelled} images that were still waiting.`);
    res.redirect(303, `/batches/${encodeURIComponent(req.params.id as string)}`);
  });

  router.post('/images/:id/regenerate', requireUser, async (req, res) => {
    const options = parseRegenerateOptions(req.body);
    const { batchId, keepsEdits } = await regenerateImage(deps, req.user!.id, req.params.id as string, options, { replaceEdits: parseReplaceEdits(req.body) });
    flash(req, 'info', `The image is queued to be described again.${keepsEdits ? ' Your edits stay; the new text will wait for you to choose.' : ''}`);
    res.redirect(303, `/batches/${encodeURIComponent(batchId)}#image-${encodeURIComponent(req.params.id as string)}`);
  });

  return router;
}
