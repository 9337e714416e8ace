// Every /subscriptions route of the web interface, one router: the list and create, a subscription's own page, its
// edit form, enable / disable / delete (with the confirmation pages saying what they cancel), the test message and
// the credential's rotation. Thin: each route calls one app function and turns its outcome into a page or a 303.
// A secret or Authorization value is shown once, on the page that answers its create or rotation.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { createSubscriptionChecked, deleteSubscriptionChecked, sendTestMessage, setSubscriptionEnabled, checkSubscriptionUpdate, updateSubscriptionChecked } from '../../../app/subscriptions/manage';
import { activateCredential, rotateAuthorizationChecked, rotateSecretChecked, rotationPhrase, type RotateOutcome } from '../../../app/subscriptions/rotation';
import { getSubscription, subscriptionDetail, subscriptionsOverview, subscriptionWithOpen } from '../../../app/subscriptions/views';
import type { OpenDeliveries } from '../../../app/readModels/deliveryImpact';
import { subscriptionOwners } from '../../../app/portal/uiScope';
import type { FieldError } from '../../../domain/events/schema';
import type { PublicSubscription } from '../../../domain/subscriptions/publicSubscription';
import { inScope, inScopeOfSubscription, redirectWithFlash, requestScopeOf, sendError, sendPage, sessionOf, type UiDeps } from '../respond';
import { Revealed } from './CredentialCard';
import { createBody, patchFrom, postedValues, propertiesOf, storedValues, text, type EditValues, type PostedForm } from './formValues';
import { parseHealthSort } from './HealthTable';
import { StopPage, SubscriptionEditPage } from './SubscriptionEditPage';
import { SubscriptionPage } from './SubscriptionPage';
import { SubscriptionsPage } from './SubscriptionsPage';

interface Chains {
  page: RequestHandler[];
  action: RequestHandler[];
}

const pathOf = (id: string) => `/subscriptions/${encodeURIComponent(id)}`;
const idOf = (req: Request) => req.params.id as string;
const who = (res: Response) => sessionOf(res)!;
/** The deps of a route on one subscription: the request's tenant scope (global view: the subscription's tenant). */
const owned = <T extends UiDeps>(deps: T, req: Request, res: Response) => inScopeOfSubscription(deps, res, idOf(req));
const notFound = (req: Request, res: Response) => sendError(req, res, 404, 'Not found', 'There is no such subscription.');

/** GET /subscriptions (the list, health, the create form) and POST /subscriptions (create; the secret shown once). */
function listRoutes(deps: UiDeps, chains: Chains, router: Router): void {
  const list = async (req: Request, res: Response, form?: PostedForm, errors: FieldError[] = [], status = 200) => {
    const { subscriptions, health } = await subscriptionsOverview(inScope(deps, res));
    const owners = await subscriptionOwners(deps, requestScopeOf(res)!.scope);
    const page = <SubscriptionsPage subscriptions={subscriptions} health={health} sort={parseHealthSort(req.query)} csrf={who(res).csrf} form={form} errors={errors} owners={owners} />;
    sendPage(req, res, { title: 'Subscriptions', active: 'subscriptions' }, page, status);
  };
  router.get('/subscriptions', ...chains.page, (req, res) => list(req, res));
  router.post('/subscriptions', ...chains.action, async (req, res) => {
    const form = req.body as PostedForm;
    const unreadable = propertiesOf(text(form, 'properties')).errors;
    if (unreadable.length) return list(req, res, form, unreadable, 400);
    const outcome = await createSubscriptionChecked({ ...inScope(deps, res), allow: deps.config.egressAllow }, createBody(form));
    if (!outcome.ok) return list(req, res, form, outcome.errors, 400);
    const { created } = outcome;
    deps.log.info({ subscriptionId: created.subscription.id, by: who(res).name }, 'subscription created from the web interface');
    const title = 'Subscription created';
    sendPage(req, res, { title, active: 'subscriptions', flash: { kind: 'ok', text: title } }, <Revealed r={created} back={{ href: '/subscriptions', label: 'Back to subscriptions' }} />);
  });
}

/** What a refused test message says. */
function testRefusal(outcome: Awaited<ReturnType<typeof sendTestMessage>>): string {
  if (outcome.ok) return '';
  if (outcome.reason === 'disabled') return 'Enable the subscription to send a test message.';
  if (outcome.reason === 'broken') return `Fix the subscription before testing it: ${outcome.error}`;
  return 'This subscription takes no test message with its current settings.';
}

/** Enable, disable and delete (disabling or deleting cancels its open deliveries), and the test message. */
function actionRoutes(deps: UiDeps, chains: Chains, router: Router): void {
  for (const toggle of ['enable', 'disable'] as const) router.post(`/subscriptions/:id/${toggle}`, ...chains.action, async (req, res) => {
    const enabled = toggle === 'enable';
    const outcome = await setSubscriptionEnabled(await owned(deps, req, res), idOf(req), enabled, who(res).name);
    if (!outcome.ok) return notFound(req, res);
    redirectWithFlash(req, res, '/subscriptions', { kind: 'ok', text: `"${outcome.subscription.name}" ${enabled ? 'enabled' : 'disabled'}` });
  });
  router.post('/subscriptions/:id/test', ...chains.action, async (req, res) => {
    const outcome = await sendTestMessage(await owned(deps, req, res), idOf(req));
    if (outcome.ok) return redirectWithFlash(req, res, `/deliveries/${encodeURIComponent(outcome.deliveryId)}`, { kind: 'ok', text: 'Test message sent' });
    if (outcome.reason === 'not_found') return notFound(req, res);
    redirectWithFlash(req, res, '/subscriptions', { kind: 'error', text: testRefusal(outcome) });
  });
  router.post('/subscriptions/:id/delete', ...chains.action, async (req, res) => {
    const outcome = await deleteSubscriptionChecked(await owned(deps, req, res), idOf(req), who(res).name);
    if (!outcome.ok) return notFound(req, res);
    deps.log.info({ subscriptionId: outcome.subscription.id, by: who(res).name }, 'subscription deleted from the web interface');
    redirectWithFlash(req, res, '/subscriptions', { kind: 'ok', text: `"${outcome.subscription.name}" deleted` });
  });
}

/** A subscription's own page, its edit form, and the confirmation pages of disable and delete. */
function pageRoutes(deps: UiDeps, chains: Chains, router: Router): void {
  type Found = { subscription: PublicSubscription; open: OpenDeliveries };
  const edit = (req: Request, res: Response, { subscription: s, open }: Found, values: EditValues, errors: FieldError[] = [], status = 200) => {
    const page = <SubscriptionEditPage s={s} open={open} values={values} errors={errors} csrf={who(res).csrf} />;
    sendPage(req, res, { title: `Edit ${s.name}`, active: 'subscriptions' }, page, status);
  };
  const load = async (req: Request, res: Response): Promise<Found | null> => {
    const found = await subscriptionWithOpen(await owned(deps, req, res), idOf(req));
    if (!found) notFound(req, res);
    return found;
  };
  router.get('/subscriptions/:id/edit', ...chains.page, async (req, res) => {
    if (who(res).role === 'viewer') return res.redirect(303, pathOf(idOf(req)));
    const found = await load(req, res);
    if (found) edit(req, res, found, storedValues(found.subscription));
  });
  router.post('/subscriptions/:id/edit', ...chains.action, async (req, res) => {
    const found = await load(req, res);
    if (!found) return;
    const s = found.subscription;
    const values = postedValues(req.body as PostedForm);
    const shaped = patchFrom(values, s);
    const allow = deps.config.egressAllow;
    if (shaped.errors.length) {
      const { headers: _unreadable, ...others } = shaped.patch;
      return edit(req, res, found, values, [...checkSubscriptionUpdate(allow, s.format, others), ...shaped.errors], 400);
    }
    const outcome = await updateSubscriptionChecked({ ...(await owned(deps, req, res)), allow }, s.id, shaped.patch, who(res).name);
    if (!outcome.ok && outcome.reason === 'not_found') return notFound(req, res);
    if (!outcome.ok) return edit(req, res, found, values, outcome.errors, 400);
    deps.log.info({ subscriptionId: s.id, by: who(res).name }, 'subscription edited from the web interface');
    redirectWithFlash(req, res, `${pathOf(s.id)}/edit`, { kind: 'ok', text: `Changes to "${outcome.updated.name}" saved` });
  });
  for (const kind of ['disable', 'delete'] as const) router.get(`/subscriptions/:id/${kind}`, ...chains.page, async (req, res) => {
    if (who(res).role === 'viewer') return res.redirect(303, pathOf(idOf(req)));
    const found = await load(req, res);
    if (!found) return;
    const { subscription: s, open } = found;
    sendPage(req, res, { title: `${kind === 'delete' ? 'Delete' : 'Disable'} ${s.name}`, active: 'subscriptions' }, <StopPage s={s} open={open} kind={kind} csrf={who(res).csrf} />);
  });
  router.get('/subscriptions/:id', ...chains.page, async (req, res) => {
    const detail = await subscriptionDetail(await owned(deps, req, res), idOf(req));
    if (!detail) return notFound(req, res);
    sendPage(req, res, { title: detail.subscription.name, active: 'subscriptions' }, <SubscriptionPage s={detail.subscription} health={detail.health} charts={detail.charts} />);
  });
}

/** "2026-12-05T10:30" from a datetime-local field, read as UTC; empty: none. */
function activateAtOf(form: PostedForm): string | undefined {
  const raw = typeof form.activateAt === 'string' ? form.activateAt.trim() : '';
  if (!raw) return undefined;
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(raw) ? `${raw.length === 16 ? `${raw}:00` : raw}Z` : raw;
}

/** What a refused rotation says (a missing subscription is a 404 instead). */
function rotationRefusal(outcome: Exclude<RotateOutcome, { ok: true }>): string {
  if (outcome.reason === 'wrong_credential') return `${outcome.format} subscriptions have no ${outcome.kind === 'authorization' ? 'signing secret' : 'Authorization value'} to rotate.`;
  if (outcome.reason === 'unreadable_format') return `The subscription's format is unreadable: ${outcome.error}`;
  if (outcome.reason === 'not_found') return 'There is no such subscription.';
  return `Nothing was rotated: ${outcome.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`;
}

/** Rotate the secret or the Authorization value (the new one shown once), activate a pending one. */
function credentialRoutes(deps: UiDeps, chains: Chains, router: Router): void {
  const rotationDeps = async (req: Request, res: Response) => owned({ ...deps, graceMs: deps.config.HRHOOKS_ROTATION_GRACE }, req, res);
  const done = (req: Request, res: Response, title: string, outcome: RotateOutcome) => {
    const id = idOf(req);
    if (!outcome.ok && outcome.reason === 'not_found') return notFound(req, res);
    if (!outcome.ok) return redirectWithFlash(req, res, `${pathOf(id)}/edit`, { kind: 'error', text: rotationRefusal(outcome) });
    deps.log.info({ subscriptionId: id, by: who(res).name, pending: outcome.rotated.subscription.pendingCredential !== null }, 'credential rotated from the web interface');
    const back = { href: `${pathOf(outcome.rotated.subscription.id)}/edit`, label: 'Back to the subscription' };
    sendPage(req, res, { title, active: 'subscriptions', flash: { kind: 'ok', text: title } }, <Revealed r={outcome.rotated} outcome={rotationPhrase(outcome.rotated)} back={back} />);
  };
  router.post('/subscriptions/:id/rotate-secret', ...chains.action, async (req, res) => {
    const activateAt = activateAtOf(req.body as PostedForm);
    done(req, res, 'Secret rotated', await rotateSecretChecked(await rotationDeps(req, res), idOf(req), activateAt ? { activateAt } : {}));
  });
  router.post('/subscriptions/:id/authorization', ...chains.action, async (req, res) => {
    const form = req.body as PostedForm;
    const authorization = typeof form.authorization === 'string' ? form.authorization.trim() : '';
    const activateAt = activateAtOf(form);
    const existing = await getSubscription(await owned(deps, req, res), idOf(req));
    if (!existing) return notFound(req, res);
    if (!authorization) return redirectWithFlash(req, res, `${pathOf(existing.id)}/edit`, { kind: 'error', text: 'Type the new Authorization value.' });
    done(req, res, 'Authorization rotated', await rotateAuthorizationChecked(await rotationDeps(req, res), existing.id, { authorization, ...(activateAt ? { activateAt } : {}) }));
  });
  router.post('/subscriptions/:id/activate-credential', ...chains.action, async (req, res) => {
    const outcome = await activateCredential(await owned(deps, req, res), idOf(req));
    if (!outcome.ok && outcome.reason === 'not_found') return notFound(req, res);
    const text = outcome.ok ? 'The new credential is sent from now on; the previous one no longer.' : 'Nothing is pending: there is nothing to activate.';
    redirectWithFlash(req, res, `${pathOf(idOf(req))}/edit`, { kind: outcome.ok ? 'ok' : 'error', text });
  });
}

export function subscriptionRoutes(deps: UiDeps, chains: Chains): Router {
  const router = Router();
  listRoutes(deps, chains, router);
  actionRoutes(deps, chains, router);
  credentialRoutes(deps, chains, router);
  pageRoutes(deps, chains, router);
  return router;
}
