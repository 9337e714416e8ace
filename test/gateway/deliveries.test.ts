// Follow-up API end to end: search and pagination, detail, resync, mark processed, bulk resync,
// dashboard, test messages, rotation, disabling; and secrets never leak to responses, logs or history.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import type request from 'supertest';
import { api, employeeEvent, eventually, leaveEvent, startHarness, type Harness } from './harness';
import { workflowIdOf } from '../../src/infra/temporal/deliveryClient';
import { historyText } from '../support/history';

describe('follow-up API', () => {
  let h: Harness;
  const seen: string[] = [];
  const revealing: string[] = [];
  const secrets: string[] = [];
  const subs: Record<string, string> = {};
  let admin: ReturnType<typeof api>;
  /** Keeps every answer's text; `reveals` marks the create/rotate answers, the only ones allowed a secret. */
  const record = async (p: Promise<request.Response> | request.Test, reveals = false) => {
    const res = await p;
    (reveals ? revealing : seen).push(res.text ?? '');
    return res;
  };
  const statusOf = async (id: string) => (await h.db.pool.query('SELECT status FROM deliveries WHERE id = $1', [id])).rows[0]?.status;
  const waitStatus = (id: string, status: string, timeoutMs = 15_000) =>
    eventually(async () => ((await statusOf(id)) === status ? true : undefined), timeoutMs, `${id} ${status}`);

  before(async () => {
    h = await startHarness();
    admin = api(h.app, h.adminKey);
    h.receiver.respondWith((req) => (req.path.startsWith('/fail') ? { status: 500, body: 'nope' } : { status: 200 }));
    const make = async (key: string, body: Record<string, unknown>) => {
      const res = await record(admin.post('/v1/subscriptions', { name: key, url: `${h.receiver.url}/${key}`, ...body }), true);
      assert.equal(res.status, 201, res.text);
      subs[key] = res.body.id;
      if (res.body.secret) secrets.push(res.body.secret);
      if (res.body.authorization) secrets.push(res.body.authorization);
    };
    await make('ok', { format: 'standard', events: '*' });
    // unordered: three events of one employee each fail on their own (ordering would queue two behind the first)
    await make('fail', { format: 'aspnet', events: '*', retrySchedule: ['1s'], ordering: 'none' });
    await make('lucca', { format: 'lucca', events: '*', authorization: 'Bearer lucca-very-secret-token-123' });
    assert.equal(secrets.length, 3);
    for (let i = 0; i < 3; i++) {
      assert.equal((await admin.post('/v1/events', employeeEvent('employee.created'))).status, 202);
    }
    assert.equal((await admin.post('/v1/events', leaveEvent('leave.approved', { ownerName: 'Grace Hopper' }))).status, 202);
    await eventually(async () => {
      const r = await h.db.pool.query("SELECT count(*)::int AS n FROM deliveries WHERE status IN ('delivered', 'failed')");
      return r.rows[0].n === 9 ? true : undefined;
    }, 20_000, '9 deliveries settled');
  });
  after(() => h.close());

  test('list: filters and cursor pagination', async () => {
    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await record(admin.get(`/v1/deliveries?limit=2${cursor ? `&cursor=${cursor}` : ''}`));
      assert.equal(res.status, 200);
      assert.ok(res.body.items.length <= 2);
      all.push(...res.body.items.map((d: { id: string }) => d.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    assert.equal(all.length, 9);
    assert.equal(new Set(all).size, 9);
    const failed = await record(admin.get('/v1/deliveries?status=failed'));
    assert.equal(failed.body.items.length, 4);
    assert.ok(failed.body.items.every((d: { subscriptionId: string; status: string }) => d.subscriptionId === subs.fail && d.status === 'failed'));
    assert.equal((await admin.get(`/v1/deliveries?subscriptionId=${subs.lucca}`)).body.items.length, 1);
    assert.equal((await admin.get('/v1/deliveries?eventType=leave.approved')).body.items.length, 3);
    const byName = await admin.get('/v1/deliveries?q=hopper');
    assert.equal(byName.body.items.length, 3);
    assert.equal(byName.body.items[0].subject.name, 'Grace Hopper');
    assert.equal((await admin.get('/v1/deliveries?q=Ada%20Lovelace')).body.items.length, 6);
    assert.equal((await admin.get('/v1/deliveries?since=2999-01-01T00:00:00Z')).body.items.length, 0);
    assert.equal((await admin.get('/v1/deliveries?cursor=garbage')).status, 400);
    assert.equal((await admin.get('/v1/deliveries?status=lost')).status, 400);
  });

  test('detail: attempts with redacted headers and responses, live state, Temporal link', async () => {
    const id = (await admin.get('/v1/deliveries?status=failed&limit=1')).body.items[0].id;
    const res = await record(admin.get(`/v1/deliveries/${id}`));
    assert.equal(res.status, 200);
    assert.equal(res.body.attempts.length, 2);
    const [first] = res.body.attempts;
    assert.equal(first.response.status, 500);
    assert.equal(first.response.body, 'nope');
    assert.equal(first.request.headers['ms-signature'], '[redacted]');
    assert.match(first.request.body, /"Attempt": 1/);
    assert.equal(res.body.event.type.split('.')[0].length > 0, true);
    assert.equal(res.body.live.status, 'failed');
    assert.equal(res.body.live.attemptCount, 2);
    assert.equal(res.body.temporalUrl, `http://temporal-ui.test/namespaces/default/workflows/${workflowIdOf(id)}`);
  });

  test('dashboard: counts by status and the to-do list', async () => {
    const res = await record(admin.get('/v1/dashboard'));
    assert.equal(res.status, 200);
    assert.equal(res.body.counts.failed, 4);
    assert.equal(res.body.counts.delivered, 5);
    assert.equal(res.body.counts.pending, 0);
    assert.equal(res.body.todo.length, 4);
  });

  test('resync and mark-processed through the API; closed deliveries answer 409', async () => {
    const failed = (await admin.get('/v1/deliveries?status=failed')).body.items.map((d: { id: string }) => d.id);
    h.receiver.respondWith({ status: 200 });
    assert.equal((await record(admin.post(`/v1/deliveries/${failed[0]}/resync`, {}))).status, 202);
    await waitStatus(failed[0], 'delivered');
    assert.equal((await admin.post(`/v1/deliveries/${failed[0]}/resync`, {})).status, 409);

    assert.equal((await admin.post(`/v1/deliveries/${failed[1]}/mark-processed`, {})).status, 400);
    assert.equal((await record(admin.post(`/v1/deliveries/${failed[1]}/mark-processed`, { note: 'fixed by hand' }))).status, 202);
    await waitStatus(failed[1], 'processed');
    const detail = await admin.get(`/v1/deliveries/${failed[1]}`);
    assert.ok(detail.body.actions.some((a: { kind: string; by: string; note: string }) => a.kind === 'markProcessed' && a.by === 'test-admin' && a.note === 'fixed by hand'));
    assert.equal((await admin.post(`/v1/deliveries/${failed[1]}/mark-processed`, { note: 'again' })).status, 409);
    assert.equal((await admin.post('/v1/deliveries/dlv_unknown/resync', {})).status, 404);

    const bulk = await record(admin.post('/v1/deliveries/resync', { subscriptionId: subs.fail }));
    assert.equal(bulk.status, 202);
    assert.equal(bulk.body.matched, 2);
    assert.equal(bulk.body.signalled, 2);
    for (const id of failed.slice(2)) await waitStatus(id, 'delivered');
    assert.equal((await admin.get('/v1/dashboard')).body.counts.failed, 0);
  });

  test('test message goes through the normal path', async () => {
    const before = h.receiver.requests.length;
    const res = await record(admin.post(`/v1/subscriptions/${subs.fail}/test`));
    assert.equal(res.status, 202, res.text);
    await waitStatus(res.body.deliveryId, 'delivered');
    const sent = h.receiver.requests.slice(before).find((r) => r.path === '/fail')!;
    const body = JSON.parse(sent.body.toString());
    assert.equal(body.Notifications[0].Type, 'Test Message from Application');
  });

  test('rotate-secret: new secret once, both secrets sign during the grace period', async () => {
    const res = await record(admin.post(`/v1/subscriptions/${subs.ok}/rotate-secret`), true);
    assert.equal(res.status, 200);
    const [oldSecret, newSecret] = [secrets[0]!, res.body.secret as string];
    secrets.push(newSecret);
    assert.notEqual(newSecret, oldSecret);
    assert.equal(res.body.secretCount, 2);
    assert.ok(res.body.secretExpiresAt);
    const before = h.receiver.requests.length;
    await admin.post('/v1/events', employeeEvent('employee.updated'));
    await h.receiver.waitForRequests(before + 2, 15_000);
    const sent = h.receiver.requests.slice(before).find((r) => r.path === '/ok')!;
    for (const secret of [oldSecret, newSecret]) {
      new Webhook(secret).verify(sent.body.toString(), sent.headers as Record<string, string>);
    }
    assert.equal((await admin.post(`/v1/subscriptions/${subs.lucca}/rotate-secret`)).status, 400);
  });

  test('disabling a subscription cancels its open deliveries; delete hides it', async () => {
    const created = await record(admin.post('/v1/subscriptions', { name: 'slow', url: `${h.receiver.url}/fail-slow`, format: 'aspnet', events: ['payrun.finalised'], retrySchedule: ['1h'] }), true);
    secrets.push(created.body.secret);
    h.receiver.respondWith((req) => (req.path.startsWith('/fail') ? { status: 500 } : { status: 200 }));
    const posted = await admin.post('/v1/events', { id: `pay-${Date.now()}`, type: 'payrun.finalised', occurredAt: '2024-01-31T00:00:00Z', data: { id: 9 } });
    const id = posted.body.deliveries.find((d: { subscriptionId: string }) => d.subscriptionId === created.body.id).id;
    await waitStatus(id, 'retrying');
    const patched = await record(admin.patch(`/v1/subscriptions/${created.body.id}`, { enabled: false }));
    assert.equal(patched.body.enabled, false);
    await waitStatus(id, 'cancelled');
    assert.equal((await admin.delete(`/v1/subscriptions/${created.body.id}`)).status, 204);
    assert.equal((await admin.get(`/v1/subscriptions/${created.body.id}`)).status, 404);
    const list = await record(admin.get('/v1/subscriptions'));
    assert.ok(!list.body.items.some((s: { id: string }) => s.id === created.body.id));
  });

  test('secrets never appear after creation: API responses, logs, workflow history', async () => {
    for (const key of Object.keys(subs)) {
      const res = await record(admin.get(`/v1/subscriptions/${subs[key]}`));
      assert.equal(res.body.secret, undefined);
      assert.equal(res.body.authorization, undefined);
      assert.equal(typeof res.body.hasAuthorization, 'boolean');
    }
    await record(admin.get('/v1/subscriptions'));
    const ids = (await record(admin.get('/v1/deliveries?limit=200'))).body.items.map((d: { id: string }) => d.id);
    for (const id of ids) await record(admin.get(`/v1/deliveries/${id}`));
    assert.ok(secrets.every((secret) => revealing.some((text) => text.includes(secret))), 'each secret was shown once');
    const afterCreation = seen.join('\n');
    const logs = h.logLines.join('');
    assert.ok(logs.length > 0);
    const histories: string[] = [];
    // opened with the payload codec: a secret must not be there even encrypted
    for (const id of ids) histories.push(await historyText(h.temporal, workflowIdOf(id)!));
    const history = histories.join('\n');
    for (const secret of secrets) {
      assert.equal(afterCreation.includes(secret), false, 'secret in an API response');
      assert.equal(logs.includes(secret), false, 'secret in the logs');
      assert.equal(history.includes(secret), false, 'secret in workflow history');
      assert.equal(history.includes(Buffer.from(secret).toString('base64')), false, 'secret (base64) in workflow history');
    }
    const dump = JSON.stringify((await h.db.pool.query('SELECT * FROM subscriptions')).rows);
    for (const secret of secrets) assert.equal(dump.includes(secret), false, 'secret in clear in Postgres');
  });
});
