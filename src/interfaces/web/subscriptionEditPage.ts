// One subscription, managed in place: edit its URL, events, format options (mode, Authorization, extra headers),
// retry ladder, ordering and limits through the same use case and schema as PATCH /v1/subscriptions/:id (errors shown next to
// the field they name); send a test, the credential card (credentialCard.ts), and the confirmation pages for disable and delete that
// say how many open deliveries they cancel. The POSTs for those last four live in subscriptionsPage.ts.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { openDeliveriesOf, type OpenDeliveries } from '../../app/readModels/deliveryImpact';
import { getSubscription, type PublicSubscription } from '../../infra/db/subscriptions';
import type { FieldError } from '../../domain/events/schema';
import { EVENT_TYPES, OPT_IN_EVENT_TYPES } from '../../domain/events/eventTypes';
import { getFormat } from '../../domain/formats/registry';
import { REDACTED } from '../../domain/subscriptions/headerRedaction';
import { checkSubscriptionUpdate, updateSubscriptionChecked } from '../../app/subscriptions/manage';
import { credentialCard } from './credentialCard';
import { actionButton, csrfField, html, statusBadge, type SafeHtml } from './layout';
import { redirectWithFlash, sendError, sendPage, sessionOf, type UiDeps } from './respond';
import { list, text, type PostedForm } from './subscriptionForm';

/** What the edit form shows: from the stored subscription, or as posted when it comes back with errors. */
interface EditValues {
  name: string;
  url: string;
  allEvents: boolean;
  events: string[];
  mode: string;
  retrySchedule: string;
  authorization: string;
  headers: string;
  /** The headers text as first shown (sensitive values redacted): unchanged means "keep the stored headers". */
  headersShown: string;
  ordering: string;
  collapse: boolean;
  maxPerSecond: string;
  maxInFlight: string;
  pauseAfterFailures: string;
}

const FIELDS = ['name', 'url', 'events', 'mode', 'retrySchedule', 'authorization', 'headers', 'ordering', 'collapse', 'maxPerSecond', 'maxInFlight', 'pauseAfterFailures'] as const;
const LIMITS = [
  ['maxPerSecond', 'Requests per second', 'at most, across all workers'],
  ['maxInFlight', 'Requests in flight', 'at once, across all workers'],
  ['pauseAfterFailures', 'Pause after', 'consecutive failed attempts (circuit breaker)'],
] as const;
type Field = (typeof FIELDS)[number];

const headersText = (h: Record<string, string>) => Object.entries(h).map(([k, v]) => `${k}: ${v}`).join('\n');

function storedValues(s: PublicSubscription): EditValues {
  const shown = headersText(s.headers ?? {});
  return {
    name: s.name, url: s.url, allEvents: s.events === '*', events: Array.isArray(s.events) ? s.events : [],
    mode: s.mode ?? '', retrySchedule: (s.retrySchedule ?? []).join(' '), authorization: '', headers: shown, headersShown: shown,
    ordering: s.ordering, collapse: s.collapse, maxPerSecond: String(s.maxPerSecond), maxInFlight: String(s.maxInFlight),
    pauseAfterFailures: String(s.pauseAfterFailures),
  };
}

function postedValues(form: PostedForm): EditValues {
  return {
    name: text(form, 'name'), url: text(form, 'url'), allEvents: text(form, 'allEvents') === 'on', events: list(form, 'events'),
    mode: text(form, 'mode'), retrySchedule: text(form, 'retrySchedule'), authorization: text(form, 'authorization'),
    headers: text(form, 'headers'), headersShown: text(form, 'headersShown'),
    ordering: text(form, 'ordering'), collapse: text(form, 'collapse') === 'on', maxPerSecond: text(form, 'maxPerSecond'),
    maxInFlight: text(form, 'maxInFlight'), pauseAfterFailures: text(form, 'pauseAfterFailures'),
  };
}

/** Form text shaped into the API's PATCH body (no checks beyond shape: the use case validates). */
export function patchFrom(values: EditValues, s: PublicSubscription): { patch: Record<string, unknown>; errors: FieldError[] } {
  const format = s.format ? getFormat(s.format) : null;
  const schedule = values.retrySchedule.split(/[\s,]+/).filter(Boolean);
  const patch: Record<string, unknown> = {
    name: values.name,
    url: values.url,
    events: values.allEvents ? '*' : values.events,
    retrySchedule: schedule.length ? schedule : null,
    collapse: values.collapse,
  };
  if (values.ordering) patch.ordering = values.ordering;
  for (const [field] of LIMITS) if (values[field]) patch[field] = /^\d+$/.test(values[field]) ? Number(values[field]) : values[field];
  if (format?.defaultMode != null) patch.mode = values.mode || format.defaultMode;
  if (values.authorization) patch.authorization = values.authorization;
  const errors: FieldError[] = [];
  if (values.headers.replace(/\r/g, '') !== values.headersShown.replace(/\r/g, '')) {
    const headers: Record<string, string> = {};
    values.headers.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).forEach((line, i) => {
      const colon = line.indexOf(':');
      if (colon <= 0) return errors.push({ field: 'headers', message: `line ${i + 1}: write each header as "Name: value"` });
      const [name, value] = [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
      if (value === REDACTED) return errors.push({ field: 'headers', message: `${name}: its stored value is not shown; type the value again (or remove the line)` });
      headers[name] = value;
    });
    patch.headers = headers;
  }
  return { patch, errors };
}

/** An error's field as the form names it ("retrySchedule.1" → retrySchedule, "headers.X-Tenant" → headers). */
function fieldOf(error: FieldError): Field | null {
  const head = error.field.split('.')[0] as Field;
  return FIELDS.includes(head) ? head : null;
}

function fieldError(errors: FieldError[], field: Field): SafeHtml {
  const mine = errors.filter((e) => fieldOf(e) === field);
  if (mine.length === 0) return html``;
  return html`<span class="field-error" id="err-${field}" role="alert">${mine.map((e) => html`<span>${e.field !== field ? `${part(e.field.slice(field.length + 1))}: ` : ''}${e.message}</span>`)}</span>`;
}

/** The part of a field an error names: "step 2" for a list index, else its name. */
const part = (sub: string): string => (/^\d+$/.test(sub) ? `step ${Number(sub) + 1}` : sub);

const invalid = (errors: FieldError[], field: Field): SafeHtml =>
  errors.some((e) => fieldOf(e) === field) ? html` aria-invalid="true" aria-describedby="err-${field}"` : html``;

/** "4 open deliveries (3 failed, 1 retrying)". */
export function openPhrase(open: OpenDeliveries): string {
  const parts = Object.entries(open.byStatus).map(([status, n]) => `${n} ${status}`).join(', ');
  return `${open.total} open deliver${open.total === 1 ? 'y' : 'ies'}${open.total ? ` (${parts})` : ''}`;
}

export function cancelConsequence(open: OpenDeliveries): string {
  if (open.total === 0) return 'It has no open delivery: nothing will be cancelled.';
  return `Its ${openPhrase(open)} will be cancelled: they will not be sent, even if it is enabled again, and failed ones leave the to-do list.`;
}

/** How many fields need a fix: errors of one field (several messages, or several parts of it) count once. */
export function fieldsToFix(errors: FieldError[]): number {
  return new Set(errors.map((e) => fieldOf(e) ?? e.field)).size;
}

function editForm(s: PublicSubscription, v: EditValues, errors: FieldError[], csrf: string): SafeHtml {
  const format = s.format ? getFormat(s.format) : null;
  const chosen = new Set(v.events);
  const general = errors.filter((e) => fieldOf(e) === null);
  const toFix = fieldsToFix(errors);
  return html`<form class="card edit-form" id="edit-subscription" method="post" action="/subscriptions/${encodeURIComponent(s.id)}/edit" novalidate>
    ${csrfField(csrf)}<input type="hidden" name="headersShown" value="${v.headersShown}">
    <h2>Settings</h2>
    ${toFix ? html`<p class="flash flash-error" role="alert">Nothing was saved: ${toFix === 1 ? 'one field needs' : `${toFix} fields need`} a fix (shown next to ${toFix === 1 ? 'it' : 'each'}).</p>` : ''}
    ${general.length ? html`<ul class="errors">${general.map((e) => html`<li><strong>${e.field}</strong>: ${e.message}</li>`)}</ul>` : ''}
    <div class="form-grid">
      <label>Name <input name="name" maxlength="200" value="${v.name}"${invalid(errors, 'name')}>${fieldError(errors, 'name')}</label>
      <label>Format <input value="${s.format ?? 'unknown'}" disabled title="A subscription's format cannot change: create a new subscription instead."></label>
      <label class="wide">URL <input name="url" type="url" maxlength="2000" value="${v.url}"${invalid(errors, 'url')}>${fieldError(errors, 'url')}</label>
      <fieldset class="wide"${invalid(errors, 'events')}><legend>Events</legend>
        <div class="checks"><label><input type="checkbox" name="allEvents" value="on"${v.allEvents ? html` checked` : ''}> every event type</label></div>
        <span class="hint">All of them but ${OPT_IN_EVENT_TYPES.join(' and ')}, which are sent only when chosen below.</span>
        <details${!v.allEvents ? html` open` : ''}><summary>or choose event types</summary><div class="checks">
          ${EVENT_TYPES.map((t) => html`<label><input type="checkbox" name="events" value="${t}"${chosen.has(t) ? html` checked` : ''}> ${t}</label>`)}
        </div></details>${fieldError(errors, 'events')}
      </fieldset>
      ${format?.defaultMode != null
        ? html`<label>Mode <select name="mode"${invalid(errors, 'mode')}>
            <option value="all"${v.mode !== 'approved' ? html` selected` : ''}>all events</option>
            <option value="approved"${v.mode === 'approved' ? html` selected` : ''}>approved only</option></select>${fieldError(errors, 'mode')}</label>`
        : ''}
      <label class="wide">Retry schedule <input class="short" name="retrySchedule" value="${v.retrySchedule}" placeholder="e.g. 1m 10m 2h"${invalid(errors, 'retrySchedule')}>
        <span class="hint">Waits between attempts, separated by spaces. Empty: the ${s.format ?? ''} default${format ? html`, <code>${format.defaultLadder.join(' ')}</code>` : ''}.</span>${fieldError(errors, 'retrySchedule')}</label>
      ${format?.credential.kind === 'authorization'
        ? html`<label>Authorization <input name="authorization" autocomplete="off" maxlength="4000" value="${v.authorization}" placeholder="${s.hasAuthorization ? 'leave empty to keep the current value' : 'none set'}"${invalid(errors, 'authorization')}>
            <span class="hint">Sent verbatim in the Authorization header; the stored value is never shown. A value typed here replaces it at once: to change it without breaking the receiver, use “Rotate Authorization”.</span>${fieldError(errors, 'authorization')}</label>`
        : ''}
      <label class="wide">Extra headers <textarea name="headers" rows="3" placeholder="X-Tenant: acme" spellcheck="false"${invalid(errors, 'headers')}>${v.headers}</textarea>
        <span class="hint">One <code>Name: value</code> per line, sent with every request. Sensitive values show as ${REDACTED}: leave those lines as they are to keep them.</span>${fieldError(errors, 'headers')}</label>
    </div>
    <h2>Order and limits</h2>
    <div class="form-grid">
      <label>Ordering <select name="ordering"${invalid(errors, 'ordering')}>
        <option value="resource"${v.ordering === 'resource' ? html` selected` : ''}>per resource, in event order</option>
        <option value="none"${v.ordering !== 'resource' ? html` selected` : ''}>none (send as they come)</option></select>
        <span class="hint">The events of one absence, employee or pay run reach the receiver in the order they happened.</span>${fieldError(errors, 'ordering')}</label>
      <div><span class="legend">Collapse</span><div class="checks"><label><input type="checkbox" name="collapse" value="on"${v.collapse ? html` checked` : ''}${invalid(errors, 'collapse')}> collapse superseded updates</label></div>
        <span class="hint">A waiting <code>*.updated</code> is closed unsent when a later update or deletion of the same resource follows.</span>${fieldError(errors, 'collapse')}</div>
      ${LIMITS.map(([field, label, hint]) => html`<label>${label} <input class="short" name="${field}" inputmode="numeric" value="${v[field]}"${invalid(errors, field)}>
        <span class="hint">${hint}</span>${fieldError(errors, field)}</label>`)}
    </div>
    <p class="form-actions"><button class="btn btn-primary" type="submit">Save changes</button> <a class="btn" href="/subscriptions">Cancel</a></p>
  </form>`;
}

function sideActions(s: PublicSubscription, open: OpenDeliveries, csrf: string): SafeHtml {
  const base = `/subscriptions/${encodeURIComponent(s.id)}`;
  return html`<aside class="side">
    <section class="card"><h2>Check it</h2>
      <p class="muted">Sends one <code>hrhooks.test</code> message through the normal delivery path.</p>
      ${s.enabled && !s.error ? actionButton({ action: `${base}/test`, label: 'Send test', csrf, confirm: `Send a test message to ${s.url}?` }) : html`<p class="muted">${s.enabled ? 'Fix the subscription first.' : 'Enable it to send a test.'}</p>`}
      <p><a href="/deliveries?subscription=${encodeURIComponent(s.id)}">Its deliveries</a> · ${openPhrase(open)}</p>
    </section>
    ${credentialCard(s, csrf)}
    <section class="card danger" id="danger-zone"><h2>Stop it</h2>
      <p class="muted">${cancelConsequence(open)}</p>
      <div class="actions">
        ${s.enabled
          ? html`<a class="btn btn-danger" href="${base}/disable">Disable…</a>`
          : actionButton({ action: `${base}/enable`, label: 'Enable', csrf, confirm: `Enable "${s.name}"? New events will be delivered to it again.` })}
        <a class="btn btn-danger" href="${base}/delete">Delete…</a>
      </div>
    </section>
  </aside>`;
}

function stopPage(s: PublicSubscription, open: OpenDeliveries, kind: 'disable' | 'delete', csrf: string): SafeHtml {
  const base = `/subscriptions/${encodeURIComponent(s.id)}`;
  const verb = kind === 'delete' ? 'Delete' : 'Disable';
  return html`<section class="card confirm" id="confirm-${kind}">
    <h1>${verb} “${s.name}”?</h1>
    <p>${kind === 'delete' ? 'It will receive no more events and disappears from the list; its delivery history stays searchable.' : 'It will receive no more events until it is enabled again.'}</p>
    <p class="consequence" id="consequence"><strong>${cancelConsequence(open)}</strong></p>
    <form method="post" action="${base}/${kind}" class="actions">
      ${csrfField(csrf)}
      <button type="submit" class="btn btn-danger-solid">${verb}${open.total ? ` and cancel ${open.total}` : ''}</button>
      <a class="btn" href="${base}/edit">Keep it</a>
    </form>
  </section>`;
}

export function subscriptionEditRoutes(deps: UiDeps, chains: { page: RequestHandler[]; action: RequestHandler[] }): Router {
  const router = Router();
  const allow = deps.config.egressAllow;
  const stopDeps = { pool: deps.pool, box: deps.box, temporal: deps.temporal, log: deps.log };

  const render = async (req: Request, res: Response, s: PublicSubscription, values: EditValues, errors: FieldError[] = [], status = 200) => {
    const csrf = sessionOf(res)!.csrf;
    const open = await openDeliveriesOf(deps.pool, s.id);
    sendPage(req, res, { title: `Edit ${s.name}`, active: 'subscriptions' }, html`
      <div class="title-row"><h1>${s.name} <span class="muted mono small">${s.id}</span></h1>
        <span id="state">${s.enabled ? statusBadge('enabled') : statusBadge('disabled')}</span></div>
      ${s.error ? html`<p class="attention" role="alert"><strong>Cannot be used as it is:</strong> ${s.error}</p>` : ''}
      ${!s.enabled && s.disabledReason ? html`<p class="muted">Disabled: ${s.disabledReason}</p>` : ''}
      <div class="edit-layout">${editForm(s, values, errors, csrf)}${sideActions(s, open, csrf)}</div>`, status);
  };

  const load = async (req: Request, res: Response): Promise<PublicSubscription | null> => {
    const s = await getSubscription(deps.pool, deps.box, req.params.id as string);
    if (!s) sendError(req, res, 404, 'Not found', 'There is no such subscription.');
    return s;
  };

  router.get('/subscriptions/:id/edit', ...chains.page, async (req, res) => {
    const s = await load(req, res);
    if (s) await render(req, res, s, storedValues(s));
  });

  router.post('/subscriptions/:id/edit', ...chains.action, async (req, res) => {
    const s = await load(req, res);
    if (!s) return;
    const values = postedValues(req.body as PostedForm);
    const shaped = patchFrom(values, s);
    if (shaped.errors.length) {
      const { headers: _unreadable, ...others } = shaped.patch;
      return render(req, res, s, values, [...checkSubscriptionUpdate(allow, s.format, others), ...shaped.errors], 400);
    }
    const outcome = await updateSubscriptionChecked({ ...stopDeps, allow }, s.id, shaped.patch, sessionOf(res)!.name);
    if (!outcome.ok && outcome.reason === 'not_found') return sendError(req, res, 404, 'Not found', 'There is no such subscription.');
    if (!outcome.ok) return render(req, res, s, values, outcome.errors, 400);
    deps.log.info({ subscriptionId: s.id, by: sessionOf(res)!.name }, 'subscription edited from the web interface');
    redirectWithFlash(req, res, `/subscriptions/${encodeURIComponent(s.id)}/edit`, { kind: 'ok', text: `Changes to "${outcome.updated.name}" saved` });
  });

  for (const kind of ['disable', 'delete'] as const) router.get(`/subscriptions/:id/${kind}`, ...chains.page, async (req, res) => {
    const s = await load(req, res);
    if (!s) return;
    const open = await openDeliveriesOf(deps.pool, s.id);
    sendPage(req, res, { title: `${kind === 'delete' ? 'Delete' : 'Disable'} ${s.name}`, active: 'subscriptions' }, stopPage(s, open, kind, sessionOf(res)!.csrf));
  });
  return router;
}
