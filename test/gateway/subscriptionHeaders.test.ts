// Issue 20 items 9, 10, 14, 15 through the API, against real Postgres, Temporal, worker and receiver: extra
// header values are sealed at rest and never shown (answer, list, attempt log), a GET-then-PATCH round trip
// keeps the stored value, placeholders are never values, unsendable headers are refused with their field,
// and "events": ["*"] means "*".
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openHeaders } from '../../src/infra/crypto/headerStore';
import { testBox } from '../support/temporal';
import { api, employeeEvent, eventually, startHarness, type Harness } from './harness';

let h: Harness;
const admin = () => api(h.app, h.adminKey);
const SECRET_VALUE = 'fk-7f3a9c1e-do-not-show';
const TENANT_VALUE = 'acme-tenant-visible-nowhere';

async function create(body: Record<string, unknown>) {
  return admin().post('/v1/subscriptions', { name: 'h', url: `${h.receiver.url}/hooks`, format: 'standard', events: '*', ...body });
}

async function storedRow(id: string) {
  return (await h.db.pool.query('SELECT * FROM subscriptions WHERE id = $1', [id])).rows[0];
}

/** Posts one employee event and waits for its delivery to this subscription to be delivered; the request received. */
async function deliverOne(subscriptionId: string) {
  const before = h.receiver.requests.length;
  const posted = await api(h.app, h.producerKey).post('/v1/events', employeeEvent());
  assert.equal(posted.status, 202, posted.text);
  const delivery = posted.body.deliveries.find((d: { subscriptionId: string }) => d.subscriptionId === subscriptionId);
  assert.ok(delivery, 'a delivery for the subscription');
  await eventually(async () => {
    const { rows } = await h.db.pool.query('SELECT status FROM deliveries WHERE id = $1', [delivery.id]);
    return rows[0]?.status === 'delivered' ? true : undefined;
  }, 20_000, `${delivery.id} delivered`);
  const request = h.receiver.requests.slice(before).find((r) => r.headers['webhook-id'] !== undefined && r.path === '/hooks');
  assert.ok(request, 'the receiver got the request');
  return { deliveryId: delivery.id as string, request };
}

describe('subscription extra headers', () => {
  before(async () => {
    h = await startHarness();
  });
  after(async () => h.close());

  test('values are sealed at rest, never shown (answer, GET, list, attempt log), and still sent', async () => {
    const created = await create({ headers: { 'x-functions-key': SECRET_VALUE, 'X-Tenant': TENANT_VALUE } });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(created.body.headers, { 'x-functions-key': '[set]', 'X-Tenant': '[set]' });
    const id = created.body.id as string;
    const shown = [created.text, (await admin().get(`/v1/subscriptions/${id}`)).text, (await admin().get('/v1/subscriptions')).text];
    for (const text of shown) {
      assert.doesNotMatch(text, new RegExp(`${SECRET_VALUE}|${TENANT_VALUE}`));
      assert.match(text, /"X-Tenant":"\[set\]"/);
    }
    const row = await storedRow(id);
    assert.doesNotMatch(JSON.stringify(row), new RegExp(`${SECRET_VALUE}|${TENANT_VALUE}`), 'a database dump alone reveals nothing');
    assert.deepEqual(openHeaders(testBox, row.headers_enc), { 'x-functions-key': SECRET_VALUE, 'X-Tenant': TENANT_VALUE });

    // Only this subscription may receive the events posted below.
    await h.db.pool.query('UPDATE subscriptions SET enabled = false WHERE id <> $1', [id]);
    const { deliveryId, request } = await deliverOne(id);
    assert.equal(request.headers['x-functions-key'], SECRET_VALUE);
    assert.equal(request.headers['x-tenant'], TENANT_VALUE);
    const logged = (await h.db.pool.query('SELECT request_headers FROM attempts WHERE delivery_id = $1', [deliveryId])).rows[0].request_headers;
    assert.equal(logged['x-functions-key'], '[redacted]');
    assert.equal(logged['x-tenant'], '[redacted]');
    assert.equal(logged['content-type'], 'application/json', 'the format\'s own headers stay readable');
    const detail = await admin().get(`/v1/deliveries/${deliveryId}`);
    assert.equal(detail.status, 200);
    assert.doesNotMatch(detail.text, new RegExp(`${SECRET_VALUE}|${TENANT_VALUE}`));
  });

  test('GET then PATCH back keeps the stored value (never the placeholder); a placeholder is never a new value', async () => {
    const created = await create({ headers: { 'X-Auth': SECRET_VALUE } });
    const id = created.body.id as string;
    const got = (await admin().get(`/v1/subscriptions/${id}`)).body;
    const back = { name: got.name, url: got.url, events: got.events, headers: got.headers, enabled: got.enabled, collapse: got.collapse };
    const patched = await admin().patch(`/v1/subscriptions/${id}`, back);
    assert.equal(patched.status, 200, patched.text);
    assert.deepEqual(patched.body.headers, { 'X-Auth': '[set]' });
    assert.deepEqual(openHeaders(testBox, (await storedRow(id)).headers_enc), { 'X-Auth': SECRET_VALUE });

    // The "[redacted]" older versions showed keeps the value too (issue 20 item 10's round trip).
    const legacy = await admin().patch(`/v1/subscriptions/${id}`, { headers: { 'x-auth': '[redacted]', 'X-New': 'n1' } });
    assert.equal(legacy.status, 200, legacy.text);
    assert.deepEqual(openHeaders(testBox, (await storedRow(id)).headers_enc), { 'x-auth': SECRET_VALUE, 'X-New': 'n1' });
    await h.db.pool.query('UPDATE subscriptions SET enabled = (id = $1)', [id]);
    const { request } = await deliverOne(id);
    assert.equal(request.headers['x-auth'], SECRET_VALUE, 'sent with its stored value, not "[redacted]"');

    const unknown = await admin().patch(`/v1/subscriptions/${id}`, { headers: { 'X-Other': '[set]' } });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.type, 'application/problem+json');
    assert.deepEqual(unknown.body.errors.map((e: { field: string }) => e.field), ['headers.X-Other']);
    for (const placeholder of ['[set]', '[redacted]']) {
      const refused = await create({ headers: { 'X-Key': placeholder } });
      assert.equal(refused.status, 400, refused.text);
      assert.deepEqual(refused.body.errors.map((e: { field: string }) => e.field), ['headers.X-Key']);
    }
    // Removing a header: a PATCH without it.
    await admin().patch(`/v1/subscriptions/${id}`, { headers: { 'X-New': '[set]' } });
    assert.deepEqual(openHeaders(testBox, (await storedRow(id)).headers_enc), { 'X-New': 'n1' });
  });

  test('headers and Authorization values that can never be sent are refused at create and update, naming the field', async () => {
    const cases: Array<[Record<string, string>, string, RegExp]> = [
      [{ 'X-Tab-Ok': 'a\u000bb' }, 'headers.X-Tab-Ok', /U\+000B \(a control character\)/],
      [{ 'X-Del': 'a\u007fb' }, 'headers.X-Del', /U\+007F/],
      [{ 'X-Sep': 'a\u2028b' }, 'headers.X-Sep', /U\+2028 \(a line separator\)/],
      [{ 'X-Nl': 'a\nb' }, 'headers.X-Nl', /U\+000A/],
      [{ 'Bad Name': 'v' }, 'headers.Bad Name', /HTTP header name/],
      [{ 'X-é': 'v' }, 'headers.X-é', /HTTP header name/],
      [{ Expect: '100-continue' }, 'headers.Expect', /Expect cannot be set/],
      [{ 'Keep-Alive': 'timeout=5' }, 'headers.Keep-Alive', /cannot be set/],
      [{ Host: 'other.example' }, 'headers.Host', /cannot be set/],
      [{ 'X-Twice': 'a', 'x-twice': 'b' }, 'headers.x-twice', /given twice/],
    ];
    const existing = (await create({ headers: { 'X-Fine': 'ok' } })).body.id as string;
    for (const [headers, field, message] of cases) {
      for (const res of [await create({ headers }), await admin().patch(`/v1/subscriptions/${existing}`, { headers })]) {
        assert.equal(res.status, 400, `${JSON.stringify(headers)}: ${res.text}`);
        assert.equal(res.type, 'application/problem+json');
        assert.equal(res.body.errors.length, 1, res.text);
        assert.equal(res.body.errors[0].field, field);
        assert.match(res.body.errors[0].message, message);
      }
    }
    assert.deepEqual(openHeaders(testBox, (await storedRow(existing)).headers_enc), { 'X-Fine': 'ok' }, 'nothing changed');
    const lucca = { format: 'lucca', events: ['leave.approved'], url: `${h.receiver.url}/lucca` };
    const badAuth = await create({ ...lucca, authorization: 'Basic abc\u000b' });
    assert.equal(badAuth.status, 400, badAuth.text);
    assert.deepEqual(badAuth.body.errors.map((e: { field: string }) => e.field), ['authorization']);
    const goodLucca = await create({ ...lucca, authorization: 'Basic eDp5' });
    assert.equal(goodLucca.status, 201, goodLucca.text);
    const badPatch = await admin().patch(`/v1/subscriptions/${goodLucca.body.id}`, { authorization: 'Bearer \u2028x' });
    assert.equal(badPatch.status, 400);
    assert.deepEqual(badPatch.body.errors.map((e: { field: string }) => e.field), ['authorization']);
    assert.ok(!badAuth.text.includes('abc'), 'the refused value is not echoed');
  });

  test('"events": ["*"] is accepted as "*"; "*" mixed with types is refused in one line', async () => {
    const star = await create({ events: ['*'] });
    assert.equal(star.status, 201, star.text);
    assert.equal(star.body.events, '*');
    assert.equal((await storedRow(star.body.id)).events, '*');
    const patched = await admin().patch(`/v1/subscriptions/${star.body.id}`, { events: ['*'] });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.body.events, '*');
    const mixed = await create({ events: ['*', 'leave.created'] });
    assert.equal(mixed.status, 400);
    assert.equal(mixed.body.errors.length, 1, mixed.text);
    assert.equal(mixed.body.errors[0].field, 'events.0');
    assert.match(mixed.body.errors[0].message, /"\*" .* stands alone/);
    assert.doesNotMatch(mixed.body.errors[0].message, /leave\.declined/, 'not the whole list of event types');
  });
});
