// Home: the administrator's error to-do list (../../app/readModels/todoList.ts). Counts by status on top, then
// failed deliveries not yet processed (newest first), grouped by subscription with a "Re-sync all failed" button
// for each. Subscriptions that cannot be used as they are (e.g. an unreadable secret) are named on top and
// flagged on their group; paused ones get one line each with "Resume now".
import { Router, type Request, type RequestHandler } from 'express';
import { resyncFailed } from '../../app/deliveries/bulkResync';
import { todoList, type FailedGroup, type PausedSubscription, type TodoList } from '../../app/readModels/todoList';
import { resumeNow } from '../../app/subscriptions/resume';
import type { DeliveryStatus } from '../../../workflows/definitions';
import { BulkForm } from './bulkActions';
import { ProblemBadge, StatusBadge } from './components/badges';
import { DashboardChartsSection } from './components/DashboardCharts';
import { ActionButton } from './components/forms';
import { AttentionBanner, EmptyState } from './components/notices';
import { Time } from './components/Time';
import { DeliveryTable } from './deliveryTable';
import { IfCanAct } from './components/acting';
import { inScope, redirectWithFlash, sendPage, sessionOf, type UiDeps } from './respond';

const TODO_LIMIT = 200;
const COUNTED: DeliveryStatus[] = ['delivered', 'retrying', 'queued', 'failed', 'processed', 'pending', 'cancelled'];
const BULK_FORM = 'bulk-todo';

function CountCards({ counts }: { counts: TodoList['counts'] }) {
  const value = (s: DeliveryStatus) => (s === 'pending' ? counts.pending + counts.delivering : counts[s]);
  return (
    <section class="counts" aria-label="Deliveries by status">
      {COUNTED.map((s) => <a class="count" href={`/deliveries?status=${s}`}><b>{value(s)}</b><StatusBadge status={s} /></a>)}
    </section>
  );
}

/** One line per paused subscription, instead of one per delivery it holds back. */
function PausedSection({ paused, csrf }: { paused: PausedSubscription[]; csrf: string }) {
  if (paused.length === 0) return null;
  return (
    <section class="group" id="paused" aria-label="Paused subscriptions">
      <h2>Paused subscriptions</h2>
      {paused.map((p) => (
        <div class="paused-line" data-subscription={p.subscriptionId} data-waiting={p.waiting}>
          <p>
            <b><a href={`/subscriptions/${encodeURIComponent(p.subscriptionId)}`}>{p.name}</a></b> unreachable since <Time iso={p.pausedAt.toISOString()} />,{' '}
            <b>{p.waiting}</b> {p.waiting === 1 ? 'delivery' : 'deliveries'} waiting{' '}
            <span class="muted">(paused after {p.consecutiveFailures} failed attempts in a row; a probe is sent on a backing-off schedule and the first success resumes it)</span>
          </p>
          <ActionButton
            action={`/subscriptions/${encodeURIComponent(p.subscriptionId)}/resume`}
            label="Resume now"
            csrf={csrf}
            confirm={`Resume "${p.name}" now? Its ${p.waiting} waiting deliveries go out in order, at its rate limit.`}
          />
        </div>
      ))}
    </section>
  );
}

function SubscriptionFilter({ todo, selected }: { todo: TodoList; selected?: string }) {
  return (
    <div class="group">
      <h2>Failed deliveries to look after</h2>
      <form class="filters" method="get" action="/">
        <label>Subscription <select name="subscription">
          <option value="">All subscriptions</option>
          {todo.subscriptions.map((s) => (
            <option value={s.id} selected={s.id === selected}>{s.name}{s.error ? ' (needs attention)' : ''}</option>
          ))}
        </select></label>
        <button class="btn" type="submit">Filter</button>
      </form>
    </div>
  );
}

function FailedGroupSection({ group, more, csrf }: { group: FailedGroup; more: boolean; csrf: string }) {
  return (
    <>
      <div class="group">
        <h3>{group.subscriptionName} <span class="muted">· {group.items.length}{more ? '+' : ''} failed</span>
          {group.problem ? <> <a href={`/subscriptions#sub-${group.subscriptionId}`}><ProblemBadge reason={group.problem} /></a></> : null}</h3>
        <ActionButton
          action={`/subscriptions/${encodeURIComponent(group.subscriptionId)}/resync-failed`}
          label="Re-sync all failed"
          csrf={csrf}
          confirm={`Re-sync every failed delivery of "${group.subscriptionName}" now?`}
        />
      </div>
      <DeliveryTable items={group.items} columns={['lastError', 'failedAt']} bulkForm={BULK_FORM} />
    </>
  );
}

/** The empty list's sentence: "nothing to do" only when no paused or broken subscription above needs the admin either. */
function noFailedDelivery(paused: number, broken: number): string {
  if (paused) return `No failed delivery, but ${paused === 1 ? 'the paused subscription above holds its' : `the ${paused} paused subscriptions above hold their`} deliveries: resume once the receiver is back.`;
  if (broken) return `No failed delivery, but ${broken === 1 ? 'the subscription above needs' : `the ${broken} subscriptions above need`} attention.`;
  return 'Nothing to do: no failed delivery is waiting for you.';
}

function TodoPage({ todo, csrf, selected, back }: { todo: TodoList; csrf: string; selected?: string; back: string }) {
  return (
    <>
      <h1>To-do</h1>
      <AttentionBanner broken={todo.broken} />
      <PausedSection paused={todo.paused} csrf={csrf} />
      <CountCards counts={todo.counts} />
      <DashboardChartsSection charts={todo.charts} heading={selected ? 'Activity of the selected subscription' : 'Activity'} />
      <SubscriptionFilter todo={todo} selected={selected} />
      {todo.failed.length ? <IfCanAct><BulkForm id={BULK_FORM} csrf={csrf} back={back} /></IfCanAct> : null}
      {todo.failed.length === 0
        ? <EmptyState text={noFailedDelivery(todo.paused.length, todo.broken.length)} />
        : todo.failed.map((group) => <FailedGroupSection group={group} more={todo.more} csrf={csrf} />)}
      {todo.more ? <p class="muted">Showing the newest {TODO_LIMIT}. <a href="/deliveries?status=failed">See them all</a>.</p> : null}
      <p class="muted">A failed delivery leaves this list when it is re-synced successfully or marked as processed.</p>
    </>
  );
}

function queryString(req: Request, name: string): string | undefined {
  const v = req.query[name];
  return typeof v === 'string' && v !== '' ? v.slice(0, 100) : undefined;
}

export function todoRoutes(deps: UiDeps, chains: { page: RequestHandler[]; action: RequestHandler[] }): Router {
  const router = Router();

  router.get('/', ...chains.page, async (req, res) => {
    const selected = queryString(req, 'subscription');
    const todo = await todoList(inScope(deps, res), { subscriptionId: selected, limit: TODO_LIMIT });
    const page = <TodoPage todo={todo} csrf={sessionOf(res)!.csrf} selected={selected} back={req.originalUrl} />;
    sendPage(req, res, { title: 'To-do', active: 'todo' }, page);
  });

  router.post('/subscriptions/:id/resume', ...chains.action, async (req, res) => {
    const outcome = await resumeNow(inScope(deps, res), req.params.id as string, sessionOf(res)!.name);
    redirectWithFlash(req, res, '/', outcome.ok
      ? { kind: 'ok', text: outcome.wasPaused ? 'Resumed: the waiting deliveries are going out in order.' : 'This subscription was not paused.' }
      : { kind: 'error', text: 'There is no such subscription.' });
  });

  router.post('/subscriptions/:id/resync-failed', ...chains.action, async (req, res) => {
    const by = sessionOf(res)!.name;
    const result = await resyncFailed(deps.temporal, inScope(deps, res).pool, { subscriptionId: req.params.id as string }, by, 'bulk re-sync from the web interface');
    const problems = result.notFound.length + result.failed.length;
    redirectWithFlash(req, res, '/', {
      kind: problems ? 'error' : 'ok',
      text: `Re-sync requested for ${result.signalled} of ${result.matched} failed deliveries${problems ? ` (${problems} could not be signalled)` : ''}.`,
    });
  });
  return router;
}
