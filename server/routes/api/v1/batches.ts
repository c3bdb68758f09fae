import express from 'express';
import type { Deps } from '../../../deps';
import { apiPrincipal } from '../../../middleware/api-key-auth';
import { cancelApiBatch, createApiBatch, deleteApiBatch, getApiBatch } from '../../../services/api-images/batches';
import { sendIdempotent } from './idempotent';

export function batchRoutes(deps: Deps): express.Router {
  const router = express.Router();

  router.post('/batches', async (req, res) => {
    const { userId } = apiPrincipal(res);
    await sendIdempotent(deps, req, res, async () => ({ status: 201, body: await createApiBatch(deps, userId, (req.body ?? {}) as Record<string, unknown>) }));
  });

  router.get('/batches/:id', async (req, res) => {
    res.json(await getApiBatch(deps, apiPrincipal(res).userId, req.params.id));
  });

  router.delete('/batches/:id', async (req, res) => {
    const { userId } = apiPrincipal(res);
    await sendIdempotent(deps, req, res, async () => {
      await deleteApiBatch(deps, userId, req.params.id);
      return { status: 204, body: null };
    });
  });

  router.post('/batches/:id/cancel', async (req, res) => {
    const { userId } = apiPrincipal(res);
    await sendIdempotent(deps, req, res, async () => ({ status: 200, body: await cancelApiBatch(deps, userId, req.params.id) }));
  });

  return router;
}
