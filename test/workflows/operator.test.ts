// Operator actions and outcomes on the real dev server: resync during a wait,
// resync of a failed delivery (fresh ladder), mark processed, 410 Gone,
// Retry-After, search attributes that mirror the state, continue-as-new, and
// workflow history that never holds a secret.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@temporalio/client';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { startReceiver, type Receiver } from '../support/receiver';
import { runTestWorker, testClient, type RunningWorker } from '../support/temporal';
import { deliveryState, insertSubscription, sampleAbsence, sampleEvent, startFixtureDelivery } from '../support/fixtures';
import { workflowIdOf } from '../../src/infra/temporal/deliveryClient';
import { waitFor } from '../support/waitFor';
import { historyText } from '../support/history';
import { markProcessedSignal, resyncSignal, stateQuery, type DeliveryState, type EventState } from '../../workflows/definitions';
import { attemptsKey, statusKey } from '../../workflows/searchAttributes';

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

const hits = (path: string) => receiver.requests.filter((r) => r.path === path);

const handleOf = (id: string) => client.workflow.getHandle(workflowIdOf(id)!);

async function stateOf(id: string): Promise<DeliveryState> {
  return deliveryState(client, id);
}

/** The delivery's final state, from its event workflow's result. */
async function resultOf(id: string): Promise<DeliveryState> {
  const event: EventState = await handleOf(id).result();
  return event.deliveries.find((d) => d.deliveryId === id)!;
}

async function until(id: string, what: string, ok: (s: DeliveryState) => boolean): Promise<DeliveryState> {
  return waitFor(what, async () => {
    const s = await stateOf(id);
    return ok(s) ? s : undefined;
  });
}

describe('delivery workflow: operator actions', () => {
  it('resync during a wait attempts at once; search attributes follow the state', async () => {
    receiver.respondWith((req) => ({ status: req.path === '/wait' && hits('/wait').length < 2 ? 500 : 200 }));
    const sub = await insertSubscription(db.pool, { format: 'standard', url: `${receiver.url}/wait`, retrySchedule: ['1h'] });
    const id = await startFixtureDelivery(db.pool, client, worker.taskQueue, sub, sampleEvent());
    const waiting = await until(id, 'retrying', (s) => s.status === 'retrying');
    assert.equal(waiting.attemptCount, 1);
    assert.ok(Date.parse(waiting.nextAttemptAt!) - Date.now() > 50 * 60_000, 'next attempt is about an hour away');
    const described = await waitFor('search attributes', async () => {
      const d = await handleOf(id).describe();
      return d.typedSearchAttributes.get(statusKey)?.includes('retrying') ? d : undefined;
    });
    assert.equal(described.typedSearchAttributes.get(attemptsKey), 1);
    await handleOf(id).signal(resyncSignal, { deliveryId: id, by: 'ops@example.com', note: 'receiver fixed' });
    const state: DeliveryState = await resultOf(id);
    assert.equal(state.status, 'delivered');
    assert.equal(state.attemptCount, 2);
    assert.deepEqual(state.actions.map((a) => [a.kind, a.by, a.note]), [['resync', 'ops@example.com', 'receiver fixed']]);
    const final = await handleOf(id).describe();
    assert.deepEqual(final.typedSearchAttributes.get(statusKey), ['delivered']);
    assert.equal(final.typedSearchAttributes.get(attemptsKey), 2);
    const row = await db.pool.query('SELECT status, attempts, actions FROM deliveries WHERE id = $1', [id]);
    assert.equal(row.rows[0].status, 'delivered');
    assert.equal(row.rows[0].actions[0].by, 'ops@example.com');
  });

  it('resync of a failed delivery starts a fresh ladder; mark processed closes it with who and why', async () => {
    receiver.respondWith((req) => ({ status: req.path === '/failed' ? 500 : 200 }));
    const sub = await insertSubscription(db.pool, { format: 'aspnet', url: `${receiver.url}/failed`, retrySchedule: ['200ms'] });
    const id = await startFixtureDelivery(db.pool, client, worker.taskQueue, sub, sampleEvent('employee.terminated'));
    const failed = await until(id, 'failed after two attempts', (s) => s.status === 'failed');
    assert.equal(failed.attemptCount, 2);
    assert.equal(failed.nextAttemptAt, null);
    assert.equal(failed.ladderPosition, 1);
    await handleOf(id).signal(resyncSignal, { deliveryId: id, by: 'ops' });
    const again = await until(id, 'failed again after a fresh ladder', (s) => s.status === 'failed' && s.attemptCount === 4);
    assert.equal(again.ladderPosition, 1);
    assert.equal(hits('/failed').length, 4);
    await handleOf(id).signal(markProcessedSignal, { deliveryId: id, by: 'payroll-admin', note: 'fixed by hand in the payroll tool' });
    const closed: DeliveryState = await resultOf(id);
    assert.equal(closed.status, 'processed');
    assert.deepEqual(closed.actions.at(-1), { ...closed.actions.at(-1)!, kind: 'markProcessed', by: 'payroll-admin', note: 'fixed by hand in the payroll tool' });
    const row = await db.pool.query('SELECT status, actions FROM deliveries WHERE id = $1', [id]);
    assert.equal(row.rows[0].status, 'processed');
    assert.ok(row.rows[0].actions.some((a: { kind: string; note: string }) => a.kind === 'markProcessed' && a.note.includes('payroll tool')));
  });

  it('410 Gone ends the delivery and disables the subscription', async () => {
    receiver.respondWith((req) => ({ status: req.path === '/gone' ? 410 : 200 }));
    const sub = await insertSubscription(db.pool, { format: 'standard', url: `${receiver.url}/gone` });
    const id = await startFixtureDelivery(db.pool, client, worker.taskQueue, sub, sampleEvent());
    const state = await until(id, 'failed after 410', (s) => s.status === 'failed');
    assert.equal(state.attemptCount, 1);
    const subRow = await db.pool.query('SELECT enabled, disabled_reason FROM subscriptions WHERE id = $1', [sub.id]);
    assert.equal(subRow.rows[0].enabled, false);
    assert.match(subRow.rows[0].disabled_reason, /410/);
    const second = await startFixtureDelivery(db.pool, client, worker.taskQueue, sub, sampleEvent());
    const cancelled: DeliveryState = await resultOf(second);
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(hits('/gone').length, 1, 'nothing is sent to a disabled subscription');
  });

  it('Retry-After stretches the wait beyond the ladder step', async () => {
    receiver.respondWith((req) => (req.path === '/busy' ? { status: 503, headers: { 'retry-after': '120' } } : { status: 200 }));
    const sub = await insertSubscription(db.pool, { format: 'standard', url: `${receiver.url}/busy`, retrySchedule: ['1s', '1s'] });
    const id = await startFixtureDelivery(db.pool, client, worker.taskQueue, sub, sampleEvent());
    const state = await until(id, 'retrying', (s) => s.status === 'retrying');
    const wait = Date.parse(state.nextAttemptAt!) - Date.parse(state.attempts[0]!.at);
    assert.ok(wait >= 119_000 && wait < 130_000, `waits ${wait} ms`);
    await handleOf(id).signal(markProcessedSignal, { deliveryId: id, by: 'test', note: 'cleanup' });
    assert.equal((await resultOf(id)).status, 'processed');
  });

  it('continues as new when history grows, keeping its state', async () => {
    receiver.respondWith((req) => ({ status: req.path === '/can' ? 500 : 200 }));
    const sub = await insertSubscription(db.pool, { format: 'standard', url: `${receiver.url}/can`, retrySchedule: ['50ms', '50ms', '50ms', '50ms', '50ms', '50ms'] });
    const id = await startFixtureDelivery(db.pool, client, worker.taskQueue, sub, sampleEvent(), { historyLimit: 20 });
    const state = await until(id, 'failed across runs', (s) => s.status === 'failed');
    assert.equal(state.attemptCount, 7);
    const { runs } = await handleOf(id).query(stateQuery);
    assert.ok(runs > 1, `ran ${runs} runs`);
    const history = await handleOf(id).fetchHistory();
    assert.ok((history.events?.length ?? 0) < 60, 'the current run history stays short');
    await handleOf(id).signal(markProcessedSignal, { deliveryId: id, by: 'test', note: 'cleanup' });
  });

  it('workflow history never contains the secret or the authorization value', async () => {
    receiver.respondWith({ status: 200 });
    const secret = 'whsec_' + Buffer.from('history-must-not-see-this-secret!').toString('base64');
    const authorization = 'Basic c2VjcmV0LWF1dGgtdmFsdWUtbmV2ZXItaW4taGlzdG9yeQ==';
    const std = await insertSubscription(db.pool, { format: 'standard', url: `${receiver.url}/h1`, secret });
    const luc = await insertSubscription(db.pool, { format: 'lucca', url: `${receiver.url}/h2`, authorization });
    const a = await startFixtureDelivery(db.pool, client, worker.taskQueue, std, sampleEvent());
    const b = await startFixtureDelivery(db.pool, client, worker.taskQueue, luc, sampleEvent('leave.approved', sampleAbsence()));
    for (const id of [a, b]) {
      assert.equal((await resultOf(id)).status, 'delivered');
      const text = await historyText(client, workflowIdOf(id)!);
      assert.ok(text.includes(id) && text.includes('ladderMs'), 'history payloads were decoded');
      for (const needle of [secret, secret.slice(6), authorization, 'c2VjcmV0LWF1dGgtdmFsdWUtbmV2ZXItaW4taGlzdG9yeQ']) {
        assert.ok(!text.includes(needle), `history of ${id} contains a secret`);
      }
    }
    assert.equal(hits('/h2')[0]!.headers.authorization, authorization, 'the receiver did get the authorization value');
  });
});
