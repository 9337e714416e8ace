// Unauthenticated operational routes: liveness, readiness (Postgres and Temporal), metrics, OpenAPI.
import { Router } from 'express';
import { registry } from '../../../infra/observability/metrics';
import type { RouteDeps } from '../deps';
import { openApiDocument } from '../openapi';

const CHECK_DEADLINE_MS = 3_000;

async function check(work: () => Promise<unknown>): Promise<string> {
  try {
    await Promise.race([
      work(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), CHECK_DEADLINE_MS).unref()),
    ]);
    return 'ok';
  } catch (err) {
    return `down: ${(err as Error).message.split('\n')[0]}`;
  }
}

export function healthRouter(deps: RouteDeps): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const [postgres, temporal] = await Promise.all([
      check(() => deps.pool.query('SELECT 1')),
      check(() =>
        deps.temporal.withDeadline(Date.now() + CHECK_DEADLINE_MS, () => deps.temporal.workflowService.getSystemInfo({})),
      ),
    ]);
    const ready = postgres === 'ok' && temporal === 'ok';
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks: { postgres, temporal } });
  });
  router.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  const document = openApiDocument();
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  return router;
}
