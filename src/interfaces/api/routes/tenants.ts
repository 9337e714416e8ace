// /v1/tenants (platform keys only): create, list, show, update, disable/enable and delete the platform's
// tenants, a thin door onto src/app/tenants. Also the one rule of a disabled tenant at the door: POST
// /v1/events (and /v1/tenants/:id/events) answers 403 while the tenant is disabled; its open deliveries go on.
// A tenant's own resources under /v1/tenants/:id/… are rewritten to /v1/… by ../tenantContext.ts.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { createTenant, disableTenant, enableTenant, getTenant, tenantsPage, updateTenantFields, type Tenant } from '../../../app/tenants/manage';
import { deleteTenant } from '../../../app/tenants/deleteTenant';
import { callerOf, requireScope } from '../auth';
import type { RouteDeps } from '../deps';
import { tenantOfRequest } from '../tenantContext';
import { ConflictError, ForbiddenError, NotFoundError, UnavailableError, ValidationError } from '../errors';

/** POST /v1/events in a disabled tenant: refused before anything is stored. */
const refuseDisabledTenant: RequestHandler = (_req, res, next) => {
  const tenant = tenantOfRequest(res);
  if (tenant?.disabledAt) return next(new ForbiddenError(`tenant ${tenant.id} is disabled: no new events are accepted (its open deliveries go on); enable it with POST /v1/tenants/${tenant.id}/enable`));
  next();
};

const platformOnly = requireScope('platform');

type Named = Request<{ id: string }>;

function found(res: Response, id: string, tenant: Tenant | null): void {
  if (!tenant) throw new NotFoundError(`no tenant ${id}`);
  res.json(tenant);
}

export function tenantsRouter(deps: RouteDeps): Router {
  const router = Router();
  router.post('/v1/events', refuseDisabledTenant);

  router.post('/v1/tenants', platformOnly, async (req, res) => {
    const outcome = await createTenant(deps, req.body ?? {});
    if (!outcome.ok && outcome.reason === 'invalid') throw new ValidationError(outcome.errors);
    if (!outcome.ok) throw new ConflictError(`tenant ${outcome.id} exists already (tenant ids are never reused)`);
    res.status(201).location(`/v1/tenants/${outcome.tenant.id}`).json(outcome.tenant);
  });

  router.get('/v1/tenants', platformOnly, async (req, res) => {
    const page = await tenantsPage(deps, { cursor: req.query.cursor as string | undefined, limit: req.query.limit as string | undefined });
    if (!page.ok) throw new ValidationError(page.errors);
    res.json({ items: page.items, nextCursor: page.nextCursor });
  });

  router.get('/v1/tenants/:id', platformOnly, async (req: Named, res) => found(res, req.params.id, await getTenant(deps, req.params.id)));

  router.patch('/v1/tenants/:id', platformOnly, async (req: Named, res) => {
    const outcome = await updateTenantFields(deps, req.params.id, req.body ?? {});
    if (!outcome.ok) throw outcome.reason === 'invalid' ? new ValidationError(outcome.errors) : new NotFoundError(`no tenant ${req.params.id}`);
    res.json(outcome.tenant);
  });

  router.post('/v1/tenants/:id/disable', platformOnly, async (req: Named, res) => found(res, req.params.id, await disableTenant(deps, req.params.id, callerOf(res).name)));
  router.post('/v1/tenants/:id/enable', platformOnly, async (req: Named, res) => found(res, req.params.id, await enableTenant(deps, req.params.id, callerOf(res).name)));

  router.delete('/v1/tenants/:id', platformOnly, async (req: Named, res) => {
    const outcome = await deleteTenant(deps, req.params.id, callerOf(res).name);
    if (outcome.ok) {
      res.json({ id: outcome.tenant.id, deletedAt: outcome.tenant.updatedAt, keysRevoked: outcome.keysRevoked, sessionsEnded: outcome.sessionsEnded });
      return;
    }
    if (outcome.reason === 'default') throw new ConflictError('the default tenant cannot be deleted');
    if (outcome.reason === 'not_found') throw new NotFoundError(`no tenant ${req.params.id}`);
    if (outcome.reason !== 'open_deliveries') throw new Error('unexpected outcome');
    throw new UnavailableError(`${outcome.open} open deliveries could not be cancelled yet (is Temporal reachable?); the tenant is disabled, not deleted: send DELETE again`);
  });
  return router;
}
