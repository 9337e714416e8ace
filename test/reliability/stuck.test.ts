// Issue 12, "nothing gets stuck", through the whole stack (API → Temporal → worker → receiver → Postgres):
// an undecryptable secret fails every attempt visibly and lands on the to-do list; mark processed and
// deleting the subscription close a delivery whose receiver hangs for 60 s within 2 s and cut its
// request off; the worker logs every error with its message, never `{}`.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';
import { createSecretBox } from '../../src/infra/crypto/secretBox';
import { api, startHarness, type Harness } from '../gateway/harness';
import { deliveryState, insertSubscription, sampleEvent, startFixtureDelivery } from '../support/fixtures';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { spawnWorker, type WorkerChild } from '../support/processes';
import { startReceiver, type RecordedRequest, type Receiver } from '../support/receiver';
import { insertSealedSubscription } from '../support/sealedSubscriptions';
import { uniqueTaskQueue } from '../support/temporal';
import { waitFor } from '../support/waitFor';

/** The bound: an operator action takes effect within two seconds, even mid-attempt. */
const OPERATOR_BOUND_MS = 2_000;
const HANG_MS = 60_000;
/** The sibling's hang in the test of an action beside it: the workflow sees both results when it ends. */
const SIBLING_HANG_MS = 6_000;

let h: Harness;

before(async () => {
  // An attempt timeout past the receiver's hang: only the operator action can end these attempts early.
  h = await startHarness({}, { attemptTimeoutMs: 90_000 });
  h.receiver.respondWith((req) => {
    if (req.path === '/hang-sibling-other') return { status: 200, delayMs: SIBLING_HANG_MS };
    return req.path.startsWith('/hang') ? { status: 200, delayMs: HANG_MS } : { status: 200 };
  });
});
after(async () => {
  await h.close();
});

const admin = () => api(h.app, h.adminKey);

async function createSubscription(path: string, eventType: string): Promise<string> {
  const res = await admin().post('/v1/subscriptions', {
    name: `stuck ${path}`, url: `${h.receiver.url}${path}`, format: 'standard', events: [eventType], retrySchedule: ['1s'],
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id;
}

/** Posts one event of this type through the producer API; returns its one delivery id. */
async function postEvent(type: string): Promise<string> {
  const event = { id: `stuck-${crypto.randomBytes(5).toString('hex')}`, type, occurredAt: new Date().toISOString(), data: { id: 7 } };
  const res = await api(h.app, h.producerKey).post('/v1/events', event);
  assert.equal(res.status, 202, JSON.stringify(res.body));
  assert.equal(res.body.deliveries.length, 1, `one subscription takes ${type}`);
  return res.body.deliveries[0].id;
}

async function statusInPostgres(id: string): Promise<string> {
  return (await h.db.pool.query('SELECT status FROM deliveries WHERE id = $1', [id])).rows[0]?.status;
}

async function attemptRows(id: string) {
  return (await h.db.pool.query('SELECT number, outcome, error_kind, error_message, status_code FROM attempts WHERE delivery_id = $1 ORDER BY number', [id])).rows;
}

/** Milliseconds from `t0` until Postgres and the workflow's state query both show `status`, polled every 20 ms. */
async function timeToStatus(id: string, status: string, t0: number, workflowWaitMs = 10_000): Promise<{ postgresMs: number; workflowMs: number }> {
  const [postgresMs, workflowMs] = await Promise.all([
    waitFor(`${id} ${status} in Postgres`, async () => (await statusInPostgres(id)) === status && Date.now() - t0, 10_000, 20),
    waitFor(`${id} ${status} in the workflow`, async () => (await deliveryState(h.temporal, id)).status === status && Date.now() - t0, workflowWaitMs, 20),
  ]);
  return { postgresMs, workflowMs };
}

async function hangingRequest(path: string): Promise<RecordedRequest> {
  return waitFor(`the request to ${path}`, async () => h.receiver.requests.find((r) => r.path === path), 20_000, 20);
}

/** What both operator-action tests check once the delivery closed: one request, cut off, recorded as aborted. */
async function assertCutOff(id: string, path: string, request: RecordedRequest, t0: number): Promise<void> {
  const cutOff = await waitFor(`the receiver to see ${path} closed`, async () => request.closedEarlyAt, 5_000, 20);
  assert.ok(cutOff - t0 < OPERATOR_BOUND_MS, `the receiver's connection was closed ${cutOff - t0} ms after the action`);
  const attempts = await attemptRows(id);
  assert.deepEqual(attempts.map((a) => [a.number, a.outcome, a.error_kind, a.error_message, a.status_code]), [
    [1, 'aborted', 'aborted', 'cancelled by operator', null],
  ]);
  const live = await deliveryState(h.temporal, id);
  assert.deepEqual(live.attempts.map((a) => [a.number, a.outcome, a.error]), [[1, 'aborted', 'aborted: cancelled by operator']]);
  await new Promise((r) => setTimeout(r, 1_500));
  assert.equal(h.receiver.requests.filter((r) => r.path === path).length, 1, 'no attempt follows a closed delivery');
}

test('a secret that cannot be decrypted: every attempt fails with the decrypt error, the delivery ends failed on the to-do list', { timeout: 60_000 }, async () => {
  const stranger = createSecretBox('the key a CLI generated on its own in another folder');
  await insertSealedSubscription(h.db.pool, stranger, { url: `${h.receiver.url}/decrypt`, retrySchedule: ['1s', '1s'], events: ['bank_account.updated'], authorization: null });
  const id = await postEvent('bank_account.updated');
  await waitFor(`${id} failed`, async () => (await statusInPostgres(id)) === 'failed', 30_000);

  const decryptError = new RegExp(`^secret cannot be decrypted with this HRHOOKS_SECRET_KEY \\(key id [0-9a-f]+\\); it was sealed under key id ${stranger.keyId}$`);
  const attempts = await attemptRows(id);
  assert.deepEqual(attempts.map((a) => [a.number, a.outcome, a.error_kind, a.status_code]), [
    [1, 'retry', 'secret', null], [2, 'retry', 'secret', null], [3, 'failed', 'secret', null],
  ]);
  for (const a of attempts) assert.match(a.error_message, decryptError);
  assert.equal(h.receiver.requests.filter((r) => r.path === '/decrypt').length, 0, 'nothing is sent unsigned');

  const detail = await admin().get(`/v1/deliveries/${id}`);
  assert.equal(detail.status, 200);
  assert.equal(detail.body.status, 'failed');
  assert.match(detail.body.lastError, /^secret: secret cannot be decrypted/);
  assert.deepEqual(detail.body.attempts.map((a: { outcome: string; error: { kind: string } }) => [a.outcome, a.error.kind]), [
    ['retry', 'secret'], ['retry', 'secret'], ['failed', 'secret'],
  ]);
  for (const a of detail.body.attempts) assert.match(a.error.message, decryptError);
  assert.equal(detail.body.live.status, 'failed');
  assert.deepEqual(detail.body.live.attempts.map((a: { outcome: string }) => a.outcome), ['retry', 'retry', 'failed']);
  assert.match(detail.body.live.lastError, /^secret: secret cannot be decrypted/);

  const dashboard = await admin().get('/v1/dashboard');
  assert.equal(dashboard.status, 200);
  const todo = dashboard.body.todo.find((d: { id: string }) => d.id === id);
  assert.ok(todo, 'the failed delivery is on the to-do list');
  assert.match(todo.lastError, /secret cannot be decrypted/);
  assert.ok(dashboard.body.counts.failed >= 1);

  const logged = h.workerLogLines.map((l) => JSON.parse(l)).filter((l) => l.deliveryId === id && l.msg === 'delivery attempt');
  assert.equal(logged.length, 3, 'one log line per attempt');
  for (const l of logged) assert.match(l.error, /^secret: secret cannot be decrypted/);
});

test('mark processed while the receiver hangs for 60 s: closed within 2 s, the request cut off, recorded as aborted', { timeout: 60_000 }, async () => {
  await createSubscription('/hang-mark', 'employee.terminated');
  const id = await postEvent('employee.terminated');
  const request = await hangingRequest('/hang-mark');
  assert.equal(await statusInPostgres(id), 'pending', 'the attempt is in flight');

  const t0 = Date.now();
  const res = await admin().post(`/v1/deliveries/${id}/mark-processed`, { note: 'receiver stuck; handled by phone' });
  assert.equal(res.status, 202, JSON.stringify(res.body));
  const { postgresMs, workflowMs } = await timeToStatus(id, 'processed', t0);
  assert.ok(postgresMs < OPERATOR_BOUND_MS, `processed in Postgres after ${postgresMs} ms`);
  assert.ok(workflowMs < OPERATOR_BOUND_MS, `processed in the workflow after ${workflowMs} ms`);
  await assertCutOff(id, '/hang-mark', request, t0);
  const detail = await admin().get(`/v1/deliveries/${id}`);
  assert.equal(detail.body.status, 'processed');
  assert.deepEqual(detail.body.actions.map((a: { kind: string; note: string }) => [a.kind, a.note]), [['markProcessed', 'receiver stuck; handled by phone']]);
  console.log(`# mark processed mid-attempt: Postgres ${postgresMs} ms, workflow ${workflowMs} ms, receiver cut off ${request.closedEarlyAt! - t0} ms`);
});

test('deleting the subscription while its receiver hangs: the in-flight attempt is cut off and the delivery cancelled within 2 s', { timeout: 60_000 }, async () => {
  const sub = await createSubscription('/hang-delete', 'recurring_deduction.updated');
  const id = await postEvent('recurring_deduction.updated');
  const request = await hangingRequest('/hang-delete');

  const t0 = Date.now();
  const res = await admin().delete(`/v1/subscriptions/${sub}`);
  assert.equal(res.status, 204);
  const { postgresMs, workflowMs } = await timeToStatus(id, 'cancelled', t0);
  assert.ok(postgresMs < OPERATOR_BOUND_MS, `cancelled in Postgres after ${postgresMs} ms`);
  assert.ok(workflowMs < OPERATOR_BOUND_MS, `cancelled in the workflow after ${workflowMs} ms`);
  await assertCutOff(id, '/hang-delete', request, t0);
  const live = await deliveryState(h.temporal, id);
  assert.deepEqual(live.actions.map((a) => [a.kind, a.note]), [['cancel', 'subscription deleted']]);
  console.log(`# delete mid-attempt: Postgres ${postgresMs} ms, workflow ${workflowMs} ms, receiver cut off ${request.closedEarlyAt! - t0} ms`);
});

test('the in-process worker never logs an error as {}', () => {
  assert.ok(h.workerLogLines.length > 0, 'the worker logged');
  for (const line of h.workerLogLines) assert.doesNotMatch(line, /"(err|error|cause)":\{\}/, line);
});

test('the worker process, when Postgres refuses an attempt record: bounded local retry, then a failed attempt; logs carry message and cause', { timeout: 90_000 }, async () => {
  const db: TestDatabase = await createTestDatabase();
  const receiver: Receiver = await startReceiver();
  let worker: WorkerChild | null = null;
  try {
    receiver.respondWith({ status: 503 });
    await db.pool.query(`
      CREATE FUNCTION refuse_attempt_records() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.error_kind IS DISTINCT FROM 'worker' THEN
          RAISE EXCEPTION 'attempts table refuses this row (test fault)';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER refuse_attempt_records BEFORE INSERT ON attempts FOR EACH ROW EXECUTE FUNCTION refuse_attempt_records();`);
    const taskQueue = uniqueTaskQueue('stuck');
    worker = spawnWorker({ databaseUrl: db.url, temporalAddress: h.address, taskQueue, env: { LOG_LEVEL: 'info' } });
    await worker.ready;
    const sub = await insertSubscription(db.pool, { format: 'standard', url: `${receiver.url}/hook`, retrySchedule: ['1h'] });
    const id = await startFixtureDelivery(db.pool, h.temporal, taskQueue, sub, sampleEvent());

    const row = await waitFor(`attempt 1 of ${id} recorded by the workflow`, async () =>
      (await db.pool.query('SELECT a.*, d.status, d.last_error FROM attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE a.delivery_id = $1', [id])).rows[0], 60_000);
    assert.equal(row.error_kind, 'worker');
    assert.equal(row.outcome, 'retry');
    assert.match(row.error_message, /^the attempt could not run: .*attempts table refuses this row \(test fault\)/);
    assert.equal(row.status, 'retrying');
    const live = await deliveryState(h.temporal, id);
    assert.equal(live.status, 'retrying');
    assert.match(live.lastError ?? '', /attempts table refuses this row/);
    const sent = receiver.requests.length;
    assert.ok(sent >= 2 && sent <= 4, `the local retry is bounded (${sent} requests for one attempt)`);

    const lines = worker.output().split('\n').filter((l) => l.startsWith('{'));
    for (const line of lines) assert.doesNotMatch(line, /"(err|error|cause)":\{\}/, line);
    const failures = lines.filter((l) => l.includes('attempts table refuses this row'));
    assert.ok(failures.length > 0, `the failure is logged with its message:\n${lines.join('\n')}`);
  } finally {
    await worker?.kill('SIGKILL');
    await receiver.close();
    await db.drop();
  }
});

test('mark processed of one delivery while a sibling delivery of the same event also hangs: closed within 2 s', { timeout: 60_000 }, async () => {
  await createSubscription('/hang-sibling-marked', 'payrun.deleted');
  await createSubscription('/hang-sibling-other', 'payrun.deleted');
  const event = { id: `stuck-${crypto.randomBytes(5).toString('hex')}`, type: 'payrun.deleted', occurredAt: new Date().toISOString(), data: 4242 };
  const res = await api(h.app, h.producerKey).post('/v1/events', event);
  assert.equal(res.status, 202, JSON.stringify(res.body));
  const request = await hangingRequest('/hang-sibling-marked');
  await hangingRequest('/hang-sibling-other');
  const marked = await waitFor('the marked delivery', async () => {
    const { rows } = await h.db.pool.query(`SELECT d.id FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id WHERE d.event_id = $1 AND s.url LIKE '%/hang-sibling-marked'`, [event.id]);
    return rows[0]?.id as string | undefined;
  });
  const t0 = Date.now();
  const done = await admin().post(`/v1/deliveries/${marked}/mark-processed`, { note: 'sibling still hanging' });
  assert.equal(done.status, 202);
  const { postgresMs, workflowMs } = await timeToStatus(marked, 'processed', t0, SIBLING_HANG_MS + 15_000);
  console.log(`# mark processed beside a hanging sibling: Postgres ${postgresMs} ms, workflow ${workflowMs} ms, receiver cut off ${(request.closedEarlyAt ?? NaN) - t0} ms`);
  assert.ok(postgresMs < OPERATOR_BOUND_MS, `processed in Postgres (API, UI) after ${postgresMs} ms`);
  assert.ok((request.closedEarlyAt ?? Infinity) - t0 < OPERATOR_BOUND_MS, 'the receiver was cut off at once');
  // The workflow's own state follows when the attempts started together return: both deliveries of the
  // event went out in one local activity, and the sibling's receiver holds its answer for SIBLING_HANG_MS.
  assert.ok(workflowMs < SIBLING_HANG_MS + 10_000, `processed in the workflow after ${workflowMs} ms`);
  const row = await h.db.pool.query('SELECT status, actions FROM deliveries WHERE id = $1', [marked]);
  assert.equal(row.rows[0].status, 'processed');
  assert.equal(row.rows[0].actions.filter((a: { kind: string }) => a.kind === 'markProcessed').length, 1, 'the action is listed once');
});
