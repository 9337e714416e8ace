// Test messages leave no mess (issue 12), against real Postgres, Temporal, worker and receiver: a subscription
// filtered to leave.approved receives hrhooks.test from its test endpoint, rendered in each format as the README
// documents; producers cannot post hrhooks.test. (The demo: test/scripts/demo.test.ts.)
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { msSignature } from '../../src/domain/signing/signature';
import { api, eventually, startHarness, type Harness } from './harness';

let h: Harness;

async function subscribe(format: string, extra: Record<string, unknown> = {}): Promise<{ id: string; secret?: string }> {
  const res = await api(h.app, h.adminKey).post('/v1/subscriptions', {
    name: `test-message ${format}`, url: `${h.receiver.url}/${format}`, format, events: ['leave.approved'], ...extra,
  });
  assert.equal(res.status, 201, res.text);
  return res.body;
}

/** Sends the test message; returns the request the receiver got and the delivery's final record. */
async function sendTest(subscriptionId: string, receiverPath: string) {
  const res = await api(h.app, h.adminKey).post(`/v1/subscriptions/${subscriptionId}/test`, {});
  assert.equal(res.status, 202, res.text);
  const received = await eventually(async () => h.receiver.requests.find((r) => r.path === receiverPath), 20_000, `test message at ${receiverPath}`);
  const delivery = await eventually(async () => {
    const d = await api(h.app, h.adminKey).get(`/v1/deliveries/${res.body.deliveryId}`);
    return d.body.status === 'delivered' ? d.body : undefined;
  }, 20_000, 'test delivery delivered');
  assert.equal(delivery.eventType, 'hrhooks.test');
  assert.equal(delivery.subscriptionId, subscriptionId);
  return { received, eventId: res.body.eventId as string };
}

describe('subscription test messages', () => {
  before(async () => {
    h = await startHarness();
  });
  after(async () => h.close());

  test('lucca: X-Event: test and an empty array, reaching a leave.approved-only subscription in approved mode', async () => {
    const sub = await subscribe('lucca', { mode: 'approved', authorization: 'Basic dGVzdDp0ZXN0' });
    const { received } = await sendTest(sub.id, '/lucca');
    assert.equal(received.headers['authorization'], 'Basic dGVzdDp0ZXN0');
    assert.equal(received.headers['x-version'], '1');
    assert.equal(received.headers['x-resource-type'], 'leave');
    assert.equal(received.headers['x-event'], 'test');
    assert.equal(received.headers['content-type'], 'application/json');
    assert.equal(received.body.toString('utf8'), '[]');
  });

  test('aspnet: one HrhooksTest notification, signed with MS-Signature', async () => {
    const secret = 'OLgCtvLZU4h9GYzZgamuYGdn4e7Zk651';
    const sub = await subscribe('aspnet', { secret, properties: { tenant: 'acme' } });
    const { received } = await sendTest(sub.id, '/aspnet');
    assert.equal(received.headers['ms-signature'], msSignature(secret, received.body));
    const text = received.body.toString('utf8');
    assert.match(text, /^\{\r\n {2}"Id": "[0-9a-f]{32}",\r\n/);
    assert.deepEqual(JSON.parse(text).Notifications, [
      { Action: 'HrhooksTest', Type: 'Test Message from Application', SubscriptionId: sub.id },
    ]);
    assert.equal(JSON.parse(text).Attempt, 1);
    assert.deepEqual(JSON.parse(text).Properties, { tenant: 'acme' });
  });

  test('standard: type hrhooks.test, verified by the standardwebhooks library', async () => {
    const sub = await subscribe('standard');
    const { received } = await sendTest(sub.id, '/standard');
    const headers = Object.fromEntries(Object.entries(received.headers).map(([k, v]) => [k, String(v)]));
    const payload = new Webhook(sub.secret!).verify(received.body.toString('utf8'), headers) as Record<string, unknown>;
    assert.equal(payload.type, 'hrhooks.test');
    assert.deepEqual(payload.data, { message: 'Test Message from Application', subscriptionId: sub.id });
    assert.match(String(headers['webhook-id']), /^msg_/);
  });

  test('a producer posting hrhooks.test is refused with 422 naming type, and nothing is stored', async () => {
    const id = `evt-reserved-${Date.now()}`;
    const res = await api(h.app, h.producerKey).post('/v1/events', {
      id, type: 'hrhooks.test', occurredAt: '2024-01-01T00:00:00Z', data: { message: 'hi', subscriptionId: 'sub_x' },
    });
    assert.equal(res.status, 422, res.text);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    const problem = JSON.parse(res.text);
    assert.deepEqual(problem.errors.map((e: { field: string }) => e.field), ['type']);
    assert.match(problem.errors[0].message, /reserved/);
    const stored = await h.db.pool.query('SELECT count(*)::int AS n FROM events WHERE id = $1', [id]);
    assert.equal(stored.rows[0].n, 0);
  });
});
