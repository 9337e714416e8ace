// The retry ladders on the time-skipping server: each attempt fires after the
// ladder's delay, the delivery ends failed when the ladder is exhausted, and a
// receiver that recovers mid-ladder ends it delivered with no further attempt.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { startReceiver, type Receiver } from '../support/receiver';
import { runTestWorker, startTimeSkipping, type RunningWorker } from '../support/temporal';
import { deliveryState, insertSubscription, sampleAbsence, sampleEvent, startFixtureDelivery } from '../support/fixtures';
import { workflowIdOf } from '../../src/infra/temporal/deliveryClient';
import type { DeliveryState } from '../../workflows/definitions';

const MIN = 60_000;
let db: TestDatabase;
let receiver: Receiver;
let env: TestWorkflowEnvironment;
let worker: RunningWorker;

before(async () => {
  db = await createTestDatabase();
  receiver = await startReceiver();
  env = await startTimeSkipping();
  worker = await runTestWorker({ pool: db.pool, connection: env.nativeConnection });
});
after(async () => {
  await worker.stop();
  await env.teardown();
  await receiver.close();
  await db.drop();
});

function gaps(state: DeliveryState): number[] {
  return state.attempts.slice(1).map((a, i) => Date.parse(a.at) - Date.parse(state.attempts[i]!.at));
}

function assertGaps(actual: number[], expected: number[]): void {
  assert.equal(actual.length, expected.length, `gaps ${actual} vs ${expected}`);
  actual.forEach((gap, i) => {
    assert.ok(Math.abs(gap - expected[i]!) < 5_000, `gap ${i + 1}: ${gap} ms, expected ${expected[i]} ms`);
  });
}

async function requestsTo(path: string): Promise<number> {
  return receiver.requests.filter((r) => r.path === path).length;
}

describe('retry ladders (time-skipping)', () => {
  it('lucca: attempts at +0, 5 min, 15 min, 1 h, 24 h, then failed', async () => {
    receiver.respondWith((req) => ({ status: req.path === '/lucca' ? 500 : 200 }));
    const sub = await insertSubscription(db.pool, { format: 'lucca', url: `${receiver.url}/lucca`, authorization: 'Basic YWxhZGRpbjpvcGVuc2VzYW1l' });
    const id = await startFixtureDelivery(db.pool, env.client, worker.taskQueue, sub, sampleEvent('leave.approved', sampleAbsence()), { searchAttributes: false });
    await env.sleep('26 hours');
    const state = await deliveryState(env.client, id);
    assert.equal(state.status, 'failed');
    assert.equal(state.attemptCount, 5);
    assertGaps(gaps(state), [5 * MIN, 15 * MIN, 60 * MIN, 24 * 60 * MIN]);
    assert.equal(await requestsTo('/lucca'), 5);
    assert.deepEqual(state.attempts.map((a) => a.outcome), ['retry', 'retry', 'retry', 'retry', 'failed'], 'the last attempt says failed');
    const row = await db.pool.query('SELECT status, attempts FROM deliveries WHERE id = $1', [id]);
    assert.deepEqual(row.rows[0], { status: 'failed', attempts: 5 });
    const outcomes = await db.pool.query('SELECT outcome FROM attempts WHERE delivery_id = $1 ORDER BY number', [id]);
    assert.deepEqual(outcomes.rows.map((r) => r.outcome), ['retry', 'retry', 'retry', 'retry', 'failed']);
  });

  it('aspnet: retries after 1, 2, 4, 8, 15, 30, 60 min and fails after exactly 8 attempts', async () => {
    receiver.respondWith((req) => ({ status: req.path === '/aspnet' ? 503 : 200 }));
    const sub = await insertSubscription(db.pool, { format: 'aspnet', url: `${receiver.url}/aspnet` });
    const id = await startFixtureDelivery(db.pool, env.client, worker.taskQueue, sub, sampleEvent('payrun.finalised', { PayRunId: 99 }), { searchAttributes: false });
    await env.sleep('3 hours');
    const state = await deliveryState(env.client, id);
    assert.equal(state.status, 'failed');
    assert.equal(state.attemptCount, 8);
    assertGaps(gaps(state), [1, 2, 4, 8, 15, 30, 60].map((m) => m * MIN));
    const bodies = receiver.requests.filter((r) => r.path === '/aspnet').map((r) => JSON.parse(r.body.toString('utf8')));
    assert.deepEqual(bodies.map((b) => b.Attempt), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.equal(new Set(bodies.map((b) => b.Id)).size, 1, 'the work item Id is stable across attempts');
    const signatures = receiver.requests.filter((r) => r.path === '/aspnet').map((r) => r.headers['ms-signature']);
    assert.equal(new Set(signatures).size, 8, 'each attempt is signed anew');
  });

  it('a receiver that recovers mid-ladder ends delivered with no further attempt', async () => {
    let calls = 0;
    receiver.respondWith((req) => (req.path === '/recover' ? { status: ++calls <= 2 ? 500 : 200 } : { status: 200 }));
    const sub = await insertSubscription(db.pool, { format: 'standard', url: `${receiver.url}/recover` });
    const id = await startFixtureDelivery(db.pool, env.client, worker.taskQueue, sub, sampleEvent(), { searchAttributes: false });
    const state = (await env.client.workflow.getHandle(workflowIdOf(id)!).result()).deliveries[0]!;
    assert.equal(state.status, 'delivered');
    assert.equal(state.attemptCount, 3);
    assertGaps(gaps(state), [5_000, 5 * MIN]);
    await env.sleep('30 hours');
    assert.equal(await requestsTo('/recover'), 3);
    const ids = new Set(receiver.requests.filter((r) => r.path === '/recover').map((r) => r.headers['webhook-id']));
    assert.equal(ids.size, 1, 'webhook-id is stable across attempts');
  });

  it('honours a subscription ladder override', async () => {
    receiver.respondWith((req) => ({ status: req.path === '/custom' ? 500 : 200 }));
    const sub = await insertSubscription(db.pool, { format: 'standard', url: `${receiver.url}/custom`, retrySchedule: ['1m', '10m', '2h'] });
    const id = await startFixtureDelivery(db.pool, env.client, worker.taskQueue, sub, sampleEvent(), { searchAttributes: false });
    await env.sleep('3 hours');
    const state = await deliveryState(env.client, id);
    assert.equal(state.status, 'failed');
    assertGaps(gaps(state), [MIN, 10 * MIN, 120 * MIN]);
  });
});
