// POST /v1/events: the producer's door. Thin: ingest() does the work; outcomes map to HTTP here.
import { Router } from 'express';
import { TEST_EVENT_TYPE } from '../../../domain/events/eventTypes';
import { reservedTypeErrors } from '../../../domain/events/schema';
import { ingest } from '../../../app/ingest/ingest';
import { requireScope } from '../auth';
import type { RouteDeps } from '../deps';
import { scoped } from '../tenantContext';
import { ConflictError, ProblemError, ValidationError } from '../errors';

export function eventsRouter(deps: RouteDeps): Router {
  const router = Router();
  router.post('/v1/events', requireScope('producer'), async (req, res) => {
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
