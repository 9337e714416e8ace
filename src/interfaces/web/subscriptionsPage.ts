// Subscriptions: list, create (the secret / authorization shown ONCE on the result page), enable/disable,
// send a test message through the normal delivery path, rotate the signing secret (credentialCard.ts: new one shown once,
// pending or overlapping as the format allows), delete. A subscription that cannot be read fully is listed flagged, its actions kept.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import {
  listSubscriptions,
  type PublicSubscription,
  type RevealedSubscription,
} from '../../infra/db/subscriptions';
import type { Credential } from '../../domain/formats/format';
import { getFormat } from '../../domain/formats/registry';
import {
  createSubscriptionChecked,
  deleteSubscriptionChecked,
  setSubscriptionEnabled,
  sendTestMessage,
} from '../../app/subscriptions/manage';
import { credentialSummary, rotateConfirm } from './credentialCard';
import { actionButton, csrfField, emptyState, html, problemBadge, timeTag, type SafeHtml } from './layout';
import { redirectWithFlash, sendError, sendPage, sessionOf, type UiDeps } from './respond';
import { parseSubscriptionForm, subscriptionForm, type PostedForm } from './subscriptionForm';
import { healthTable, parseHealthSort } from './healthTable';
import { subscriptionHealth } from '../../app/readModels/subscriptionHealth';

/** How the subscription's receiver authenticates (null when its format is unreadable). */
function credentialKind(s: Pick<PublicSubscription, 'format'>): Credential['kind'] | null {
  return s.format === null ? null : getFormat(s.format).credential.kind;
}

function stateBadge(s: PublicSubscription): SafeHtml {
  return s.enabled
    ? html`<span class="badge badge-enabled">enabled</span>`
    : html`<span class="badge badge-disabled">disabled</span>${s.disabledReason ? html`<div class="muted">${s.disabledReason}</div>` : ''}`;
}

function credential(s: PublicSubscription): SafeHtml {
  const kind = credentialKind(s);
  if (kind === null) return html`<span class="muted">—</span>`;
  if (kind === 'authorization') {
    if (s.error?.includes('authorization:')) return html`<span class="unreadable">Authorization unreadable</span>`;
    return html`${s.hasAuthorization ? 'Authorization set' : html`<span class="muted">no Authorization</span>`}${credentialSummary(s)}`;
  }
  if (s.secretCount === null) return html`<span class="unreadable">signing secret unreadable</span>`;
  const grace = s.secretExpiresAt ? html`<div class="muted">both sign until ${timeTag(s.secretExpiresAt)}</div>` : '';
  return html`${s.secretCount} signing secret${s.secretCount === 1 ? '' : 's'}${grace}${credentialSummary(s)}`;
}

/** Every action stays available on a broken row (except a test message, which it could not send). */
function rowActions(s: PublicSubscription, csrf: string): SafeHtml {
  const base = `/subscriptions/${encodeURIComponent(s.id)}`;
  return html`<div class="actions">
    ${s.enabled && !s.error ? actionButton({ action: `${base}/test`, label: 'Send test', csrf, confirm: `Send a test message to ${s.url}?` }) : ''}
    <a class="btn" href="${base}/edit">Edit</a>
    ${s.enabled
      ? html`<a class="btn btn-danger" href="${base}/disable" title="Shows how many open deliveries this cancels before doing it">Disable…</a>`
      : actionButton({ action: `${base}/enable`, label: 'Enable', csrf, confirm: `Enable "${s.name}"?` })}
    ${credentialKind(s) === 'secret'
      ? actionButton({
        action: `${base}/rotate-secret`, label: 'Rotate secret', csrf, kind: s.secretCount === null ? 'primary' : 'plain',
        confirm: rotateConfirm(s),
      })
      : ''}
    <a class="btn btn-danger" href="${base}/delete" title="Shows how many open deliveries this cancels before doing it">Delete…</a>
  </div>`;
}

function events(s: PublicSubscription): SafeHtml {
  if (s.events === null) return html`<span class="unreadable">unreadable</span>`;
  return html`${s.events === '*' ? 'all' : s.events.join(', ')}${s.retrySchedule ? html`<div class="muted">retries ${s.retrySchedule.join(', ')}</div>` : ''}`;
}

/** One tbody per subscription: its row, then (when it cannot be shown or used fully) the reason across the table. */
function subscriptionRows(s: PublicSubscription, csrf: string): SafeHtml {
  return html`<tbody id="sub-${s.id}"${s.error ? html` class="broken"` : ''}><tr>
      <td class="col-name" data-label="Name"><strong>${s.name}</strong><div class="muted mono">${s.id}</div><a href="/deliveries?subscription=${encodeURIComponent(s.id)}">deliveries</a></td>
      <td class="col-format" data-label="Format">${s.format ?? html`<span class="unreadable">unknown</span>`}${s.mode ? html`<div class="muted">mode ${s.mode}</div>` : ''}</td>
      <td class="col-url mono" data-label="URL"><span class="trunc" title="${s.url}">${s.url}</span></td>
      <td class="col-events" data-label="Events">${events(s)}</td>
      <td class="col-state" data-label="State">${stateBadge(s)}${s.error ? html`<div>${problemBadge(s.error)}</div>` : ''}</td>
      <td class="col-cred" data-label="Credential">${credential(s)}</td>
      <td class="col-actions" data-label="Actions">${rowActions(s, csrf)}</td>
    </tr>${s.error ? html`<tr class="row-problem"><td colspan="7" data-label="Problem"><strong>Cannot be used as it is:</strong> ${s.error}</td></tr>` : ''}</tbody>`;
}

function subscriptionList(subs: PublicSubscription[], csrf: string): SafeHtml {
  if (subs.length === 0) return emptyState('No subscription yet: create the first one below.');
  return html`<h2>All subscriptions</h2><div class="table-wrap"><table id="subscriptions" class="cards">
    <thead><tr><th class="col-name">Name</th><th class="col-format">Format</th><th class="col-url">URL</th><th class="col-events">Events</th>
      <th class="col-state">State</th><th class="col-cred">Credential</th><th class="col-actions">Actions</th></tr></thead>
    ${subs.map((s) => subscriptionRows(s, csrf))}
  </table></div>`;
}

function revealPage(req: Request, res: Response, title: string, r: RevealedSubscription): void {
  const shown = r.secret ?? r.authorization;
  const label = r.secret ? 'Signing secret' : 'Authorization value';
  sendPage(req, res, { title, active: 'subscriptions', flash: { kind: 'ok', text: title } }, html`
    <h1>${r.subscription.name}</h1>
    ${shown
      ? html`<section class="secret" id="revealed"><p><strong>${label}</strong> — copy it now: it is shown only this once.</p><p><code>${shown}</code></p></section>`
      : html`<p class="muted">This subscription has no secret or authorization value.</p>`}
    <p><a class="btn" href="/subscriptions">Back to subscriptions</a></p>`);
}

export function subscriptionsRoutes(deps: UiDeps, chains: { page: RequestHandler[]; action: RequestHandler[] }): Router {
  const router = Router();
  const allow = deps.config.egressAllow;
  const stopDeps = { pool: deps.pool, box: deps.box, temporal: deps.temporal, log: deps.log };
  const list = async (req: Request, res: Response, form?: PostedForm, errors: { field: string; message: string }[] = [], status = 200) => {
    const csrf = sessionOf(res)!.csrf;
    const [subs, health] = await Promise.all([listSubscriptions(deps.pool, deps.box), subscriptionHealth(deps.pool)]);
    sendPage(req, res, { title: 'Subscriptions', active: 'subscriptions' }, html`
      <h1>Subscriptions</h1>${healthTable(health, parseHealthSort(req.query))}${subscriptionList(subs, csrf)}${subscriptionForm(csrf, form, errors)}`, status);
  };

  router.get('/subscriptions', ...chains.page, (req, res) => list(req, res));

  router.post('/subscriptions', ...chains.action, async (req, res) => {
    const parsed = parseSubscriptionForm(req.body as PostedForm, allow);
    if ('errors' in parsed) return list(req, res, req.body as PostedForm, parsed.errors, 400);
    const outcome = await createSubscriptionChecked({ ...deps, allow }, parsed.input);
    if (!outcome.ok) return list(req, res, req.body as PostedForm, outcome.errors, 400);
    const { created } = outcome;
    deps.log.info({ subscriptionId: created.subscription.id, by: sessionOf(res)!.name }, 'subscription created from the web interface');
    revealPage(req, res, 'Subscription created', created);
  });

  for (const toggle of ['enable', 'disable'] as const) router.post(`/subscriptions/:id/${toggle}`, ...chains.action, async (req, res) => {
    const enabled = toggle === 'enable';
    const outcome = await setSubscriptionEnabled(stopDeps, req.params.id as string, enabled, sessionOf(res)!.name);
    if (!outcome.ok) return sendError(req, res, 404, 'Not found', 'There is no such subscription.');
    redirectWithFlash(req, res, '/subscriptions', { kind: 'ok', text: `"${outcome.subscription.name}" ${enabled ? 'enabled' : 'disabled'}` });
  });

  router.post('/subscriptions/:id/test', ...chains.action, async (req, res) => {
    const outcome = await sendTestMessage({ pool: deps.pool, box: deps.box, temporal: deps.temporal, taskQueue: deps.taskQueue, log: deps.log }, req.params.id as string);
    if (outcome.ok) return redirectWithFlash(req, res, `/deliveries/${encodeURIComponent(outcome.deliveryId)}`, { kind: 'ok', text: 'Test message sent' });
    if (outcome.reason === 'not_found') return sendError(req, res, 404, 'Not found', 'There is no such subscription.');
    const text = outcome.reason === 'disabled' ? 'Enable the subscription to send a test message.'
      : outcome.reason === 'broken' ? `Fix the subscription before testing it: ${outcome.error}`
        : 'This subscription takes no test message with its current settings.';
    redirectWithFlash(req, res, '/subscriptions', { kind: 'error', text });
  });

  router.post('/subscriptions/:id/delete', ...chains.action, async (req, res) => {
    const outcome = await deleteSubscriptionChecked(stopDeps, req.params.id as string, sessionOf(res)!.name);
    if (!outcome.ok) return sendError(req, res, 404, 'Not found', 'There is no such subscription.');
    deps.log.info({ subscriptionId: outcome.subscription.id, by: sessionOf(res)!.name }, 'subscription deleted from the web interface');
    redirectWithFlash(req, res, '/subscriptions', { kind: 'ok', text: `"${outcome.subscription.name}" deleted` });
  });

  return router;
}
