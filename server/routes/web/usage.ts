import { Router } from 'express';
import type { Deps } from '../../deps';
import { requireRole, scopeOf } from '../../middleware/workspace';
import { requireAdmin } from '../../middleware/auth';
import { flash } from '../../middleware/flash';
import { listUsers } from '../../db/users';
import { allQuotas, monthByDay, monthUsage, setQuota } from '../../services/usage';
import { usageChart } from '../../services/usage/chart';

/** A blank field means "no limit"; a number is a monthly count of descriptions. */
function quotaValue(value: unknown): number | null {
  const text = String(value ?? '').trim();
  return text === '' ? null : Number(text);
}

/** The user's month by day, and the admin's quota settings. */
export function usagePageRoutes(deps: Deps): Router {
  const router = Router();

  router.get('/account/usage', requireRole('viewer'), async (req, res) => {
    const [usage, days] = await Promise.all([monthUsage(deps, scopeOf(req)), monthByDay(deps, scopeOf(req))]);
    res.render('usage/index', { title: 'Usage', usage, days, chart: usageChart(days) });
  });

  router.get('/admin/quotas', requireAdmin, async (_req, res) => {
    const [users, quotas] = await Promise.all([listUsers(deps.db), allQuotas(deps)]);
    const fallback = quotas.find((q) => q.user_id === null);
    res.render('usage/quotas', {
      title: 'Quotas',
      defaultQuota: fallback ? fallback.monthly_descriptions : undefined,
      users: users.map((u) => ({ ...u, quota: quotas.find((q) => q.user_id === u.id) })),
    });
  });

  router.post('/admin/quotas', requireAdmin, async (req, res) => {
    const target = String(req.body?.user_id ?? 'default');
    const userId = target === 'default' ? null : Number(target);
    await setQuota(deps, userId, quotaValue(req.body?.monthly), req.body?.clear === 'on');
    flash(req, 'success', 'The quota was saved.');
    res.redirect(303, '/admin/quotas');
  });

  return router;
}
