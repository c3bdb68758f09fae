import express, { type Request } from 'express';
import { approvalStep, mustMayEdit } from '../../../services/approval';
import type { Deps } from '../../../deps';
import { apiPrincipal, keyWorkspace } from '../../../middleware/api-key-auth';
import { HttpError } from '../../../middleware/errors';
import { preparedUploads, uploadImages } from '../../../middleware/upload';
import { discardUploads } from '../../../services/ingest';
import { isFinished, submitApiImage } from '../../../services/api-images';
import { deleteApiImage, getApiImage, listApiImages, patchApiImage, regenerateApiImage, retrieveApiImage, type ListQuery } from '../../../services/api-images/manage';
import { listApiImageVersions } from '../../../services/api-images/versions';
import type { ImageResource } from '../../../services/api-resources';
import { sendIdempotent } from './idempotent';
import { workingCopyWithText } from '../../../services/embed-metadata/download';
import { attachmentDisposition } from '../../web/export-response';
import { apiBulkAction } from '../../../services/api-images/bulk';
import { translateCurrentText } from '../../../services/results/translate-later';

/** The longest `?wait=` honoured, in seconds. */
export const MAX_WAIT_SECONDS = 60;

function waitSeconds(req: Request): number {
  if (req.query.wait === undefined) return 0;
  const n = Number(req.query.wait);
  if (!Number.isFinite(n) || n < 0) throw new HttpError(400, 'wait must be a number of seconds from 0 to 60.', 'invalid_query');
  return Math.min(n, MAX_WAIT_SECONDS);
}

/** Multipart bodies go through the upload storage engine; JSON was parsed by the router. */
const multipartOnly = (deps: Deps): express.RequestHandler => {
  const upload = uploadImages(deps, 'image', 1);
  return (req, res, next) => (req.is('multipart/form-data') ? upload(req, res, next) : next());
};

export function imageRoutes(deps: Deps): express.Router {
  const router = express.Router();

  router.post('/images', multipartOnly(deps), async (req, res) => {
    const { userId } = apiPrincipal(res);
    const uploads = preparedUploads(req);
    const wait = waitSeconds(req);
    const fileHash = uploads[0]?.status === 'ready' ? uploads[0].facts.sha256 : null;
    const answer = (image: ImageResource) => ({ status: isFinished(image) ? 200 : 202, body: image });
    await sendIdempotent(deps, req, res, async (mark) => {
      return answer(await submitApiImage(deps, userId, { upload: uploads[0], fields: (req.body ?? {}) as Record<string, unknown> }, wait, undefined, mark));
    }, fileHash, () => discardUploads(deps, uploads), { resume: async (imageId) => answer(await retrieveApiImage(deps, userId, imageId)) });
  });

  router.get('/images', async (req, res) => {
    res.json(await listApiImages(deps, apiPrincipal(res).userId, req.query as ListQuery));
  });

  router.get('/images/:id', async (req, res) => {
    const { userId } = apiPrincipal(res);
    res.json(await retrieveApiImage(deps, userId, req.params.id));
  });

  router.get('/images/:id/download', async (req, res) => {
    const file = await workingCopyWithText(deps, keyWorkspace(res), req.params.id);
    res.set({ 'Content-Type': 'image/jpeg', 'X-Content-Type-Options': 'nosniff', 'Content-Disposition': attachmentDisposition(file.filename), 'Cache-Control': 'private, no-store' });
    res.send(file.bytes);
  });

  router.get('/images/:id/versions', async (req, res) => {
    res.json(await listApiImageVersions(deps, apiPrincipal(res).userId, req.params.id));
  });

  router.patch('/images/:id', async (req, res) => {
    const { userId } = apiPrincipal(res);
    await mustMayEdit(deps, keyWorkspace(res), req.params.id);
    await sendIdempotent(deps, req, res, async () => ({ status: 200, body: await patchApiImage(deps, userId, req.params.id, (req.body ?? {}) as Record<string, unknown>) }));
  });

  router.delete('/images/:id', async (req, res) => {
    const { userId } = apiPrincipal(res);
    await sendIdempotent(deps, req, res, async () => {
      await deleteApiImage(deps, userId, req.params.id);
      return { status: 204, body: null };
    });
  });

  router.post('/images/bulk', async (req, res) => {
    await sendIdempotent(deps, req, res, async () => ({ status: 200, body: await apiBulkAction(deps, keyWorkspace(res), apiPrincipal(res).actorId, (req.body ?? {}) as Record<string, unknown>) }));
  });

  router.post('/images/:id/approval', async (req, res) => {
    const { userId } = apiPrincipal(res);
    await sendIdempotent(deps, req, res, async () => ({ status: 200, body: await approvalStep(deps, keyWorkspace(res), apiPrincipal(res).actorId, req.params.id, (req.body ?? {}) as Record<string, unknown>).then(() => getApiImage(deps, userId, req.params.id)) }));
  });

  router.post('/images/:id/translations', async (req, res) => {
    const { userId } = apiPrincipal(res);
    await mustMayEdit(deps, keyWorkspace(res), req.params.id);
    await sendIdempotent(deps, req, res, async () => {
      await translateCurrentText(deps, userId, req.params.id, (req.body ?? {}).languages);
      return { status: 200, body: await getApiImage(deps, userId, req.params.id) };
    });
  });

  router.post('/images/:id/regenerate', async (req, res) => {
    const { userId } = apiPrincipal(res);
    await mustMayEdit(deps, keyWorkspace(res), req.params.id);
    await sendIdempotent(deps, req, res, async () => ({ status: 202, body: await regenerateApiImage(deps, userId, req.params.id, (req.body ?? {}) as Record<string, unknown>) }));
  });

  return router;
}
