// /v1/keys (admin): a tenant's API keys, in the request's tenant (/v1/tenants/:id/keys names it; a platform
// key on /v1/keys acts in `default`): create one (the key in that answer only), list, revoke. A tenant admin key
// manages its own tenant's keys, never platform keys. /v1/platform-keys (platform keys only): the platform's
// own keys, which belong to no tenant. A thin door onto src/app: answers carry id, name, scope, tenant,
// prefix, fingerprint and dates, never a key or its hash (except the new key, once, with cache-control: no-store).
import { Router, type Request, type Response } from 'express';
import { listKeys, revokeKey } from '../../../app/keys/apiKeys';
import { createPlatformKey, createTenantKey, listPlatformKeys, revokePlatformKey } from '../../../app/tenants/keys';
import { callerOf, requireScope } from '../auth';
import type { RouteDeps } from '../deps';
import { scoped } from '../tenantContext';
import { NotFoundError, ValidationError } from '../errors';

function tenantKeyRoutes(deps: RouteDeps, router: Router): void {
  router.use('/v1/keys', requireScope('admin'));

  router.post('/v1/keys', async (req, res) => {
    const outcome = await createTenantKey(scoped(deps, res), req.body, callerOf(res).name);
    if (!outcome.ok) throw new ValidationError(outcome.errors);
    res.status(201).set('cache-control', 'no-store').json(outcome.key);
  });

  router.get('/v1/keys', async (_req, res) => {
    res.set('cache-control', 'no-store').json({ items: await listKeys(scoped(deps, res).pool) });
  });

  const revoke = async (req: Request<{ id: string }>, res: Response) => {
    const outcome = await revokeKey(scoped(deps, res), req.params.id, callerOf(res).name);
    if (!outcome) throw new NotFoundError(`no API key ${req.params.id}`);
    res.set('cache-control', 'no-store').json(outcome.key);
  };
  router.post('/v1/keys/:id/revoke', revoke);
  // the spec's form (SPEC.md §9): the same revocation
  router.delete('/v1/keys/:id', revoke);
}

function platformKeyRoutes(deps: RouteDeps, router: Router): void {
  router.use('/v1/platform-keys', requireScope('platform'));

  router.post('/v1/platform-keys', async (req, res) => {
    const outcome = await createPlatformKey(deps, req.body, callerOf(res).name);
    if (!outcome.ok) throw new ValidationError(outcome.errors);
    res.status(201).set('cache-control', 'no-store').json(outcome.key);
  });

  router.get('/v1/platform-keys', async (_req, res) => {
    res.set('cache-control', 'no-store').json({ items: await listPlatformKeys(deps.pool) });
  });

  router.post('/v1/platform-keys/:id/revoke', async (req, res) => {
    const outcome = await revokePlatformKey(deps, req.params.id, callerOf(res).name);
    if (!outcome) throw new NotFoundError(`no platform API key ${req.params.id}`);
    res.set('cache-control', 'no-store').json(outcome.key);
  });
}

export function keysRouter(deps: RouteDeps): Router {
  const router = Router();
  tenantKeyRoutes(deps, router);
  platformKeyRoutes(deps, router);
  return router;
}
