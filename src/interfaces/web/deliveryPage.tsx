// One delivery: the exact request sent, every attempt with its response, operator actions, the link to
// its Temporal workflow, and the "Re-sync now" / "Mark as processed" actions (Temporal signals). The read
// model is app/deliveries/deliveryDetail.ts (shared with the API and the CLI); this page only words it.
import { Router, type RequestHandler, type Response } from 'express';
import { deliveryDetail, type AttemptView, type DeliveryDetail, type DeliverySummary } from '../../app/deliveries/deliveryDetail';
import { isClosed, markDeliveryProcessed, resyncDelivery, type ActionOutcome } from '../../app/deliveries/operatorActions';
import type { DeliveryStatus, OperatorAction } from '../../../workflows/definitions';
import { parseWaitingFor } from '../../domain/flow/waitingFor';
import { StatusBadge, StatusCode } from './components/badges';
import { useCanAct } from './components/acting';
import { useManyTenants } from './components/tenantColumn';
import { ActionButton, CsrfField } from './components/forms';
import { EmptyState } from './components/notices';
import { Time } from './components/Time';
import { Dash, subjectOf } from './deliveryTable';
import { failureAdvice } from './failureAdvice';
import { inScope, redirectWithFlash, sendError, sendPage, sessionOf, type UiDeps } from './respond';

const ACTION_LABEL: Record<OperatorAction['kind'], string> = { resync: 'Re-sync', markProcessed: 'Marked as processed', cancel: 'Cancelled' };

function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

function HeaderTable({ headers }: { headers: Record<string, string> | null }) {
  const entries = Object.entries(headers ?? {});
  if (entries.length === 0) return <p class="muted">No headers recorded.</p>;
  return (
    <div class="table-wrap headers">
      <table><tbody>{entries.map(([k, v]) => <tr><td class="nowrap">{k}</td><td>{v}</td></tr>)}</tbody></table>
    </div>
  );
}

/** "attempt 4 under way" while the workflow has started an attempt whose record is not written yet (null otherwise). */
function underWay(attempt: number | null): string | null {
  return attempt !== null ? `attempt ${attempt} under way: it shows here once answered` : null;
}

function MessageSent({ last, current }: { last: AttemptView | undefined; current: string | null }) {
  if (!last) return <EmptyState text={current ? `Nothing recorded yet (${current}).` : 'Nothing has been sent yet.'} />;
  return (
    <section class="card" id="message">
      <p class="request-line">POST {last.url}</p>
      <p class="muted">As sent on attempt {last.number}, <Time iso={last.startedAt} />{current ? ` (${current})` : ''}. Secrets in headers are redacted.</p>
      <HeaderTable headers={last.request.headers} />
      <pre class="body">{pretty(last.request.body)}</pre>
      <details>
        <summary>Raw body (exact bytes, {Buffer.byteLength(last.request.body, 'utf8')} bytes)</summary>
        <pre class="wrap raw">{last.request.body}</pre>
      </details>
    </section>
  );
}

function ResponseExcerpt({ response }: { response: AttemptView['response'] }) {
  if (!response.body) return <Dash />;
  return (
    <details>
      <summary>{response.body.slice(0, 80)}{response.body.length > 80 ? '…' : ''}</summary>
      <pre class="wrap">{response.body.slice(0, 4096)}{response.truncated ? '\n… (truncated)' : ''}</pre>
    </details>
  );
}

function Attempts({ attempts }: { attempts: AttemptView[] }) {
  if (attempts.length === 0) return <EmptyState text="No attempt yet." />;
  return (
    <div class="table-wrap">
      <table id="attempts" class="cards">
        <thead><tr><th>#</th><th>Time</th><th>Duration</th><th>Code</th><th>Error</th><th>Response body (excerpt)</th></tr></thead>
        <tbody>
          {[...attempts].reverse().map((a) => (
            <tr>
              <td>{a.number}</td>
              <td class="nowrap"><Time iso={a.startedAt} /></td>
              <td class="nowrap">{a.durationMs} ms</td>
              <td><StatusCode code={a.response.status} /></td>
              <td><AttemptError attempt={a} /></td>
              <td><ResponseExcerpt response={a.response} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function OperatorActions({ actions }: { actions: OperatorAction[] }) {
  if (actions.length === 0) return <p class="muted">No operator action yet.</p>;
  return (
    <div class="table-wrap">
      <table id="operator-actions" class="cards">
        <thead><tr><th>When</th><th>Action</th><th>Who</th><th>Note</th></tr></thead>
        <tbody>
          {[...actions].reverse().map((a) => (
            <tr><td class="nowrap"><Time iso={a.at} /></td><td>{ACTION_LABEL[a.kind] ?? a.kind}</td><td>{a.by}</td><td>{a.note ?? ''}</td></tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The raw error of an attempt as recorded ("kind: message", or the HTTP status), for the <details> beside the advice. */
function rawError(a: AttemptView): string {
  return a.error ? `${a.error.kind}: ${a.error.message ?? ''}` : `HTTP ${a.response.status ?? '—'}`;
}

/** An attempt's error in words, the raw error one click away. */
function AttemptError({ attempt: a }: { attempt: AttemptView }) {
  const failed = a.error !== null || (a.response.status !== null && (a.response.status < 200 || a.response.status >= 300));
  if (!failed) return <Dash />;
  const advice = failureAdvice(a.error, a.response.status, a.url);
  return (
    <>
      <div class="advice">{advice.why}</div>
      <details class="raw-error"><summary>raw error</summary><pre class="wrap">{rawError(a)}</pre></details>
    </>
  );
}

/** On a failed (or retrying) delivery: why its last attempt failed, in words, what to do, and the raw error. */
function FailureCard({ d, status, attempts }: { d: DeliverySummary; status: DeliveryStatus; attempts: AttemptView[] }) {
  const last = attempts.at(-1);
  if (status !== 'failed' && !(status === 'retrying' && last)) return null;
  const advice = failureAdvice(last?.error ?? null, last?.response.status ?? d.lastStatusCode, last?.url ?? '');
  const failed = status === 'failed';
  return (
    <section class="card failure" id="why-failed">
      <h2>{failed ? 'Why it failed' : 'Why it is retrying'}</h2>
      <p>
        {advice.why}{' '}
        {last ? <span class="muted">(attempt {last.number} of {attempts.length}{failed ? '; the retry schedule is used up' : '; it will be tried again on its schedule'})</span> : null}
      </p>
      <p><strong>What you can do:</strong> {advice.next}</p>
      {last ? <details class="raw-error"><summary>Raw error of attempt {last.number}</summary><pre class="wrap">{rawError(last)}</pre></details> : null}
    </section>
  );
}

/** What the event is about (person, absence or pay run), with its ids. */
function About({ d }: { d: DeliverySummary }) {
  const { label, detail } = subjectOf(d);
  if (!label && !detail) return <Dash />;
  if (label && detail) return <>{label} <span class="muted">({detail})</span></>;
  return <>{label ?? detail}</>;
}

function ActionForms({ d, status, csrf }: { d: DeliverySummary; status: DeliveryStatus; csrf: string }) {
  if (isClosed(status) || !useCanAct()) return null;
  const base = `/deliveries/${encodeURIComponent(d.id)}`;
  return (
    <div class="action-grid">
      <section class="card">
        <h2>Send it again</h2>
        <p class="muted">Attempts the delivery now{status === 'failed' ? ' and, if it fails again, restarts its retry schedule' : ''}.</p>
        <div><ActionButton action={`${base}/resync`} label="Re-sync now" csrf={csrf} kind="primary" confirm="Send this delivery again now?" /></div>
      </section>
      <section class="card">
        <h2>Close it by hand</h2>
        <form class="mark" method="post" action={`${base}/mark-processed`} data-confirm="Mark this delivery as processed? It will not be sent again.">
          <CsrfField token={csrf} />
          <label>Note (why it no longer needs sending) <textarea name="note" required maxlength={2000} placeholder="e.g. entered by hand in the payroll tool"></textarea></label>
          <p><button class="btn" type="submit">Mark as processed</button></p>
        </form>
      </section>
    </div>
  );
}

function WaitingFor({ waitingFor }: { waitingFor: string }) {
  if (parseWaitingFor(waitingFor).kind !== 'delivery') return <>{waitingFor}</>;
  return (
    <>
      <a class="mono" href={`/deliveries/${encodeURIComponent(waitingFor)}`}>{waitingFor}</a>{' '}
      <span class="muted">(an earlier event of the same resource; this one goes once that one is delivered or marked processed)</span>
    </>
  );
}

function Workflow({ detail }: { detail: DeliveryDetail }) {
  const { temporalUrl, live } = detail;
  return (
    <>
      {temporalUrl
        ? <a href={temporalUrl} target="_blank" rel="noopener noreferrer">Open in Temporal Web UI</a>
        : <><span class="mono">{detail.workflowId ?? detail.delivery.id}</span> <span class="muted">(no Temporal Web UI runs with the Temporal server; set TEMPORAL_UI_URL to link one)</span></>}
      {live ? <> <span class="muted">({live.workflowStatus.toLowerCase()})</span></> : null}
    </>
  );
}

/** `internals`: the Temporal workflow row (operators of the installation; a portal's users never reach Temporal). */
function Facts({ detail, current, internals }: { detail: DeliveryDetail; current: string | null; internals: boolean }) {
  const { delivery: d, attempts } = detail;
  const { status, nextAttemptAt } = detail.current;
  return (
    <section class="card">
      <dl class="facts">
        {useManyTenants() ? <><dt>Tenant</dt><dd class="mono" id="tenant">{d.tenantId}</dd></> : null}
        <dt>Delivery</dt><dd class="mono">{d.id}</dd>
        <dt>Event</dt><dd class="mono">{d.eventId}</dd>
        <dt>About</dt><dd id="about"><About d={d} /></dd>
        <dt>Format</dt><dd>{d.format}</dd>
        {d.waitingFor ? <><dt>Waiting for</dt><dd id="waiting-for"><WaitingFor waitingFor={d.waitingFor} /></dd></> : null}
        {d.supersededBy ? <><dt>Superseded by</dt><dd id="superseded-by"><a class="mono" href={`/deliveries/${encodeURIComponent(d.supersededBy)}`}>{d.supersededBy}</a> <span class="muted">(a later update of the same resource; this one was never sent)</span></dd></> : null}
        <dt>Attempts</dt><dd id="attempt-count">{Math.max(attempts.length, d.attempts)}{current ? <> <span class="muted">({current})</span></> : null}</dd>
        <dt>Next attempt</dt><dd>{nextAttemptAt ? <Time iso={nextAttemptAt} /> : <span class="muted">{status === 'failed' ? 'none: the retry schedule is used up' : 'none scheduled'}</span>}</dd>
        <dt>Created</dt><dd><Time iso={d.createdAt} /></dd>
        {internals ? <><dt>Workflow</dt><dd id="workflow"><Workflow detail={detail} /></dd></> : null}
      </dl>
    </section>
  );
}

export function DeliveryPage({ detail, csrf, internals = true }: { detail: DeliveryDetail; csrf: string; internals?: boolean }) {
  const { delivery: d, attempts } = detail;
  const { status, actions } = detail.current;
  const current = underWay(detail.current.attemptUnderWay);
  return (
    <>
      <div class="title-row">
        <h1>{d.eventType} <span class="muted">→ {d.subscriptionName ?? d.subscriptionId}</span></h1>
        <span id="status"><StatusBadge status={status} /></span>
      </div>
      <Facts detail={detail} current={current} internals={internals} />
      <FailureCard d={d} status={status} attempts={attempts} />
      <ActionForms d={d} status={status} csrf={csrf} />
      <h2>Message sent</h2><MessageSent last={attempts.at(-1)} current={current} />
      <h2>Attempts</h2><Attempts attempts={attempts} />
      <h2>Operator actions</h2><OperatorActions actions={actions} />
    </>
  );
}

/** The flash message for an action's outcome. */
function flashFor(outcome: ActionOutcome, done: string): { kind: 'ok' | 'error'; text: string } {
  if (outcome.ok) return { kind: 'ok', text: done };
  if (outcome.reason === 'not_found') return { kind: 'error', text: 'There is no such delivery.' };
  if (outcome.reason === 'closed') return { kind: 'error', text: `This delivery is already ${outcome.status}; nothing was done.` };
  if (outcome.reason === 'waiting') {
    return { kind: 'error', text: `This delivery waits for ${outcome.ahead} (same resource, earlier event): re-sync or mark that one processed first.` };
  }
  return { kind: 'error', text: 'This delivery has no open workflow; nothing was done.' };
}

export function deliveryRoutes(deps: UiDeps, chains: { page: RequestHandler[]; action: RequestHandler[] }): Router {
  const router = Router();

  router.get('/deliveries/:id', ...chains.page, async (req, res) => {
    const detail = await deliveryDetail({ ...inScope(deps, res), namespace: deps.temporal.options.namespace }, req.params.id as string);
    if (!detail) return sendError(req, res, 404, 'Not found', `There is no delivery ${req.params.id}.`);
    sendPage(req, res, { title: `Delivery ${detail.delivery.eventType}`, active: 'deliveries' }, <DeliveryPage detail={detail} csrf={sessionOf(res)!.csrf} internals={!sessionOf(res)!.portal} />);
  });

  const actionDeps = (res: Response) => inScope({ pool: deps.pool, temporal: deps.temporal, taskQueue: deps.taskQueue, log: deps.log }, res);

  router.post('/deliveries/:id/resync', ...chains.action, async (req, res) => {
    const id = req.params.id as string;
    const outcome = await resyncDelivery(actionDeps(res), id, sessionOf(res)!.name, null);
    redirectWithFlash(req, res, `/deliveries/${encodeURIComponent(id)}`, flashFor(outcome, 'Re-sync requested'));
  });

  router.post('/deliveries/:id/mark-processed', ...chains.action, async (req, res) => {
    const id = req.params.id as string;
    const back = `/deliveries/${encodeURIComponent(id)}`;
    const note = typeof req.body?.note === 'string' ? req.body.note.trim().slice(0, 2000) : '';
    if (!note) return redirectWithFlash(req, res, back, { kind: 'error', text: 'A note is required to mark a delivery as processed.' });
    const outcome = await markDeliveryProcessed(actionDeps(res), id, sessionOf(res)!.name, note);
    redirectWithFlash(req, res, back, flashFor(outcome, 'Marked as processed'));
  });
  return router;
}
