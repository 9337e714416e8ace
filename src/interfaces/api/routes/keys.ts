// /v1/keys (admin): list API keys and revoke one. A thin door onto src/app/keys/apiKeys.ts: answers carry id, name,
// scope, prefix, fingerprint and dates, never a key or its hash. Creating keys stays with `hrhooks keys create`.
import { Router } from 'express';
import { listKeys, revokeKey } from '../../../app/keys/apiKeys';
import { callerOf, requireScope } from '../auth';
import type { RouteDeps } from '../deps';
import { scoped } from '../tenantContext';
import { NotFoundError } from '../errors';

export function keysRouter(deps: RouteDeps): Router {
  const router = Router();
  router.use('/v1/keys', requireScope('admin'));

  router.get('/v1/keys', async (_req, res) => {
    res.set('cache-control', 'no-store').json({ items: await listKeys(scoped(deps, res).pool) });
  });

  router.post('/v1/keys/:id/revoke', async (req, res) => {
    const outcome = await revokeKey(scoped(deps, res), req.params.id, callerOf(res).name);
    if (!outcome) throw new NotFoundError(`no API key ${req.params.id}`);
    res.set('cache-control', 'no-store').json(outcome.key);
  });
  return router;
}
