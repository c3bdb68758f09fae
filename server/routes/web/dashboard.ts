import { Router } from 'express';
import type { Deps } from '../../deps';
import { requireRole, scopeOf } from '../../middleware/workspace';
import { dashboardFor } from '../../services/dashboard';

export function dashboardRoutes(deps: Deps): Router {
  const router = Router();
  router.get('/', requireRole('viewer'), async (req, res) => {
    res.render('dashboard/index', { title: 'Dashboard', dashboard: await dashboardFor(deps, scopeOf(req)) });
  });
  return router;
}
