import express from 'express';
import type { Deps } from '../../../deps';
import { apiPrincipal } from '../../../middleware/api-key-auth';
import { monthUsage } from '../../../services/usage';

export function usageRoutes(deps: Deps): express.Router {
  const router = express.Router();
  router.get('/usage', async (_req, res) => {
    const usage = await monthUsage(deps, apiPrincipal(res).userId);
    res.json({
      month: usage.month,
      descriptions_created: usage.created,
      descriptions_retrieved: usage.retrieved,
      in_flight: usage.inFlight,
      quota: usage.quota,
      remaining: usage.remaining,
      resets_at: new Date(usage.resetsAt).toISOString(),
    });
  });
  return router;
}
