// GET /v1/dashboard: counts by status, the error to-do list (failed, not yet resolved), the dashboard charts and
// every subscription's health (worst first). GET /v1/subscriptions/:id/health: one subscription's health and charts.
import { Router } from 'express';
import { dashboardOverview, subscriptionActivity } from '../../../app/subscriptions/views';
import { requireScope } from '../auth';
import type { RouteDeps } from '../deps';
import { scoped } from '../tenantContext';
import { NotFoundError } from '../errors';

export function dashboardRouter(deps: RouteDeps): Router {
  const router = Router();
  router.get('/v1/dashboard', requireScope('admin'), async (_req, res) => {
    res.json(await dashboardOverview(scoped(deps, res).pool));
  });
  router.get('/v1/subscriptions/:id/health', requireScope('admin'), async (req, res) => {
    const id = req.params.id as string;
    const activity = await subscriptionActivity(scoped(deps, res).pool, id);
    if (!activity) throw new NotFoundError(`no subscription ${id}`);
    res.json({ health: activity.health, charts: activity.charts });
  });
  return router;
}
