// /v1/deliveries: search, detail (message sent, attempts, live state), resync, mark processed, bulk resync.
// Operator actions are Temporal signals; Postgres only answers "does it exist, is it closed".
import { Router } from 'express';
import { resyncFailed } from '../../../app/deliveries/bulkResync';
import { deliveriesList } from '../../../app/deliveries/deliveriesList';
import { deliveryDetail, type DeliveryDetail } from '../../../app/deliveries/deliveryDetail';
import { markDeliveryProcessed, resyncDelivery, type ActionOutcome } from '../../../app/deliveries/operatorActions';
import { callerOf, requireScope } from '../auth';
import type { RouteDeps } from '../deps';
import { scoped } from '../tenantContext';
import { ConflictError, NotFoundError } from '../errors';
import { bulkResyncSchema, deliveriesQuerySchema, markProcessedSchema, parseInput, resyncSchema } from '../schemas';

/** The API's view of one delivery: its row, the event, the attempts, the live state flattened, its workflow. */
function detailJson(found: DeliveryDetail) {
  const { delivery, event, attempts, live, workflowId, temporalUrl } = found;
  return {
    ...delivery,
    event,
    attempts,
    live: live ? { workflowStatus: live.workflowStatus, ...(live.state ?? {}) } : null,
    workflowId,
    temporalUrl,
  };
}

export function deliveriesRouter(deps: RouteDeps): Router {
  const router = Router();
  router.use('/v1/deliveries', requireScope('admin'));

  /** What was requested, or the refusal as the API's problem. */
  const accepted = (id: string, outcome: ActionOutcome): string => {
    if (outcome.ok) return outcome.requested;
    if (outcome.reason === 'not_found') throw new NotFoundError(`no delivery ${id}`);
    if (outcome.reason === 'closed') throw new ConflictError(`delivery ${id} is closed (${outcome.status})`);
    if (outcome.reason === 'waiting') {
      throw new ConflictError(`delivery ${id} is waiting for ${outcome.ahead} (same resource, earlier event): resync or mark that one processed first`);
    }
    throw new ConflictError(`delivery ${id} has no open workflow`);
  };

  router.get('/v1/deliveries', async (req, res) => {
    const filter = parseInput(deliveriesQuerySchema, { ...req.query });
    res.json(await deliveriesList(scoped(deps, res), filter));
  });

  router.post('/v1/deliveries/resync', async (req, res) => {
    const input = parseInput(bulkResyncSchema, req.body);
    const result = await resyncFailed(deps.temporal, scoped(deps, res).pool, input, callerOf(res).name, input.note);
    res.status(202).json(result);
  });

  router.get('/v1/deliveries/:id', async (req, res) => {
    const found = await deliveryDetail({ ...scoped(deps, res), namespace: deps.temporal.options.namespace }, req.params.id);
    if (!found) throw new NotFoundError(`no delivery ${req.params.id}`);
    res.json(detailJson(found));
  });

  router.post('/v1/deliveries/:id/resync', async (req, res) => {
    const input = parseInput(resyncSchema, req.body);
    const outcome = await resyncDelivery(scoped(deps, res), req.params.id, callerOf(res).name, input.note ?? null);
    res.status(202).json({ id: req.params.id, requested: accepted(req.params.id, outcome) });
  });

  router.post('/v1/deliveries/:id/mark-processed', async (req, res) => {
    const input = parseInput(markProcessedSchema, req.body);
    const outcome = await markDeliveryProcessed(scoped(deps, res), req.params.id, callerOf(res).name, input.note);
    res.status(202).json({ id: req.params.id, requested: accepted(req.params.id, outcome) });
  });
  return router;
}
