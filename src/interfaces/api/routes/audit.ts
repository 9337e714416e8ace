// GET /v1/audit (admin): the request's tenant's audit trail (a tenant admin key: its own; a platform key: `default`,
// or the tenant /v1/tenants/{id}/audit names), read through the tenant's scoped pool. GET /v1/platform-audit
// (platform keys): the platform-level entries (tenants, platform keys: tenant null). Newest first, cursor pages.
import { Router, type Request } from 'express';
import { auditJson, auditPage, parseAuditQuery, type AuditScope } from '../../../app/audit/query';
import { requireScope } from '../auth';
import type { RouteDeps } from '../deps';
import { ValidationError } from '../errors';
import { scoped, tenantOfRequest } from '../tenantContext';
import type { Pool } from 'pg';

async function answer(req: Request, pool: Pool, scope: AuditScope) {
  const parsed = parseAuditQuery(req.query, scope);
  if (!parsed.ok) throw new ValidationError(parsed.errors);
  const page = await auditPage(pool, parsed.filter);
  return { items: page.items.map(auditJson), nextCursor: page.nextCursor };
}

export function auditRouter(deps: RouteDeps): Router {
  const router = Router();
  router.get('/v1/audit', requireScope('admin'), async (req, res) => {
    const tenantId = tenantOfRequest(res).id;
    res.set('cache-control', 'no-store').json(await answer(req, scoped(deps, res).pool, { kind: 'tenant', tenantId }));
  });
  router.get('/v1/platform-audit', requireScope('platform'), async (req, res) => {
    res.set('cache-control', 'no-store').json(await answer(req, deps.pool, { kind: 'platform' }));
  });
  return router;
}
