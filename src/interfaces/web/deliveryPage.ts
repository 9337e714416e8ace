// One delivery: the exact request sent, every attempt with its response, operator actions, the link to
// its Temporal workflow, and the "Re-sync now" / "Mark as processed" actions (Temporal signals).
import { Router, type RequestHandler } from 'express';
import { temporalWebUiUrl } from '../../infra/config';
import { getDelivery, type AttemptView, type DeliverySummary } from '../../infra/db/deliveries';
import { isClosed, markDeliveryProcessed, resyncDelivery, type ActionOutcome } from '../../app/deliveries/operatorActions';
import { queryState, workflowIdOf } from '../../infra/temporal/deliveryClient';
import type { OperatorAction } from '../../../workflows/definitions';
import { actionButton, csrfField, emptyState, html, statusBadge, statusCode, timeTag, type SafeHtml } from './layout';
import { subjectOf } from './deliveryTable';
import { failureAdvice } from './failureAdvice';
import { redirectWithFlash, sendError, sendPage, sessionOf, type UiDeps } from './respond';

const ACTION_LABEL: Record<OperatorAction['kind'], string> = { resync: 'Re-sync', markProcessed: 'Marked as processed', cancel: 'Cancelled' };

function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

function headerTable(headers: Record<string, string> | null): SafeHtml {
  const entries = Object.entries(headers ?? {});
  if (entries.length === 0) return html`<p class="muted">No headers recorded.</p>`;
  return html`<div class="table-wrap headers"><table><tbody>${entries.map(([k, v]) => html`<tr><td class="nowrap">${k}</td><td>${v}</td></tr>`)}</tbody></table></div>`;
}

/** "attempt 4 under way" while the workflow has started an attempt whose record is not written yet (null otherwise). */
function underWay(recorded: number, started: number | undefined): string | null {
  return started !== undefined && started > recorded ? `attempt ${started} under way: it shows here once answered` : null;
}

function messageSent(last: AttemptView | undefined, current: string | null): SafeHtml {
  if (!last) return emptyState(current ? `Nothing recorded yet (${current}).` : 'Nothing has been sent yet.');
  return html`<section class="card" id="message">
    <p class="request-line">POST ${last.url}</p>
    <p class="muted">As sent on attempt ${last.number}, ${timeTag(last.startedAt)}${current ? ` (${current})` : ''}. Secrets in headers are redacted.</p>
    ${headerTable(last.request.headers)}
    <pre class="body">${pretty(last.request.body)}</pre>
    <details><summary>Raw body (exact bytes, ${Buffer.byteLength(last.request.body, 'utf8')} bytes)</summary><pre class="wrap raw">${last.request.body}</pre></details>
  </section>`;
}

function attemptRows(attempts: AttemptView[]): SafeHtml {
  if (attempts.length === 0) return emptyState('No attempt yet.');
  return html`<div class="table-wrap"><table id="attempts" class="cards">
    <thead><tr><th>#</th><th>Time</th><th>Duration</th><th>Code</th><th>Error</th><th>Response body (excerpt)</th></tr></thead>
    <tbody>${[...attempts].reverse().map((a) => html`<tr>
      <td>${a.number}</td>
      <td class="nowrap">${timeTag(a.startedAt)}</td>
      <td class="nowrap">${a.durationMs} ms</td>
      <td>${statusCode(a.response.status)}</td>
      <td>${attemptError(a)}</td>
      <td>${a.response.body
        ? html`<details><summary>${a.response.body.slice(0, 80)}${a.response.body.length > 80 ? '…' : ''}</summary><pre class="wrap">${a.response.body.slice(0, 4096)}${a.response.truncated ? '\n… (truncated)' : ''}</pre></details>`
        : html`<span class="muted">—</span>`}</td>
    </tr>`)}</tbody>
  </table></div>`;
}

function operatorActions(actions: OperatorAction[]): SafeHtml {
  if (actions.length === 0) return html`<p class="muted">No operator action yet.</p>`;
  return html`<div class="table-wrap"><table id="operator-actions" class="cards">
    <thead><tr><th>When</th><th>Action</th><th>Who</th><th>Note</th></tr></thead>
    <tbody>${[...actions].reverse().map((a) => html`<tr>
      <td class="nowrap">${timeTag(a.at)}</td><td>${ACTION_LABEL[a.kind] ?? a.kind}</td><td>${a.by}</td><td>${a.note ?? ''}</td>
    </tr>`)}</tbody>
  </table></div>`;
}

/** The raw error of an attempt as recorded ("kind: message", or the HTTP status), for the <details> beside the advice. */
function rawError(a: AttemptView): string {
  return a.error ? `${a.error.kind}: ${a.error.message ?? ''}` : `HTTP ${a.response.status ?? '—'}`;
}

/** An attempt's error in words, the raw error one click away. */
function attemptError(a: AttemptView): SafeHtml {
  const failed = a.error !== null || (a.response.status !== null && (a.response.status < 200 || a.response.status >= 300));
  if (!failed) return html`<span class="muted">—</span>`;
  const advice = failureAdvice(a.error, a.response.status, a.url);
  return html`<div class="advice">${advice.why}</div><details class="raw-error"><summary>raw error</summary><pre class="wrap">${rawError(a)}</pre></details>`;
}

/** On a failed (or retrying) delivery: why its last attempt failed, in words, what to do, and the raw error. */
function failureCard(d: DeliverySummary, attempts: AttemptView[]): SafeHtml {
  const last = attempts.at(-1);
  if (d.status !== 'failed' && !(d.status === 'retrying' && last)) return html``;
  const advice = failureAdvice(last?.error ?? null, last?.response.status ?? d.lastStatusCode, last?.url ?? '');
  const failed = d.status === 'failed';
  return html`<section class="card failure" id="why-failed">
    <h2>${failed ? 'Why it failed' : 'Why it is retrying'}</h2>
    <p>${advice.why} ${last ? html`<span class="muted">(attempt ${last.number} of ${attempts.length}${failed ? '; the retry schedule is used up' : '; it will be tried again on its schedule'})</span>` : ''}</p>
    <p><strong>What you can do:</strong> ${advice.next}</p>
    ${last ? html`<details class="raw-error"><summary>Raw error of attempt ${last.number}</summary><pre class="wrap">${rawError(last)}</pre></details>` : ''}
  </section>`;
}

/** What the event is about (person, absence or pay run), with its ids. */
function about(d: DeliverySummary): SafeHtml {
  const { label, detail } = subjectOf(d);
  if (!label && !detail) return html`<span class="muted">—</span>`;
  return html`${label ?? ''}${label && detail ? html` <span class="muted">(${detail})</span>` : detail ?? ''}`;
}

function actionForms(d: DeliverySummary, csrf: string): SafeHtml {
  if (isClosed(d.status)) return html``;
  const base = `/deliveries/${encodeURIComponent(d.id)}`;
  return html`<div class="action-grid">
    <section class="card">
      <h2>Send it again</h2>
      <p class="muted">Attempts the delivery now${d.status === 'failed' ? ' and, if it fails again, restarts its retry schedule' : ''}.</p>
      <div>${actionButton({ action: `${base}/resync`, label: 'Re-sync now', csrf, kind: 'primary', confirm: 'Send this delivery again now?' })}</div>
    </section>
    <section class="card">
      <h2>Close it by hand</h2>
      <form class="mark" method="post" action="${base}/mark-processed" data-confirm="Mark this delivery as processed? It will not be sent again.">
        ${csrfField(csrf)}
        <label>Note (why it no longer needs sending) <textarea name="note" required maxlength="2000" placeholder="e.g. entered by hand in the payroll tool"></textarea></label>
        <p><button class="btn" type="submit">Mark as processed</button></p>
      </form>
    </section>
  </div>`;
}

export function deliveryRoutes(deps: UiDeps, chains: { page: RequestHandler[]; action: RequestHandler[] }): Router {
  const router = Router();

  router.get('/deliveries/:id', ...chains.page, async (req, res) => {
    const found = await getDelivery(deps.pool, req.params.id as string);
    if (!found) return sendError(req, res, 404, 'Not found', `There is no delivery ${req.params.id}.`);
    const { delivery: d, attempts } = found;
    const live = await queryState(deps.temporal, d.id).catch(() => null);
    const status = live?.state?.status ?? d.status;
    const nextAttemptAt = live?.state ? live.state.nextAttemptAt : d.nextAttemptAt;
    const actions = d.actions.length ? d.actions : live?.state?.actions ?? [];
    const workflowId = workflowIdOf(d.id) ?? d.id;
    const webUi = temporalWebUiUrl(deps.config);
    const temporalUrl = webUi ? `${webUi}/namespaces/${encodeURIComponent(deps.temporal.options.namespace)}/workflows/${encodeURIComponent(workflowId)}` : null;
    const current = underWay(attempts.length, live?.state?.attemptCount);
    const body = html`
      <div class="title-row"><h1>${d.eventType} <span class="muted">→ ${d.subscriptionName ?? d.subscriptionId}</span></h1><span id="status">${statusBadge(status)}</span></div>
      <section class="card"><dl class="facts">
        <dt>Delivery</dt><dd class="mono">${d.id}</dd>
        <dt>Event</dt><dd class="mono">${d.eventId}</dd>
        <dt>About</dt><dd id="about">${about(d)}</dd>
        <dt>Format</dt><dd>${d.format}</dd>
        ${d.waitingFor ? html`<dt>Waiting for</dt><dd id="waiting-for">${d.waitingFor.startsWith('dlv_')
          ? html`<a class="mono" href="/deliveries/${encodeURIComponent(d.waitingFor)}">${d.waitingFor}</a> <span class="muted">(an earlier event of the same resource; this one goes once that one is delivered or marked processed)</span>`
          : d.waitingFor}</dd>` : ''}
        ${d.supersededBy ? html`<dt>Superseded by</dt><dd id="superseded-by"><a class="mono" href="/deliveries/${encodeURIComponent(d.supersededBy)}">${d.supersededBy}</a> <span class="muted">(a later update of the same resource; this one was never sent)</span></dd>` : ''}
        <dt>Attempts</dt><dd id="attempt-count">${Math.max(attempts.length, d.attempts)}${current ? html` <span class="muted">(${current})</span>` : ''}</dd>
        <dt>Next attempt</dt><dd>${nextAttemptAt ? timeTag(nextAttemptAt) : html`<span class="muted">${status === 'failed' ? 'none: the retry schedule is used up' : 'none scheduled'}</span>`}</dd>
        <dt>Created</dt><dd>${timeTag(d.createdAt)}</dd>
        <dt>Workflow</dt><dd id="workflow">${temporalUrl
          ? html`<a href="${temporalUrl}" target="_blank" rel="noopener noreferrer">Open in Temporal Web UI</a>`
          : html`<span class="mono">${workflowId}</span> <span class="muted">(no Temporal Web UI runs with the Temporal server; set TEMPORAL_UI_URL to link one)</span>`}${live ? html` <span class="muted">(${live.workflowStatus.toLowerCase()})</span>` : ''}</dd>
      </dl></section>
      ${failureCard({ ...d, status }, attempts)}
      ${actionForms({ ...d, status }, sessionOf(res)!.csrf)}
      <h2>Message sent</h2>${messageSent(attempts.at(-1), current)}
      <h2>Attempts</h2>${attemptRows(attempts)}
      <h2>Operator actions</h2>${operatorActions(actions)}`;
    sendPage(req, res, { title: `Delivery ${d.eventType}`, active: 'deliveries' }, body);
  });

  /** The flash message for an action's outcome. */
  const flashFor = (outcome: ActionOutcome, done: string): { kind: 'ok' | 'error'; text: string } => {
    if (outcome.ok) return { kind: 'ok', text: done };
    if (outcome.reason === 'not_found') return { kind: 'error', text: 'There is no such delivery.' };
    if (outcome.reason === 'closed') return { kind: 'error', text: `This delivery is already ${outcome.status}; nothing was done.` };
    if (outcome.reason === 'waiting') {
      return { kind: 'error', text: `This delivery waits for ${outcome.ahead} (same resource, earlier event): re-sync or mark that one processed first.` };
    }
    return { kind: 'error', text: 'This delivery has no open workflow; nothing was done.' };
  };
  const actionDeps = { pool: deps.pool, temporal: deps.temporal, taskQueue: deps.taskQueue, log: deps.log };

  router.post('/deliveries/:id/resync', ...chains.action, async (req, res) => {
    const id = req.params.id as string;
    const outcome = await resyncDelivery(actionDeps, id, sessionOf(res)!.name, null);
    redirectWithFlash(req, res, `/deliveries/${encodeURIComponent(id)}`, flashFor(outcome, 'Re-sync requested'));
  });

  router.post('/deliveries/:id/mark-processed', ...chains.action, async (req, res) => {
    const id = req.params.id as string;
    const back = `/deliveries/${encodeURIComponent(id)}`;
    const note = typeof req.body?.note === 'string' ? req.body.note.trim().slice(0, 2000) : '';
    if (!note) return redirectWithFlash(req, res, back, { kind: 'error', text: 'A note is required to mark a delivery as processed.' });
    const outcome = await markDeliveryProcessed(actionDeps, id, sessionOf(res)!.name, note);
    redirectWithFlash(req, res, back, flashFor(outcome, 'Marked as processed'));
  });
  return router;
}
