// Which tenant a request acts in, and the deps that act there. `/v1/tenants/:id/<resource>…` names a tenant:
// it is the same route as `/v1/<resource>…`, in that tenant. A route that names none acts in the key's tenant
// (a platform key's: `default`, so a one-business installation never learns about tenants). A tenant's key
// naming another tenant, or any key naming an unknown or deleted tenant, gets 404: no existence oracle.
import type { RequestHandler, Response } from 'express';
import type { Pool } from 'pg';
import { DEFAULT_TENANT, isTenantId } from '../../domain/tenants/tenantId';
import type { ApiKey } from '../../infra/db/apiKeys';
import { activeTenant, inTenant, type Tenant } from '../../app/tenants/scope';
import { NotFoundError } from './errors';

/** The resources a tenant owns, reachable under /v1/tenants/:id/ as under /v1/. */
const TENANT_RESOURCES = ['subscriptions', 'deliveries', 'dashboard', 'events', 'keys', 'portal-sessions', 'audit', 'erasures', 'employees'];
const NAMED = new RegExp(`^/v1/tenants/([^/?]+)/(${TENANT_RESOURCES.join('|')})(?=[/?]|$)`);

/** Rewrites `/v1/tenants/:id/<resource>…` to `/v1/<resource>…` and remembers the tenant named. */
export const tenantPaths: RequestHandler = (req, res, next) => {
  const match = NAMED.exec(req.url);
  if (!match) return next();
  let named: string;
  try {
    named = decodeURIComponent(match[1]!);
  } catch {
    return next(new NotFoundError('no such tenant'));
  }
  if (!isTenantId(named)) return next(new NotFoundError('no such tenant'));
  res.locals.namedTenant = named;
  req.url = `/v1/${match[2]}${req.url.slice(match[0].length)}`;
  next();
};

/** After authentication: the tenant the request acts in, in res.locals.tenant (404 when it may not be named). */
export function resolveTenant(pool: Pool): RequestHandler {
  return async (_req, res, next) => {
    const key = res.locals.apiKey as ApiKey;
    const named = res.locals.namedTenant as string | undefined;
    if (named !== undefined && key.scope !== 'platform' && named !== key.tenantId) return next(new NotFoundError(`no tenant ${named}`));
    const id = named ?? key.tenantId ?? DEFAULT_TENANT;
    const tenant = await activeTenant(pool, id);
    if (!tenant) return next(new NotFoundError(`no tenant ${id}`));
    res.locals.tenant = tenant;
    next();
  };
}

export function tenantOfRequest(res: Response): Tenant {
  return res.locals.tenant as Tenant;
}

/**
 * The deps a route runs its use cases with: the pool sees the request's tenant's rows only (row-level
 * security, ../../infra/db/tenantScope.ts), and `tenantId` names it.
 */
export function scoped<T extends { pool: Pool }>(deps: T, res: Response): T & { tenantId: string } {
  return inTenant(deps, tenantOfRequest(res).id);
}
