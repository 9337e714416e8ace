// Personal data (issue 23): POST /v1/erasures { employeeId } (the right to erasure: a receipt), GET /v1/erasures (the
// tenant's receipts), GET /v1/employees/:employeeId/export (the right of access: one JSON document). Admin keys of the
// tenant; a platform key names it with /v1/tenants/:id/…. An employee the tenant holds nothing about: 404.
import { Router } from 'express';
import { eraseEmployee, erasuresOf } from '../../../app/privacy/erasure';
import { exportEmployee } from '../../../app/privacy/accessExport';
import { erasureRequestSchema, erasuresQuerySchema } from '../../../app/privacy/schemas';
import { callerOf, requireScope } from '../auth';
import type { RouteDeps } from '../deps';
import { NotFoundError, storableParams } from '../errors';
import { parseInput } from '../schemas';
import { scoped } from '../tenantContext';

export function privacyRouter(deps: RouteDeps): Router {
  const router = Router();
  router.post('/v1/erasures', requireScope('admin'), async (req, res) => {
    const { employeeId } = parseInput(erasureRequestSchema, req.body);
    const receipt = await eraseEmployee(scoped(deps, res), employeeId, callerOf(res).name);
    if (!receipt) throw new NotFoundError(`no employee ${employeeId} in this tenant`);
    res.status(201).set('cache-control', 'no-store').json(receipt);
  });
  router.get('/v1/erasures', requireScope('admin'), async (req, res) => {
    const { employeeId } = parseInput(erasuresQuerySchema, { ...req.query });
    res.set('cache-control', 'no-store').json({ items: await erasuresOf(scoped(deps, res), employeeId ?? null) });
  });
  router.get('/v1/employees/:employeeId/export', requireScope('admin'), storableParams, async (req, res) => {
    const employeeId = String(req.params.employeeId);
    const found = employeeId.length <= 200 ? await exportEmployee(scoped(deps, res), employeeId) : null;
    if (!found) throw new NotFoundError(`no employee ${employeeId} in this tenant`);
    res.set('cache-control', 'no-store').json(found);
  });
  return router;
}
