// Home: the administrator's error to-do list. Counts by status on top, then failed deliveries not yet
// processed (newest first), grouped by subscription with a "Re-sync all failed" button for each. Subscriptions that
// cannot be used as they are (e.g. an unreadable secret) are named on top and flagged on their group.
import { Router, type Request, type RequestHandler } from 'express';
import { dashboardCharts } from '../../app/readModels/dashboardStats';
import { dashboard, listDeliveries, type DeliverySummary } from '../../infra/db/deliveries';
import { pausedSubscriptions, type PausedSubscription } from '../../infra/db/flowControl';
import { listSubscriptions } from '../../infra/db/subscriptions';
import { resumeNow } from '../../app/subscriptions/resume';
import { resyncFailed } from '../../app/deliveries/bulkResync';
import { WAITING_FOR_PAUSE, type DeliveryStatus } from '../../../workflows/definitions';
import { bulkForm } from './bulkActions';
import { chartsSection } from './dashboardSection';
import { deliveryTable } from './deliveryTable';
import { actionButton, attentionBanner, emptyState, html, problemBadge, statusBadge, timeTag, type SafeHtml } from './layout';
import { redirectWithFlash, sendPage, sessionOf, type UiDeps } from './respond';

const TODO_LIMIT = 200;
const COUNTED: DeliveryStatus[] = ['delivered', 'retrying', 'queued', 'failed', 'processed', 'pending', 'cancelled'];

function countCards(counts: Record<DeliveryStatus, number>): SafeHtml {
  const value = (s: DeliveryStatus) => (s === 'pending' ? counts.pending + counts.delivering : counts[s]);
  return html`<section class="counts" aria-label="Deliveries by status">${COUNTED.map(
    (s) => html`<a class="count" href="/deliveries?status=${s}"><b>${value(s)}</b>${statusBadge(s)}</a>`,
  )}</section>`;
}

/** One line per paused subscription, instead of one per delivery it holds back. */
function pausedSection(paused: PausedSubscription[], csrf: string): SafeHtml {
  if (paused.length === 0) return html``;
  return html`<section class="group" id="paused" aria-label="Paused subscriptions">
    <h2>Paused subscriptions</h2>
    ${paused.map((p) => html`<div class="paused-line" data-subscription="${p.subscriptionId}" data-waiting="${p.waiting}">
      <p><b><a href="/subscriptions/${encodeURIComponent(p.subscriptionId)}">${p.name}</a></b> unreachable since ${timeTag(p.pausedAt.toISOString())},
        <b>${p.waiting}</b> ${p.waiting === 1 ? 'delivery' : 'deliveries'} waiting
        <span class="muted">(paused after ${p.consecutiveFailures} failed attempts in a row; a probe is sent on a backing-off schedule and the first success resumes it)</span></p>
      ${actionButton({
        action: `/subscriptions/${encodeURIComponent(p.subscriptionId)}/resume`,
        label: 'Resume now',
        csrf,
        confirm: `Resume "${p.name}" now? Its ${p.waiting} waiting deliveries go out in order, at its rate limit.`,
      })}
    </div>`)}
  </section>`;
}

function groups(items: DeliverySummary[]): Map<string, DeliverySummary[]> {
  const out = new Map<string, DeliverySummary[]>();
  for (const d of items) out.set(d.subscriptionId, [...(out.get(d.subscriptionId) ?? []), d]);
  return out;
}

function queryString(req: Request, name: string): string | undefined {
  const v = req.query[name];
  return typeof v === 'string' && v !== '' ? v.slice(0, 100) : undefined;
}

export function todoRoutes(deps: UiDeps, chains: { page: RequestHandler[]; action: RequestHandler[] }): Router {
  const router = Router();

  /** The empty list's sentence: "nothing to do" only when no paused or broken subscription above needs the admin either. */
  const noFailedDelivery = (paused: number, broken: number): string => {
    if (paused) return `No failed delivery, but ${paused === 1 ? 'the paused subscription above holds its' : `the ${paused} paused subscriptions above hold their`} deliveries: resume once the receiver is back.`;
    if (broken) return `No failed delivery, but ${broken === 1 ? 'the subscription above needs' : `the ${broken} subscriptions above need`} attention.`;
    return 'Nothing to do: no failed delivery is waiting for you.';
  };

  router.get('/', ...chains.page, async (req, res) => {
    const csrf = sessionOf(res)!.csrf;
    const subscriptionId = queryString(req, 'subscription');
    const [{ counts }, subs, failed, charts, paused] = await Promise.all([
      dashboard(deps.pool, 1),
      listSubscriptions(deps.pool, deps.box),
      listDeliveries(deps.pool, { status: 'failed', subscriptionId, limit: TODO_LIMIT }),
      dashboardCharts(deps.pool, { subscriptionId }),
      pausedSubscriptions(deps.pool, WAITING_FOR_PAUSE),
    ]);
    const grouped = groups(failed.items);
    const broken = new Map(subs.filter((s) => s.error).map((s) => [s.id, s]));
    const body = html`
      <h1>To-do</h1>
      ${attentionBanner([...broken.values()])}
      ${pausedSection(paused, csrf)}
      ${countCards(counts)}
      ${chartsSection(charts, { heading: subscriptionId ? 'Activity of the selected subscription' : 'Activity' })}
      <div class="group">
        <h2>Failed deliveries to look after</h2>
        <form class="filters" method="get" action="/">
          <label>Subscription <select name="subscription">
            <option value="">All subscriptions</option>
            ${subs.map((s) => html`<option value="${s.id}"${s.id === subscriptionId ? html` selected` : ''}>${s.name}${s.error ? ' (needs attention)' : ''}</option>`)}
          </select></label>
          <button class="btn" type="submit">Filter</button>
        </form>
      </div>
      ${failed.items.length ? bulkForm('bulk-todo', csrf, req.originalUrl) : ''}
      ${failed.items.length === 0
        ? emptyState(noFailedDelivery(paused.length, broken.size))
        : [...grouped].map(([subId, items]) => html`
          <div class="group">
            <h3>${items[0]!.subscriptionName ?? subId} <span class="muted">· ${items.length}${failed.nextCursor ? '+' : ''} failed</span>
              ${broken.has(subId) ? html`<a href="/subscriptions#sub-${subId}">${problemBadge(broken.get(subId)!.error!)}</a>` : ''}</h3>
            ${actionButton({
              action: `/subscriptions/${encodeURIComponent(subId)}/resync-failed`,
              label: 'Re-sync all failed',
              csrf,
              confirm: `Re-sync every failed delivery of "${items[0]!.subscriptionName ?? subId}" now?`,
            })}
          </div>
          ${deliveryTable(items, ['lastError', 'failedAt'], 'bulk-todo')}`)}
      ${failed.nextCursor ? html`<p class="muted">Showing the newest ${TODO_LIMIT}. <a href="/deliveries?status=failed">See them all</a>.</p>` : ''}
      <p class="muted">A failed delivery leaves this list when it is re-synced successfully or marked as processed.</p>`;
    sendPage(req, res, { title: 'To-do', active: 'todo' }, body);
  });

  router.post('/subscriptions/:id/resume', ...chains.action, async (req, res) => {
    const outcome = await resumeNow({ pool: deps.pool, temporal: deps.temporal, log: deps.log }, req.params.id as string, sessionOf(res)!.name);
    redirectWithFlash(req, res, '/', outcome.ok
      ? { kind: 'ok', text: outcome.wasPaused ? 'Resumed: the waiting deliveries are going out in order.' : 'This subscription was not paused.' }
      : { kind: 'error', text: 'There is no such subscription.' });
  });

  router.post('/subscriptions/:id/resync-failed', ...chains.action, async (req, res) => {
    const by = sessionOf(res)!.name;
    const result = await resyncFailed(deps.temporal, deps.pool, { subscriptionId: req.params.id as string }, by, 'bulk re-sync from the web interface');
    const problems = result.notFound.length + result.failed.length;
    redirectWithFlash(req, res, '/', {
      kind: problems ? 'error' : 'ok',
      text: `Re-sync requested for ${result.signalled} of ${result.matched} failed deliveries${problems ? ` (${problems} could not be signalled)` : ''}.`,
    });
  });
  return router;
}
