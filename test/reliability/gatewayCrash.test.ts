// Fault 4: the gateway dies between storing events and starting their workflows (simulated
// deterministically: Temporal unreachable after the commit → still 202, rows left "not started"). A fresh
// gateway's re-driver and the producer's retries then race; each delivery reaches its receiver once.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startEventStarter } from '../../src/app/ingest/starter';
import { createLogger } from '../../src/infra/observability/log';
import type { RecordedRequest } from '../support/receiver';
import { api, employeeEvent, sleep, startHarness, unreachableTemporal, type Harness } from '../gateway/harness';

const EVENTS = 12;
const SUBSCRIPTIONS = 3;
let h: Harness;

before(async () => {
  h = await startHarness();
  const admin = api(h.app, h.adminKey);
  for (const [name, format] of [['std-a', 'standard'], ['std-b', 'standard'], ['asp', 'aspnet']]) {
    const res = await admin.post('/v1/subscriptions', { name, url: `${h.receiver.url}/${name}`, format, events: '*' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
  }
});
after(() => h.close());

const keyOf = (r: RecordedRequest) => `${r.path} ${r.headers['webhook-id'] ?? JSON.parse(r.body.toString()).Id}`;

test('stored but never started: re-driver and producer retries deliver every event once', { timeout: 90_000 }, async () => {
  const events = Array.from({ length: EVENTS }, (_, i) => employeeEvent('employee.updated', `crash-${process.pid}-${i}`));
  const crashing = h.appWith({ temporal: unreachableTemporal() });
  for (const res of await Promise.all(events.map((e) => api(crashing, h.producerKey).post('/v1/events', e)))) {
    assert.equal(res.status, 202, JSON.stringify(res.body));
  }
  const { rows } = await h.db.pool.query(
    'SELECT count(*)::int AS n, count(*) FILTER (WHERE workflow_started)::int AS started FROM deliveries WHERE event_id = ANY($1)',
    [events.map((e) => e.id)],
  );
  assert.deepEqual(rows[0], { n: EVENTS * SUBSCRIPTIONS, started: 0 }, 'stored, nothing started');
  assert.equal(h.receiver.requests.length, 0);

  const restarted = startEventStarter({ pool: h.db.pool, temporal: h.temporal, taskQueue: h.taskQueue, log: createLogger('silent') }, { redriveIntervalMs: 0, redriveOlderThanMs: 0 });
  const producerRetries = events.filter((_, i) => i % 2 === 0).map((e) => api(h.app, h.producerKey).post('/v1/events', e));
  const [redriven, ...retried] = await Promise.all([restarted.runOnce().catch(() => -1), ...producerRetries]);
  for (const res of retried) assert.equal(res.status, 202, JSON.stringify(res.body));
  assert.ok(redriven !== 0, `the re-driver started the rest (${redriven})`);
  await h.receiver.waitForRequests(EVENTS * SUBSCRIPTIONS, 30_000);

  assert.equal(await restarted.runOnce(), 0, 'nothing left to start');
  for (const e of events) assert.equal((await api(h.app, h.producerKey).post('/v1/events', e)).status, 202);
  await restarted.stop();
  await sleep(2_000);
  const distinct = new Set(h.receiver.requests.map(keyOf));
  console.log(`# fault 4: ${EVENTS} events × ${SUBSCRIPTIONS} subscriptions stored unstarted; re-driver pass started ${redriven}, ` +
    `${retried.length} producer retries raced it, then every event retried again; receiver: ${distinct.size} distinct, ${h.receiver.requests.length} requests`);
  assert.equal(distinct.size, EVENTS * SUBSCRIPTIONS);
  assert.equal(h.receiver.requests.length, EVENTS * SUBSCRIPTIONS, 'none twice');
});
