// /v1/subscriptions: CRUD, test message, credential rotation and activation. Secrets appear only in create/rotate answers.
// A subscription that cannot be read fully is still listed, shown, patched, disabled, deleted and rotated (with `error`).
import { Router, type Response } from 'express';
import type { RevealedSubscription } from '../../../infra/db/subscriptions';
import {
  createSubscriptionChecked,
  deleteSubscriptionChecked,
  sendTestMessage,
  updateSubscriptionChecked,
} from '../../../app/subscriptions/manage';
import { resumeNow } from '../../../app/subscriptions/resume';
import { getSubscription, listSubscriptions } from '../../../app/subscriptions/views';
import {
  activateCredential,
  rotateAuthorizationChecked,
  rotateSecretChecked,
  type RotateOutcome,
} from '../../../app/subscriptions/rotation';
import { callerOf, requireScope } from '../auth';
import type { RouteDeps } from '../deps';
import { scoped } from '../tenantContext';
import { ConflictError, NotFoundError, ProblemError, ValidationError } from '../errors';

function revealed(res: Response, status: number, r: RevealedSubscription): void {
  res.status(status).set('cache-control', 'no-store').json({
    ...r.subscription,
    ...(r.secret ? { secret: r.secret } : {}),
    ...(r.authorization ? { authorization: r.authorization } : {}),
  });
}

/** Create, list, read, patch and delete. */
function crudRoutes(deps: RouteDeps, router: Router): void {
  router.post('/v1/subscriptions', async (req, res) => {
    const outcome = await createSubscriptionChecked(scoped(deps, res), req.body);
    if (!outcome.ok && outcome.limit !== undefined) throw new ProblemError(409, 'Conflict', outcome.errors[0]!.message, outcome.errors);
    if (!outcome.ok) throw new ValidationError(outcome.errors);
    revealed(res, 201, outcome.created);
  });

  router.get('/v1/subscriptions', async (_req, res) => {
    res.json({ items: await listSubscriptions(scoped(deps, res)) });
  });

  router.get('/v1/subscriptions/:id', async (req, res) => {
    const sub = await getSubscription(scoped(deps, res), req.params.id);
    if (!sub) throw new NotFoundError(`no subscription ${req.params.id}`);
    res.json(sub);
  });

  router.patch('/v1/subscriptions/:id', async (req, res) => {
    const outcome = await updateSubscriptionChecked(scoped(deps, res), req.params.id, req.body, callerOf(res).name);
    if (!outcome.ok) throw outcome.reason === 'invalid' ? new ValidationError(outcome.errors) : new NotFoundError(`no subscription ${req.params.id}`);
    res.json(outcome.updated);
  });

  router.delete('/v1/subscriptions/:id', async (req, res) => {
    const outcome = await deleteSubscriptionChecked(scoped(deps, res), req.params.id, callerOf(res).name);
    if (!outcome.ok) throw new NotFoundError(`no subscription ${req.params.id}`);
    res.status(204).end();
  });
}

/** The test message and "resume now" after the circuit breaker's pause. */
function actionRoutes(deps: RouteDeps, router: Router): void {
  router.post('/v1/subscriptions/:id/test', async (req, res) => {
    const outcome = await sendTestMessage(scoped(deps, res), req.params.id);
    if (!outcome.ok) {
      if (outcome.reason === 'not_found') throw new NotFoundError(`no subscription ${req.params.id}`);
      if (outcome.reason === 'disabled') throw new ConflictError('the subscription is disabled; enable it to send a test message');
      if (outcome.reason === 'broken') throw new ConflictError(`fix the subscription before testing it: ${outcome.error}`);
      throw new ConflictError('this subscription takes no test message for its current settings');
    }
    res.status(202).json({ eventId: outcome.eventId, deliveryId: outcome.deliveryId, status: outcome.status });
  });

  router.post('/v1/subscriptions/:id/resume', async (req, res) => {
    const outcome = await resumeNow({ pool: scoped(deps, res).pool, temporal: deps.temporal, log: deps.log }, req.params.id, callerOf(res).name);
    if (!outcome.ok) throw new NotFoundError(`no subscription ${req.params.id}`);
    res.status(202).json({ resumed: outcome.wasPaused });
  });
}

/** Rotate the secret or the Authorization value (the new one answered once), activate a pending one. */
function credentialRoutes(deps: RouteDeps, router: Router): void {
  const rotationDeps = { ...deps, graceMs: deps.config.HRHOOKS_ROTATION_GRACE };
  router.post('/v1/subscriptions/:id/rotate-secret', async (req, res) => {
    revealed(res, 200, rotatedOrThrow(await rotateSecretChecked(scoped(rotationDeps, res), req.params.id, req.body), req.params.id));
  });

  router.post('/v1/subscriptions/:id/rotate-authorization', async (req, res) => {
    revealed(res, 200, rotatedOrThrow(await rotateAuthorizationChecked(scoped(rotationDeps, res), req.params.id, req.body), req.params.id));
  });

  router.post('/v1/subscriptions/:id/activate-credential', async (req, res) => {
    const outcome = await activateCredential(scoped(deps, res), req.params.id);
    if (!outcome.ok && outcome.reason === 'not_found') throw new NotFoundError(`no subscription ${req.params.id}`);
    if (!outcome.ok) throw new ConflictError('this subscription has no pending secret or Authorization value to activate');
    res.json(outcome.subscription);
  });
}

export function subscriptionsRouter(deps: RouteDeps): Router {
  const router = Router();
  router.use('/v1/subscriptions', requireScope('admin'));
  crudRoutes(deps, router);
  actionRoutes(deps, router);
  credentialRoutes(deps, router);
  return router;
}

/** A rotation's answer, or the problem it maps to. */
function rotatedOrThrow(outcome: RotateOutcome, id: string): RevealedSubscription {
  if (outcome.ok) return outcome.rotated;
  if (outcome.reason === 'not_found') throw new NotFoundError(`no subscription ${id}`);
  if (outcome.reason === 'unreadable_format') throw new ConflictError(`cannot rotate a credential of a subscription whose format is unreadable: ${outcome.error}`);
  if (outcome.reason === 'wrong_credential') {
    const instead = outcome.kind === 'authorization' ? 'rotate-authorization' : 'rotate-secret';
    throw new ValidationError([{ field: 'format', message: `${outcome.format} subscriptions have no ${outcome.kind === 'authorization' ? 'signing secret' : 'Authorization value'}; use ${instead} instead` }]);
  }
  throw new ValidationError(outcome.errors);
}
