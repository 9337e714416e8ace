// One event workflow fanned out to several subscriptions on the real dev server: each delivery keeps
// its own format, ladder and state; operator actions addressed to one leave the others untouched;
// the state query and the list search attributes reflect every delivery.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@temporalio/client';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { startReceiver, type Receiver } from '../support/receiver';
import { runTestWorker, testClient, type RunningWorker } from '../support/temporal';
import { insertSubscription, sampleAbsence, sampleEvent, startFixtureEvent } from '../support/fixtures';
import { waitFor } from '../support/waitFor';
import { workflowIdOf } from '../../src/infra/temporal/deliveryClient';
import { cancelSignal, markProcessedSignal, resyncSignal, stateQuery, type EventState } from '../../workflows/definitions';
import { attemptsKey, statusKey, subscriptionKey } from '../../workflows/searchAttributes';

let db: TestDatabase;
let receiver: Receiver;
let client: Client;
let worker: RunningWorker;

before(async () => {
  db = await createTestDatabase();
  receiver = await startReceiver();
  client = await testClient();
  worker = await runTestWorker({ pool: db.pool });
});
after(async () => {
  await worker.stop();
  await client.connection.close();
  await receiver.close();
  await db.drop();
});

const hits = (path: string) => receiver.requests.filter((r) => r.path === path).length;

async function eventState(workflowId: string, what: string, ok: (s: EventState) => boolean): Promise<EventState> {
  return waitFor(what, async () => {
    const s = await client.workflow.getHandle(workflowId).query(stateQuery);
    return ok(s) ? s : undefined;
  });
}

const statusOf = (s: EventState, id: string) => s.deliveries.find((d) => d.deliveryId === id)!.status;

async function searchAttributes(workflowId: string, what: string, ok: (statuses: string[]) => boolean) {
  return waitFor(what, async () => {
    const d = await client.workflow.getHandle(workflowId).describe();
    const statuses = (d.typedSearchAttributes.get(statusKey) ?? []) as string[];
    return ok(statuses) ? d.typedSearchAttributes : undefined;
  });
}

describe('event workflow: fan-out', () => {
  it('three formats: one fails and retries while the others are delivered; operator actions reach only their delivery', async () => {
    receiver.respondWith((req) => ({ status: req.path === '/flaky' ? 503 : 200 }));
    const lucca = await insertSubscription(db.pool, { format: 'lucca', url: `${receiver.url}/lucca`, authorization: 'Basic Zm9vOmJhcg==' });
    const aspnet = await insertSubscription(db.pool, { format: 'aspnet', url: `${receiver.url}/aspnet` });
    const flaky = await insertSubscription(db.pool, { format: 'standard', url: `${receiver.url}/flaky`, retrySchedule: ['1h', '1h'] });
    const [luccaId, aspnetId, flakyId] = await startFixtureEvent(db.pool, client, worker.taskQueue, [lucca, aspnet, flaky], sampleEvent('leave.approved', sampleAbsence()));
    const workflowId = workflowIdOf(flakyId!)!;
    assert.equal(workflowIdOf(luccaId!), workflowId, 'all deliveries of an event live in one workflow');

    const retrying = await eventState(workflowId, 'two delivered, one retrying', (s) =>
      statusOf(s, luccaId!) === 'delivered' && statusOf(s, aspnetId!) === 'delivered' && statusOf(s, flakyId!) === 'retrying');
    assert.equal(retrying.deliveries.length, 3);
    assert.deepEqual([hits('/lucca'), hits('/aspnet'), hits('/flaky')], [1, 1, 1]);
    const attrs = await searchAttributes(workflowId, 'statuses delivered + retrying', (s) => s.join() === 'delivered,retrying');
    assert.deepEqual((attrs.get(subscriptionKey) as string[]).slice().sort(), [lucca.id, aspnet.id, flaky.id].sort());
    assert.equal(attrs.get(attemptsKey), 3);
    const rows = await db.pool.query('SELECT id, status FROM deliveries WHERE event_id = (SELECT event_id FROM deliveries WHERE id = $1) ORDER BY id', [flakyId]);
    assert.deepEqual(Object.fromEntries(rows.rows.map((r) => [r.id, r.status])), { [luccaId!]: 'delivered', [aspnetId!]: 'delivered', [flakyId!]: 'retrying' });

    // A resync addressed to the flaky delivery attempts it at once, and only it.
    receiver.respondWith({ status: 200 });
    await client.workflow.getHandle(workflowId).signal(resyncSignal, { deliveryId: flakyId!, by: 'ops', note: 'receiver back' });
    const done: EventState = await client.workflow.getHandle(workflowId).result();
    assert.deepEqual(done.deliveries.map((d) => [d.status, d.attemptCount]), [['delivered', 1], ['delivered', 1], ['delivered', 2]]);
    assert.deepEqual([hits('/lucca'), hits('/aspnet'), hits('/flaky')], [1, 1, 2]);
    assert.deepEqual(done.deliveries.map((d) => d.actions.length), [0, 0, 1]);
    await searchAttributes(workflowId, 'all delivered', (s) => s.join() === 'delivered');
  });

  it('mark processed and cancel of one delivery leave the others retrying', async () => {
    receiver.respondWith((req) => ({ status: req.path.startsWith('/down') ? 500 : 200 }));
    const subs = await Promise.all(['a', 'b', 'c'].map((n) => insertSubscription(db.pool, { format: 'standard', url: `${receiver.url}/down-${n}`, retrySchedule: ['1h'] })));
    const [a, b, c] = await startFixtureEvent(db.pool, client, worker.taskQueue, subs, sampleEvent());
    const workflowId = workflowIdOf(a!)!;
    await eventState(workflowId, 'all three retrying', (s) => s.deliveries.every((d) => d.status === 'retrying'));

    await client.workflow.getHandle(workflowId).signal(markProcessedSignal, { deliveryId: a!, by: 'payroll-admin', note: 'entered by hand' });
    await client.workflow.getHandle(workflowId).signal(cancelSignal, { deliveryId: b!, by: 'system', reason: 'subscription deleted' });
    const after = await eventState(workflowId, 'a processed, b cancelled', (s) => statusOf(s, a!) === 'processed' && statusOf(s, b!) === 'cancelled');
    const untouched = after.deliveries.find((d) => d.deliveryId === c)!;
    assert.equal(untouched.status, 'retrying');
    assert.equal(untouched.attemptCount, 1);
    assert.deepEqual(untouched.actions, []);
    assert.ok(untouched.nextAttemptAt && Date.parse(untouched.nextAttemptAt) > Date.now() + 50 * 60_000, 'c still waits on its own ladder');
    await searchAttributes(workflowId, 'statuses cancelled + processed + retrying', (s) => s.join() === 'cancelled,processed,retrying');
    const rows = await db.pool.query('SELECT id, status FROM deliveries WHERE id = ANY($1) ORDER BY id', [[a, b, c]]);
    assert.deepEqual(Object.fromEntries(rows.rows.map((r) => [r.id, r.status])), { [a!]: 'processed', [b!]: 'cancelled', [c!]: 'retrying' });
    assert.equal(receiver.requests.filter((r) => r.path.startsWith('/down')).length, 3, 'no extra attempt for anyone');

    await client.workflow.getHandle(workflowId).signal(markProcessedSignal, { deliveryId: c!, by: 'test', note: 'cleanup' });
    const closed: EventState = await client.workflow.getHandle(workflowId).result();
    assert.deepEqual(closed.deliveries.map((d) => d.status), ['processed', 'cancelled', 'processed']);
  });

  it('an event delivered everywhere at the first attempt completes without a single search-attribute upsert', async () => {
    receiver.respondWith({ status: 200 });
    const subs = await Promise.all(['x', 'y', 'z'].map((n) => insertSubscription(db.pool, { format: 'standard', url: `${receiver.url}/ok-${n}` })));
    const [first] = await startFixtureEvent(db.pool, client, worker.taskQueue, subs, sampleEvent());
    const handle = client.workflow.getHandle(workflowIdOf(first!)!);
    const done: EventState = await handle.result();
    assert.deepEqual(done.deliveries.map((d) => d.status), ['delivered', 'delivered', 'delivered']);
    const history = await handle.fetchHistory();
    const types = (history.events ?? []).map((e) => String(e.eventType));
    assert.equal(types.filter((t) => t === '40' || t.includes('UPSERT_WORKFLOW_SEARCH_ATTRIBUTES')).length, 0, `no upsert in ${types.join(',')}`);
    const described = await handle.describe();
    assert.equal(described.typedSearchAttributes.get(statusKey), undefined, 'HrhooksStatus stays unset');
    assert.deepEqual((described.typedSearchAttributes.get(subscriptionKey) as string[]).slice().sort(), subs.map((x) => x.id).sort());
  });

  it('deliveries due together go out in one local activity; a slow receiver does not hold back the others\' records', async () => {
    receiver.respondWith((req) => (req.path === '/slow' ? { status: 200, delayMs: 4_000 } : { status: 200 }));
    const subs = await Promise.all(['/quick-a', '/quick-b', '/slow'].map((p) => insertSubscription(db.pool, { format: 'standard', url: `${receiver.url}${p}` })));
    const t0 = Date.now();
    const [a, b, slow] = await startFixtureEvent(db.pool, client, worker.taskQueue, subs, sampleEvent());
    const quick = await waitFor('the quick deliveries delivered in Postgres', async () => {
      const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM deliveries WHERE id = ANY($1) AND status = 'delivered'`, [[a, b]]);
      return rows[0].n === 2 ? Date.now() - t0 : undefined;
    });
    assert.ok(quick < 3_000, `recorded ${quick} ms after the start, before the slow receiver answered`);
    const { rows } = await db.pool.query('SELECT status FROM deliveries WHERE id = $1', [slow]);
    assert.notEqual(rows[0].status, 'delivered', 'the slow one is still in flight');
    const handle = client.workflow.getHandle(workflowIdOf(a!)!);
    await handle.result();
    const markers = ((await handle.fetchHistory()).events ?? []).filter((e) => e.markerRecordedEventAttributes);
    assert.equal(markers.length, 1, 'one local activity for the three first attempts');
  });

  it('search attributes find the event of a failed delivery by status', async () => {
    receiver.respondWith((req) => ({ status: req.path === '/fails' ? 500 : 200 }));
    const ok = await insertSubscription(db.pool, { format: 'standard', url: `${receiver.url}/fine` });
    const bad = await insertSubscription(db.pool, { format: 'standard', url: `${receiver.url}/fails`, retrySchedule: ['100ms'] });
    const [, badId] = await startFixtureEvent(db.pool, client, worker.taskQueue, [ok, bad], sampleEvent());
    const workflowId = workflowIdOf(badId!)!;
    await searchAttributes(workflowId, 'delivered + failed', (s) => s.join() === 'delivered,failed');
    const found = await waitFor('list query by status', async () => {
      const ids: string[] = [];
      for await (const wf of client.workflow.list({ query: `HrhooksStatus = "failed" AND HrhooksSubscription = "${bad.id}"` })) ids.push(wf.workflowId);
      return ids.length ? ids : undefined;
    });
    assert.deepEqual(found, [workflowId]);
    await client.workflow.getHandle(workflowId).signal(markProcessedSignal, { deliveryId: badId!, by: 'test', note: 'cleanup' });
  });
});
