// The circuit breaker on the time-skipping server (issue 15): consecutive failed attempts pause the
// subscription; held deliveries make no request and burn no ladder step; probes follow the schedule;
// the first success resumes it and the backlog drains; paused too long, it is disabled; the admin
// webhook hears each step. Real Postgres, real receiver, real worker.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { startReceiver, type Receiver } from '../support/receiver';
import { runTestWorker, startTimeSkipping, type RunningWorker } from '../support/temporal';
import { insertSubscription, sampleEvent, startFixtureEvent } from '../support/fixtures';
import { waitFor } from '../support/waitFor';
import { breakerWorkflowIdFor } from '../../workflows/breakerDefinitions';
import { DEFAULT_PROBE_SCHEDULE_MS, spanText } from '../../workflows/breaker';

const MIN = 60_000;
// HRHOOKS_PAUSE_DISABLE_AFTER for this file (default 5 days): long enough for the first test's 3 h 17 min of
// pause, short enough for few probes. Each probe is a signal, and the time-skipping server once wrote a signal
// between a workflow task's start and its end (an invalid history the SDK cannot replay: the task then timed
// out for ever); 120 hourly probes over 5 days gave that bug 20 times the chances.
const DISABLE_AFTER_MS = 6 * 60 * MIN;
let db: TestDatabase;
let receiver: Receiver;
let env: TestWorkflowEnvironment;
let worker: RunningWorker;

before(async () => {
  db = await createTestDatabase();
  receiver = await startReceiver();
  env = await startTimeSkipping();
  worker = await runTestWorker({
    pool: db.pool, connection: env.nativeConnection,
    activityOptions: { adminWebhookUrl: `${receiver.url}/admin`, breaker: { disableAfterMs: DISABLE_AFTER_MS } },
  });
});
after(async () => {
  await worker.stop();
  await env.teardown();
  await receiver.close();
  await db.drop();
});

const to = (path: string) => receiver.requests.filter((r) => r.path === path);
const notices = () => to('/admin').map((r) => (JSON.parse(r.body.toString('utf8')) as { type: string }).type);

async function subscription(path: string, pauseAfterFailures: number) {
  const sub = await insertSubscription(db.pool, { format: 'standard', url: `${receiver.url}${path}`, retrySchedule: Array(20).fill('1m') });
  await db.pool.query('UPDATE subscriptions SET pause_after_failures = $2 WHERE id = $1', [sub.id, pauseAfterFailures]);
  return sub;
}

async function send(sub: Awaited<ReturnType<typeof subscription>>, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const [id] = await startFixtureEvent(db.pool, env.client, worker.taskQueue, [sub], sampleEvent('employee.updated', { id: `e${i}` }), { searchAttributes: false });
    ids.push(id!);
  }
  return ids;
}

async function statuses(ids: string[]): Promise<string[]> {
  const { rows } = await db.pool.query('SELECT id, status FROM deliveries WHERE id = ANY($1) ORDER BY id', [ids]);
  return rows.map((r) => r.status as string);
}

/** The delays of the breaker's timers, from its history. */
async function breakerTimers(subscriptionId: string): Promise<number[]> {
  const history = await env.client.workflow.getHandle(breakerWorkflowIdFor(subscriptionId)).fetchHistory();
  return (history.events ?? [])
    .filter((e) => e.timerStartedEventAttributes)
    .map((e) => Number(e.timerStartedEventAttributes!.startToFireTimeout!.seconds) * 1000);
}

describe('circuit breaker (time-skipping)', () => {
  it('pauses after N failures, probes on schedule without other requests, resumes on success and drains the backlog', async () => {
    let up = false;
    receiver.respondWith((req) => ({ status: req.path === '/down' && !up ? 503 : 200 }));
    const sub = await subscription('/down', 3);
    const first = await send(sub, 3);
    await waitFor('three failed first attempts', async () => (to('/down').length === 3 ? true : undefined));
    await waitFor('paused notice', async () => (notices().includes('subscription.paused') ? true : undefined));
    const later = await send(sub, 5);
    await waitFor('new deliveries held', async () => ((await statuses(later)).every((s) => s === 'queued') ? true : undefined));
    assert.equal(to('/down').length, 3, 'held deliveries make no request');

    // 2 h 15 min paused: probes at +5, +15, +35, +75, +135 min; the held deliveries' retries send nothing.
    await env.sleep(136 * MIN);
    assert.equal(to('/down').length, 3 + 5, 'one request per probe, nothing else');
    assert.deepEqual((await breakerTimers(sub.id)).slice(0, 5), DEFAULT_PROBE_SCHEDULE_MS);
    const attempts = await db.pool.query(
      `SELECT d.id, d.attempts FROM deliveries d WHERE d.id = ANY($1) ORDER BY d.id`, [later]);
    assert.ok(attempts.rows.reduce((n, r) => n + r.attempts, 0) <= 5, 'held deliveries burnt no ladder steps (only probes count)');

    up = true;
    await env.sleep(61 * MIN); // the next probe succeeds
    const end = await env.client.workflow.getHandle(breakerWorkflowIdFor(sub.id)).result();
    assert.equal(end, 'resumed');
    await waitFor('backlog drained', async () => ((await statuses([...first, ...later])).every((s) => s === 'delivered') ? true : undefined), 30_000);
    assert.deepEqual(notices().slice(-2), ['subscription.paused', 'subscription.resumed']);
    const flow = await db.pool.query('SELECT 1 FROM deliveries WHERE subscription_id = $1 AND status <> $2', [sub.id, 'delivered']);
    assert.equal(flow.rowCount, 0);
  });

  it('paused past HRHOOKS_PAUSE_DISABLE_AFTER: the subscription is disabled with its reason, its deliveries cancelled, the admin told', async () => {
    receiver.respondWith((req) => ({ status: req.path === '/dead' ? 500 : 200 }));
    const before = notices().length;
    const sub = await subscription('/dead', 2);
    const ids = await send(sub, 4);
    await waitFor('paused notice', async () => (notices().slice(before).includes('subscription.paused') ? true : undefined));
    await env.sleep(DISABLE_AFTER_MS + 2 * MIN);
    const end = await env.client.workflow.getHandle(breakerWorkflowIdFor(sub.id)).result();
    assert.equal(end, 'disabled');
    const row = await db.pool.query('SELECT enabled, disabled_reason FROM subscriptions WHERE id = $1', [sub.id]);
    assert.equal(row.rows[0].enabled, false);
    assert.match(row.rows[0].disabled_reason, /circuit breaker for 6 hours without a successful probe/);
    assert.deepEqual(notices().slice(before), ['subscription.paused', 'subscription.disabled']);
    await waitFor('open deliveries cancelled', async () => ((await statuses(ids)).every((s) => s === 'cancelled') ? true : undefined), 30_000);
    // Before the pause: each of the 4 deliveries at most once (they go out together, and an attempt already past the
    // gate is not called back; 2 failures pause it). Then the probes: 5, 15, 35 and 75 minutes in, then one an hour:
    // at most 4 + 5 over 6 hours. Held deliveries send nothing and their ladders add no request.
    assert.ok(to('/dead').length <= 4 + 4 + 5, `requests to a dead endpoint: ${to('/dead').length}`);
    assert.deepEqual(['5 days', '1.5 days', '6 hours', '90 minutes', '1 minute'], [5 * 24 * 60, 36 * 60, 6 * 60, 90, 1].map((m) => spanText(m * MIN)));
  });
});
