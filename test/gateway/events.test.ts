// POST /v1/events end to end: real Postgres, Temporal dev server, worker and receiver.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { verifyMs } from '../../src/domain/signing/signature';
import { startEventStarter } from '../../src/app/ingest/starter';
import { createLogger } from '../../src/infra/observability/log';
import { createPool } from '../../src/infra/db/pool';
import { createApp } from '../../src/interfaces/api/app';
import { testBox } from '../support/temporal';
import { api, employeeEvent, eventually, leaveEvent, sleep, startHarness, unreachableTemporal, type Harness } from './harness';

describe('POST /v1/events', () => {
  let h: Harness;
  const subs: Record<string, { id: string; secret?: string }> = {};

  before(async () => {
    h = await startHarness();
    const admin = api(h.app, h.adminKey);
    const make = async (key: string, body: Record<string, unknown>) => {
      const res = await admin.post('/v1/subscriptions', { name: key, url: `${h.receiver.url}/${key}`, ...body });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      subs[key] = { id: res.body.id, secret: res.body.secret };
    };
    await make('lucca-all', { format: 'lucca', events: '*', authorization: 'Basic lucca-all-token' });
    await make('lucca-approved', { format: 'lucca', events: '*', mode: 'approved', authorization: 'Basic approved-token' });
    await make('aspnet', { format: 'aspnet', events: '*' });
    await make('standard', { format: 'standard', events: ['leave.approved', 'employee.created'] });
    await make('disabled', { format: 'aspnet', events: '*', enabled: false });
  });
  after(() => h.close());

  const byPath = (path: string) => h.receiver.requests.filter((r) => r.path === path);

  test('delivers signed requests to exactly the matching subscriptions, in each format', async () => {
    const created = leaveEvent('leave.created');
    const res1 = await api(h.app, h.producerKey).post('/v1/events', created);
    assert.equal(res1.status, 202, JSON.stringify(res1.body));
    assert.equal(res1.body.eventId, created.id);
    assert.deepEqual(res1.body.deliveries.map((d: { subscriptionId: string }) => d.subscriptionId).sort(), [subs['lucca-all']!.id, subs.aspnet!.id].sort());
    await h.receiver.waitForRequests(2, 15_000);

    const approved = leaveEvent('leave.approved');
    const res2 = await api(h.app, h.producerKey).post('/v1/events', approved);
    assert.equal(res2.status, 202);
    assert.equal(res2.body.deliveries.length, 4);
    await h.receiver.waitForRequests(6, 15_000);
    await sleep(500);
    assert.equal(h.receiver.requests.length, 6, `requests: ${h.receiver.requests.map((r) => `${r.path} ${r.headers['x-event'] ?? ''} ${r.headers['webhook-id'] ?? r.headers['ms-signature'] ?? ''}`).join('; ')}`);

    const luccaAll = byPath('/lucca-all');
    assert.deepEqual(luccaAll.map((r) => r.headers['x-event']).sort(), ['approved', 'created']);
    assert.equal(luccaAll[0]!.headers.authorization, 'Basic lucca-all-token');
    assert.equal(JSON.parse(luccaAll[0]!.body.toString()).length, 4);
    const approvedOnly = byPath('/lucca-approved');
    assert.deepEqual(approvedOnly.map((r) => r.headers['x-event']), ['approved']);

    const aspnet = byPath('/aspnet');
    assert.equal(aspnet.length, 2);
    for (const r of aspnet) assert.ok(verifyMs(subs.aspnet!.secret!, r.body, r.headers['ms-signature'] as string));

    const standard = byPath('/standard');
    assert.equal(standard.length, 1);
    const payload = new Webhook(subs.standard!.secret!).verify(standard[0]!.body.toString(), standard[0]!.headers as Record<string, string>);
    assert.equal((payload as { type: string }).type, 'leave.approved');
    assert.equal(byPath('/disabled').length, 0);
  });

  test('same id twice → same answer and one request per subscription; different body → 409', async () => {
    const before = h.receiver.requests.length;
    const event = employeeEvent();
    const first = await api(h.app, h.producerKey).post('/v1/events', event);
    const second = await api(h.app, h.producerKey).post('/v1/events', { ...event });
    assert.equal(first.status, 202);
    assert.equal(second.status, 202);
    assert.deepEqual(second.body.deliveries.map((d: { id: string }) => d.id), first.body.deliveries.map((d: { id: string }) => d.id));
    assert.equal(second.headers['idempotent-replayed'], 'true');
    await h.receiver.waitForRequests(before + 2, 15_000);
    const again = await api(h.app, h.producerKey).post('/v1/events', event);
    assert.equal(again.status, 202);
    await sleep(1_000);
    assert.equal(h.receiver.requests.length, before + 2);

    const changed = await api(h.app, h.producerKey).post('/v1/events', { ...event, data: { id: 43 } });
    assert.equal(changed.status, 409);
    assert.match(changed.headers['content-type']!, /application\/problem\+json/);
  });

  test('Temporal down → still 202 (stored, pending); a retry through a working gateway delivers exactly once', async () => {
    const before = h.receiver.requests.length;
    const event = employeeEvent('employee.created');
    const down = h.appWith({ temporal: unreachableTemporal() });
    const res = await api(down, h.producerKey).post('/v1/events', event);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.deepEqual(res.body.deliveries.map((d: { status: string }) => d.status), ['pending', 'pending']);
    const retry = await api(h.app, h.producerKey).post('/v1/events', event);
    assert.equal(retry.status, 202);
    await h.receiver.waitForRequests(before + 2, 15_000);
    await api(h.app, h.producerKey).post('/v1/events', event);
    await sleep(1_000);
    assert.equal(h.receiver.requests.length, before + 2);
  });

  test('Temporal unreachable: 202 with the deliveries pending, then the re-drive pass starts them once', async () => {
    const before = h.receiver.requests.length;
    const event = employeeEvent('employee.created');
    const res = await api(h.appWith({ temporal: unreachableTemporal() }), h.producerKey).post('/v1/events', event);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.deepEqual(res.body.deliveries.map((d: { status: string }) => d.status), ['pending', 'pending']);
    const { rows } = await h.db.pool.query('SELECT workflow_started FROM deliveries WHERE event_id = $1', [event.id]);
    assert.deepEqual(rows.map((r) => r.workflow_started), [false, false]);
    const starter = startEventStarter(
      { pool: h.db.pool, temporal: h.temporal, taskQueue: h.taskQueue, log: createLogger('silent') },
      { redriveIntervalMs: 0, redriveOlderThanMs: 0 },
    );
    assert.equal(await starter.runOnce(), 2);
    assert.equal(await starter.runOnce(), 0);
    await starter.stop();
    await h.receiver.waitForRequests(before + 2, 15_000);
    const retry = await api(h.app, h.producerKey).post('/v1/events', event);
    assert.equal(retry.status, 202);
    await sleep(1_000);
    assert.equal(h.receiver.requests.length, before + 2);
  });

  test('Postgres down → 503, nothing stored', async () => {
    const pool = createPool('postgres://nobody@127.0.0.1:1/none');
    const app = createApp({ pool, temporal: h.temporal, taskQueue: h.taskQueue, box: testBox, config: h.config, log: createLogger('silent') });
    const res = await api(app, h.producerKey).post('/v1/events', employeeEvent());
    assert.equal(res.status, 503);
    await pool.end();
  });

  test('every accepted delivery ends delivered in the Postgres mirror', async () => {
    await eventually(async () => {
      const r = await h.db.pool.query("SELECT count(*)::int AS n FROM deliveries WHERE status <> 'delivered'");
      return r.rows[0].n === 0 ? true : undefined;
    }, 10_000, 'all delivered');
  });
});
