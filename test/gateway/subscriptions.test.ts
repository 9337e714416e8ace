// /v1/subscriptions with one broken row (a secret sealed under another key, unreadable stored columns): lists and
// the single GET answer 200 with the row flagged in `error`; disable, fix (rotate, PATCH) and delete still work.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createSecretBox } from '../../src/infra/crypto/secretBox';
import { sealAuthorization, sealSecrets } from '../../src/infra/crypto/secretStore';
import { api, startHarness, type Harness } from './harness';

let h: Harness;
const otherInstallation = createSecretBox('a key from another installation, not this one');

async function create(body: Record<string, unknown>): Promise<string> {
  const res = await api(h.app, h.adminKey).post('/v1/subscriptions', { url: `${h.receiver.url}/hooks`, events: '*', ...body });
  assert.equal(res.status, 201, res.text);
  return res.body.id as string;
}

async function sealedElsewhere(id: string): Promise<void> {
  await h.db.pool.query('UPDATE subscriptions SET secrets_enc = $2 WHERE id = $1', [
    id, sealSecrets(otherInstallation, [{ secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', expiresAt: null }]),
  ]);
}

/** A failed delivery of that subscription, stored directly (no workflow). */
async function failedDeliveryOf(subscriptionId: string): Promise<string> {
  const eventId = `evt-broken-${subscriptionId}`;
  await h.db.pool.query(
    `INSERT INTO events (id, type, occurred_at, body, body_hash) VALUES ($1, 'employee.created', now(), '{"id":"x"}', 'h')`, [eventId]);
  const id = `dlv_${subscriptionId}`;
  await h.db.pool.query(
    `INSERT INTO deliveries (id, event_id, subscription_id, event_type, format, status, attempts, last_error, workflow_started)
     VALUES ($1, $2, $3, 'employee.created', 'standard', 'failed', 10, 'secret cannot be decrypted', true)`, [id, eventId, subscriptionId]);
  return id;
}

describe('subscriptions with a broken row', () => {
  before(async () => {
    h = await startHarness();
  });
  after(async () => h.close());

  test('lists, the single GET, deliveries and the dashboard answer 200 with the undecryptable row flagged', async () => {
    const good = await create({ name: 'Healthy', format: 'standard' });
    const broken = await create({ name: 'Sealed elsewhere', format: 'standard' });
    await sealedElsewhere(broken);
    const deliveryId = await failedDeliveryOf(broken);
    const admin = api(h.app, h.adminKey);

    const list = await admin.get('/v1/subscriptions');
    assert.equal(list.status, 200, list.text);
    const byId = new Map((list.body.items as { id: string }[]).map((s) => [s.id, s as Record<string, unknown>]));
    assert.equal(byId.get(good)!.error, null);
    assert.equal(byId.get(good)!.secretCount, 1);
    const flagged = byId.get(broken)!;
    assert.match(String(flagged.error), /^secret: .*cannot be decrypted with .*HRHOOKS_SECRET_KEY.*rotate the secret/);
    assert.equal(flagged.secretCount, null);
    assert.equal(flagged.name, 'Sealed elsewhere');
    assert.equal(flagged.format, 'standard');
    assert.deepEqual(flagged.events, '*');

    const one = await admin.get(`/v1/subscriptions/${broken}`);
    assert.equal(one.status, 200, one.text);
    assert.equal(one.body.error, flagged.error);

    const deliveries = await admin.get(`/v1/deliveries?subscriptionId=${broken}`);
    assert.equal(deliveries.status, 200, deliveries.text);
    assert.deepEqual(deliveries.body.items.map((d: { id: string }) => d.id), [deliveryId]);
    const dashboard = await admin.get('/v1/dashboard');
    assert.equal(dashboard.status, 200, dashboard.text);
    assert.ok(dashboard.body.todo.some((d: { id: string }) => d.id === deliveryId));

    const tested = await admin.post(`/v1/subscriptions/${broken}/test`, {});
    assert.equal(tested.status, 409);
    assert.match(tested.headers['content-type'], /application\/problem\+json/);
    assert.match(tested.body.detail, /cannot be decrypted/);
  });

  test('a broken row can be disabled, fixed by rotating its secret, and deleted', async () => {
    const id = await create({ name: 'To fix', format: 'aspnet' });
    await sealedElsewhere(id);
    const admin = api(h.app, h.adminKey);

    const disabled = await admin.patch(`/v1/subscriptions/${id}`, { enabled: false });
    assert.equal(disabled.status, 200, disabled.text);
    assert.equal(disabled.body.enabled, false);
    assert.match(disabled.body.error, /cannot be decrypted/);

    const rotated = await admin.post(`/v1/subscriptions/${id}/rotate-secret`, {});
    assert.equal(rotated.status, 200, rotated.text);
    assert.equal(typeof rotated.body.secret, 'string');
    assert.equal(rotated.body.error, null);
    assert.equal(rotated.body.secretCount, 1, 'the unreadable secret is replaced, not kept for a grace period');
    const after = await admin.get(`/v1/subscriptions/${id}`);
    assert.equal(after.body.error, null);

    assert.equal((await admin.delete(`/v1/subscriptions/${id}`)).status, 204);
    assert.equal((await admin.get(`/v1/subscriptions/${id}`)).status, 404);
  });

  test('an unreadable authorization is replaced by PATCH; unreadable stored columns are named, not a 500', async () => {
    const admin = api(h.app, h.adminKey);
    const lucca = await create({ name: 'Leave tool', format: 'lucca', events: ['leave.approved'], authorization: 'Basic abc' });
    await h.db.pool.query('UPDATE subscriptions SET authorization_enc = $2 WHERE id = $1', [lucca, sealAuthorization(otherInstallation, 'Basic old')]);
    assert.match((await admin.get(`/v1/subscriptions/${lucca}`)).body.error, /^authorization: /);
    const patched = await admin.patch(`/v1/subscriptions/${lucca}`, { authorization: 'Basic new' });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.body.error, null);

    const odd = await create({ name: 'Odd columns', format: 'standard' });
    await h.db.pool.query(
      `UPDATE subscriptions SET events = '"everything"', retry_schedule = '{"a":1}', headers = '[1,2]', properties = '7',
         secrets_enc = 'not-a-sealed-value', created_at = 'infinity' WHERE id = $1`, [odd]);
    const list = await admin.get('/v1/subscriptions');
    assert.equal(list.status, 200, list.text);
    const row = list.body.items.find((s: { id: string }) => s.id === odd);
    for (const field of ['events', 'retrySchedule', 'headers', 'properties', 'secret', 'createdAt']) {
      assert.match(row.error, new RegExp(`(^|; )${field}: `), `${field} is named in ${row.error}`);
    }
    assert.equal(row.events, null);
    assert.deepEqual(row.headers, {});
    assert.equal(row.createdAt, null);
    const fixed = await admin.patch(`/v1/subscriptions/${odd}`, { events: ['employee.created'], retrySchedule: null, headers: {}, properties: {} });
    assert.equal(fixed.status, 200, fixed.text);
    assert.match(fixed.body.error, /^secret: .*; createdAt: /);
  });

  test('the OpenAPI document describes the error field of a subscription and the list answer', async () => {
    const doc = (await api(h.app, h.adminKey).get('/openapi.json')).body;
    const schema = doc.components.schemas.Subscription;
    assert.ok(schema.required.includes('error'));
    assert.match(schema.properties.error.description, /null for a healthy subscription/);
    const list = doc.paths['/v1/subscriptions'].get.responses['200'].content['application/json'].schema;
    assert.equal(list.properties.items.items.$ref, '#/components/schemas/Subscription');
    assert.equal(doc.paths['/v1/subscriptions/{id}'].get.responses['200'].content['application/json'].schema.$ref, '#/components/schemas/Subscription');
  });
});
