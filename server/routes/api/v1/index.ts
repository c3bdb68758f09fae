import express from 'express';
import type { Deps } from '../../../deps';
import { apiErrorHandler, apiNotFound, assignRequestId } from '../../../middleware/api-errors';
import { enforceScope, requireApiKey } from '../../../middleware/api-key-auth';
import { perKeyRateLimit } from '../../../middleware/api-rate-limit';
import type { RateLimits } from '../../../rate-limits';
import { usageRoutes } from './usage';
import { imageRoutes } from './images';
import { batchRoutes } from './batches';
import { embedFileRoutes } from './embed-file';
import { openApiDocument } from '../../../api-docs/openapi';

/**
 * `/api/v1`: Bearer keys, no cookies (so no CSRF), one error shape. The order matters: the request
 * id first so every error carries it, then the key, its rate limit, its scope, then the routes.
 */
export function createApiV1Router(deps: Deps, limits: RateLimits): express.Router {
  const router = express.Router();
  router.use(assignRequestId);
  // The document is public, like the docs page rendered from it.
  router.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument(deps.config.baseUrl ?? ''));
  });
  router.use(requireApiKey(deps));
  router.use(perKeyRateLimit(limits.apiPerKey));
  router.use(enforceScope);
  // Large enough for image_base64 of a maximum-size upload (base64 is 4/3 of the bytes).
  router.use(express.json({ limit: Math.ceil(deps.config.maxUploadBytes * 1.4) + 64 * 1024 }));
  router.use(imageRoutes(deps));
  router.use(batchRoutes(deps));
  router.use(usageRoutes(deps));
  router.use(embedFileRoutes(deps));
  router.use(apiNotFound);
  router.use(apiErrorHandler(deps));
  return router;
}
