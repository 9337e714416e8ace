// GET /v1/dashboard: counts by status, the error to-do list (failed, not yet resolved), the dashboard charts and
// every subscription's health (worst first). GET /v1/subscriptions/:id/health: one subscription's health and charts.
import { Router } from 'express';
import { dashboardCharts } from '../../../app/readModels/dashboardStats';
import { dashboard } from '../../../infra/db/deliveries';
import { subscriptionHealth } from '../../../app/readModels/subscriptionHealth';
import { requireScope } from '../auth';
import type { RouteDeps } from '../deps';
import { NotFoundError } from '../errors';

export function dashboardRouter(deps: RouteDeps): Router {
  const router = Router();
  router.get('/v1/dashboard', requireScope('admin'), async (_req, res) => {
    const [overview, charts, health] = await Promise.all([dashboard(deps.pool), dashboardCharts(deps.pool), subscriptionHealth(deps.pool)]);
    res.json({ ...overview, charts, health });
  });
  router.get('/v1/subscriptions/:id/health', requireScope('admin'), async (req, res) => {
    const id = req.params.id as string;
    const [health, charts] = await Promise.all([subscriptionHealth(deps.pool, { subscriptionId: id }), dashboardCharts(deps.pool, { subscriptionId: id })]);
    if (!health[0]) throw new NotFoundError(`no subscription ${id}`);
    res.json({ health: health[0], charts });
  });
  return router;
}
