// GET /v1/dashboard: counts by status and the error to-do list (failed, not yet resolved).
import { Router } from 'express';
import { dashboard } from '../../db/deliveries';
import { requireScope } from '../auth';
import type { RouteDeps } from '../deps';

export function dashboardRouter(deps: RouteDeps): Router {
  const router = Router();
  router.get('/v1/dashboard', requireScope('admin'), async (_req, res) => {
    res.json(await dashboard(deps.pool));
  });
  return router;
}
