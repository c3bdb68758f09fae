import { Router } from 'express';
import type { Deps } from '../../deps';
import { requireUser } from '../../middleware/auth';
import { dashboardFor } from '../../services/dashboard';

export function dashboardRoutes(deps: Deps): Router {
  const router = Router();
  router.get('/', requireUser, async (req, res) => {
    res.render('dashboard/index', { title: 'Dashboard', dashboard: await dashboardFor(deps, req.user!.id) });
  });
  return router;
}
