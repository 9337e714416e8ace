// POST /v1/tenants/:id/portal-sessions (rewritten by ../tenantContext.ts to /v1/portal-sessions in that tenant):
// a single-use link into the tenant's follow-up portal, { url, expiresAt }. A platform key or the tenant's admin
// key (a tenant key naming another tenant got 404 already); never a producer key. The answer carries a secret
// (the link's token): never cached. A thin door onto ../../../app/portal/portalLinks.ts.
import { Router } from 'express';
import { createPortalLink, linkBase } from '../../../app/portal/portalLinks';
import { callerOf, requireScope } from '../auth';
import type { RouteDeps } from '../deps';
import { ValidationError } from '../errors';
import { scoped, tenantOfRequest } from '../tenantContext';


export function portalRouter(deps: RouteDeps): Router {
  const router = Router();
  router.post('/v1/portal-sessions', requireScope('admin'), async (req, res) => {
    const tenant = tenantOfRequest(res);
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (typeof body !== 'object' || Array.isArray(body)) throw new ValidationError([{ field: '(body)', message: 'a JSON object' }]);
    const outcome = await createPortalLink(scoped(deps, res), tenant, body, { baseUrl: linkBase(deps.config.HRHOOKS_PUBLIC_URL, `${req.protocol}://${req.host}`), createdBy: callerOf(res).name });
    if (!outcome.ok) throw new ValidationError(outcome.problems);
    deps.log.info({ tenant: tenant.id, role: body.role ?? 'admin', by: callerOf(res).name }, 'portal link issued');
    res.status(201).set('cache-control', 'no-store').json({ url: outcome.url, expiresAt: outcome.expiresAt });
  });
  return router;
}
