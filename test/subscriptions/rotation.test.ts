// Credential rotation as receivers see it (issue 20 item 4): an aspnet request carries one MS-Signature and a lucca
// request one Authorization value, so a rotated value stays pending and the current one is still sent until it is
// activated (by an admin, or at its time); standard sends both signatures during the grace period.
// Real gateway, Postgres, Temporal dev server, worker and HTTP receiver.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadDeliveryContexts } from '../../src/infra/db/deliveryLog';
import { verifyMs } from '../../src/domain/signing/signature';
import { testBox } from '../support/temporal';
import { api, eventually, startHarness, type Harness } from '../gateway/harness';

describe('credential rotation of single-credential formats', () => {
  let h: Harness;
  let admin: ReturnType<typeof api>;

  const statusOf = async (id: string) => (await h.db.pool.query('SELECT status FROM deliveries WHERE id = $1', [id])).rows[0]?.status;

  /** Sends the subscription its test message and returns the request the receiver got for it. */
  async function testRequest(subId: string, path: string) {
    const before = h.receiver.requests.length;
    const res = await admin.post(`/v1/subscriptions/${subId}/test`);
    assert.equal(res.status, 202, res.text);
    await eventually(async () => ((await statusOf(res.body.deliveryId)) === 'delivered' ? true : undefined), 20_000, 'test delivered');
    const request = h.receiver.requests.slice(before).find((r) => r.path === path);
    assert.ok(request, `a request reached ${path}`);
    return { request, deliveryId: res.body.deliveryId as string };
  }

  const signature = (r: { headers: Record<string, unknown> }) => String(r.headers['ms-signature']);

  before(async () => {
    h = await startHarness();
    admin = api(h.app, h.adminKey);
    h.receiver.respondWith({ status: 200 });
  });
  after(() => h?.close());

  test('aspnet: the old secret keeps signing until activation, then only the new one', async () => {
    const created = await admin.post('/v1/subscriptions', { name: 'payroll', url: `${h.receiver.url}/aspnet`, format: 'aspnet', events: '*' });
    assert.equal(created.status, 201, created.text);
    const oldSecret = created.body.secret as string;

    const rotated = await admin.post(`/v1/subscriptions/${created.body.id}/rotate-secret`, {});
    assert.equal(rotated.status, 200, rotated.text);
    const newSecret = rotated.body.secret as string;
    assert.notEqual(newSecret, oldSecret);
    assert.deepEqual(rotated.body.pendingCredential, { kind: 'secret', activateAt: null });
    const shown = await admin.get(`/v1/subscriptions/${created.body.id}`);
    assert.ok(!shown.text.includes(newSecret), 'the pending secret is shown only once');
    assert.deepEqual(shown.body.pendingCredential, { kind: 'secret', activateAt: null });

    const pending = await testRequest(created.body.id, '/aspnet');
    assert.equal(verifyMs(oldSecret, pending.request.body, signature(pending.request)), true, 'still signed with the old secret');
    assert.equal(verifyMs(newSecret, pending.request.body, signature(pending.request)), false);

    const activated = await admin.post(`/v1/subscriptions/${created.body.id}/activate-credential`);
    assert.equal(activated.status, 200, activated.text);
    assert.equal(activated.body.pendingCredential, null);
    assert.ok(!activated.text.includes(newSecret));
    const after = await testRequest(created.body.id, '/aspnet');
    assert.equal(verifyMs(newSecret, after.request.body, signature(after.request)), true, 'signed with the new secret');
    assert.equal(verifyMs(oldSecret, after.request.body, signature(after.request)), false, 'and no longer with the old one');

    const again = await admin.post(`/v1/subscriptions/${created.body.id}/activate-credential`);
    assert.equal(again.status, 409, 'nothing left to activate');
  });

  test('aspnet: a scheduled secret is used from its activation time on, the current one before it', async () => {
    const created = await admin.post('/v1/subscriptions', { name: 'payroll-at', url: `${h.receiver.url}/aspnet-at`, format: 'aspnet', events: '*' });
    const oldSecret = created.body.secret as string;
    const activateAt = new Date(Date.now() + 3_600_000).toISOString();
    const rotated = await admin.post(`/v1/subscriptions/${created.body.id}/rotate-secret`, { activateAt });
    assert.equal(rotated.status, 200, rotated.text);
    assert.deepEqual(rotated.body.pendingCredential, { kind: 'secret', activateAt });
    const newSecret = rotated.body.secret as string;

    const before = await testRequest(created.body.id, '/aspnet-at');
    assert.equal(verifyMs(oldSecret, before.request.body, signature(before.request)), true, 'before its time: the old secret');
    assert.equal(verifyMs(newSecret, before.request.body, signature(before.request)), false);
    // what an attempt signs with, read as the worker reads it, just before and just after the activation time
    const at = Date.parse(activateAt);
    const [early, late] = await Promise.all([at - 1000, at + 1000].map(async (t) =>
      (await loadDeliveryContexts(h.db.pool, testBox, [before.deliveryId], new Date(t))).get(before.deliveryId)));
    assert.ok(early && !(early instanceof Error) && late && !(late instanceof Error));
    assert.deepEqual(early.subscription.secrets, [oldSecret]);
    assert.deepEqual(late.subscription.secrets, [newSecret], 'from its time on, the new secret alone');

    const past = await admin.post(`/v1/subscriptions/${created.body.id}/rotate-secret`, { activateAt: new Date(Date.now() - 1000).toISOString() });
    assert.equal(past.status, 200);
    assert.equal(past.body.pendingCredential, null, 'a time already past takes effect at once');
    const now = await testRequest(created.body.id, '/aspnet-at');
    assert.equal(verifyMs(past.body.secret, now.request.body, signature(now.request)), true);
    const bad = await admin.post(`/v1/subscriptions/${created.body.id}/rotate-secret`, { activateAt: 'tomorrow' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].field, 'activateAt');
  });

  test('lucca: the old Authorization value is sent until activation, then only the new one; PATCH replaces at once', async () => {
    const created = await admin.post('/v1/subscriptions', {
      name: 'leave', url: `${h.receiver.url}/lucca`, format: 'lucca', events: '*', authorization: 'Bearer old-lucca-value-1',
    });
    assert.equal(created.status, 201, created.text);
    assert.equal((await admin.post(`/v1/subscriptions/${created.body.id}/rotate-secret`, {})).status, 400, 'lucca has no signing secret');
    const rotated = await admin.post(`/v1/subscriptions/${created.body.id}/rotate-authorization`, { authorization: 'Bearer new-lucca-value-2' });
    assert.equal(rotated.status, 200, rotated.text);
    assert.equal(rotated.body.authorization, 'Bearer new-lucca-value-2', 'shown once');
    assert.deepEqual(rotated.body.pendingCredential, { kind: 'authorization', activateAt: null });

    assert.equal((await testRequest(created.body.id, '/lucca')).request.headers.authorization, 'Bearer old-lucca-value-1');
    assert.equal((await admin.post(`/v1/subscriptions/${created.body.id}/activate-credential`)).status, 200);
    assert.equal((await testRequest(created.body.id, '/lucca')).request.headers.authorization, 'Bearer new-lucca-value-2');

    await admin.post(`/v1/subscriptions/${created.body.id}/rotate-authorization`, { authorization: 'Bearer never-sent-3' });
    const patched = await admin.patch(`/v1/subscriptions/${created.body.id}`, { authorization: 'Bearer patched-4' });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.body.pendingCredential, null, 'PATCH authorization replaces at once and drops the pending value');
    assert.equal((await testRequest(created.body.id, '/lucca')).request.headers.authorization, 'Bearer patched-4');
  });

  test('standard: both signatures during the grace period; no activation time', async () => {
    const created = await admin.post('/v1/subscriptions', { name: 'std', url: `${h.receiver.url}/std`, format: 'standard', events: '*' });
    const refused = await admin.post(`/v1/subscriptions/${created.body.id}/rotate-secret`, { activateAt: new Date(Date.now() + 60_000).toISOString() });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.errors[0].field, 'activateAt');
    const rotated = await admin.post(`/v1/subscriptions/${created.body.id}/rotate-secret`, {});
    assert.equal(rotated.body.secretCount, 2);
    assert.equal(rotated.body.pendingCredential, null);
    const { request } = await testRequest(created.body.id, '/std');
    assert.equal(String(request.headers['webhook-signature']).split(' ').length, 2, 'one signature per live secret');
  });
});
