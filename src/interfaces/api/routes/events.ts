// POST /v1/events: the producer's door. Thin: ingest() does the work; outcomes map to HTTP here.
import { Router, type Response } from 'express';
import { TEST_EVENT_TYPE } from '../../../domain/events/eventTypes';
import { reservedTypeErrors } from '../../../domain/events/schema';
import { ingest } from '../../../app/ingest/ingest';
import { admitEvent } from '../../../app/tenants/limits';
import { requireScope } from '../auth';
import type { RouteDeps } from '../deps';
import { scoped, tenantOfRequest } from '../tenantContext';
import { ConflictError, ProblemError, ValidationError } from '../errors';

/** limits.eventsPerSecond of the request's tenant, shared by every gateway: past it, 429 with Retry-After and nothing stored. */
async function admitted(deps: RouteDeps, res: Response): Promise<void> {
  const tenant = tenantOfRequest(res);
  const admission = await admitEvent(deps.pool, tenant);
  if (admission.admitted) return;
  const { eventsPerSecond, retryAfterSeconds } = admission;
  const detail = `tenant ${tenant.id} may post ${eventsPerSecond} events a second (limits.eventsPerSecond); nothing was stored, retry in ${retryAfterSeconds} s`;
  throw new ProblemError(429, 'Too Many Requests', detail, undefined, { 'retry-after': String(retryAfterSeconds) });
}

export function eventsRouter(deps: RouteDeps): Router {
  const router = Router();
  router.post('/v1/events', requireScope('producer'), async (req, res) => {
    await admitted(deps, res);
    const reserved = reservedTypeErrors(req.body);
    if (reserved.length > 0) {
      throw new ProblemError(422, 'Unprocessable Content', `${TEST_EVENT_TYPE} is sent by hrhooks only; nothing was stored`, reserved);
    }
    const outcome = await ingest(scoped(deps, res), req.body);
    if (outcome.kind === 'invalid') throw new ValidationError(outcome.errors, 'the event is invalid; nothing was stored');
    if (outcome.kind === 'conflict') {
      throw new ConflictError(`event ${outcome.eventId} was already accepted with a different body`);
    }
    const { eventId, deliveries, replayed } = outcome.accepted;
    res.status(202).set('idempotent-replayed', String(replayed)).json({ eventId, deliveries });
  });
  return router;
}
