// Tenant management over the API (issue 22): a platform key creates, lists, shows, updates, disables, enables
// and deletes tenants; fields are validated with problems naming each bad field; a tenant's admin and producer
// keys get 403 on /v1/tenants; keys per tenant (/v1/tenants/:id/keys, /v1/keys in the key's tenant) and the
// platform's own keys (/v1/platform-keys). A disabled tenant's events are refused while its open deliveries go
// on; deleting a tenant cancels its open deliveries (an operator action), revokes its keys, ends its sessions.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createApiKey } from '../../src/infra/db/apiKeys';
import { createUiSession } from '../../src/infra/db/uiSessions';
import { api, employeeEvent, eventually, startHarness, unreachableTemporal, type Harness } from '../gateway/harness';

describe('tenants: management, scopes and keys', () => {
  let h: Harness;
  let platform: ReturnType<typeof api>;
  let platformKey: { id: string; key: string };

  const statusOf = async (id: string) => (await h.db.pool.query('SELECT status FROM deliveries WHERE id = $1', [id])).rows[0]?.status;
  const waitStatus = (id: string, status: string) =>
    eventually(async () => ((await statusOf(id)) === status ? true : undefined), 20_000, `${id} ${status}`);

  /** A tenant with its own admin and producer keys (made through the API) and a subscription to `path`. */
  async function tenantWithSubscription(id: string, path: string) {
    assert.equal((await platform.post('/v1/tenants', { id, name: `Tenant ${id}` })).status, 201);
    const admin = await platform.post(`/v1/tenants/${id}/keys`, { scope: 'admin', name: `${id} admin` });
    assert.equal(admin.status, 201, admin.text);
    const producer = await api(h.app, admin.body.key).post('/v1/keys', { scope: 'producer', name: `${id} producer` });
    assert.equal(producer.status, 201, producer.text);
    const sub = await api(h.app, admin.body.key).post('/v1/subscriptions', {
      name: `${id} receiver`, url: `${h.receiver.url}/${path}`, format: 'standard', events: '*', retrySchedule: ['1h'], ordering: 'none',
    });
    assert.equal(sub.status, 201, sub.text);
    return { admin: api(h.app, admin.body.key), adminKey: admin.body as { id: string; key: string }, producer: api(h.app, producer.body.key), producerKey: producer.body as { id: string; key: string }, subscriptionId: sub.body.id as string };
  }

  before(async () => {
    h = await startHarness();
    platformKey = await createApiKey(h.db.pool, 'platform', 'platform ops', null);
    platform = api(h.app, platformKey.key);
    h.receiver.respondWith((req) => (req.path.startsWith('/fail') ? { status: 503, body: 'down' } : { status: 200 }));
  });
  after(() => h?.close());

  test('create, show, list (cursor), update: the id given or generated, never reused', async () => {
    const created = await platform.post('/v1/tenants', {
      id: 'acme-nz', name: 'Acme NZ', portalOrigins: ['https://hr.acme.example', 'http://127.0.0.1:8080'],
      branding: { name: 'Acme', logoUrl: 'https://cdn.acme.example/logo.png', accentColor: '#12ab9F' }, limits: { eventsPerSecond: 50, subscriptions: 0 },
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.headers.location, '/v1/tenants/acme-nz');
    assert.deepEqual(
      { id: created.body.id, name: created.body.name, portalOrigins: created.body.portalOrigins, branding: created.body.branding, limits: created.body.limits, disabledAt: created.body.disabledAt },
      { id: 'acme-nz', name: 'Acme NZ', portalOrigins: ['https://hr.acme.example', 'http://127.0.0.1:8080'], branding: { name: 'Acme', logoUrl: 'https://cdn.acme.example/logo.png', accentColor: '#12ab9F' }, limits: { eventsPerSecond: 50, subscriptions: 0 }, disabledAt: null },
    );
    const again = await platform.post('/v1/tenants', { id: 'acme-nz', name: 'Someone else' });
    assert.equal(again.status, 409);
    assert.match(again.headers['content-type'], /application\/problem\+json/);
    const generated = await platform.post('/v1/tenants', { name: 'No id given' });
    assert.equal(generated.status, 201, generated.text);
    assert.match(generated.body.id, /^tnt_[A-Za-z0-9_-]{16}$/);
    assert.deepEqual([generated.body.portalOrigins, generated.body.branding, generated.body.limits], [[], {}, {}]);

    const shown = await platform.get('/v1/tenants/acme-nz');
    assert.equal(shown.status, 200);
    assert.equal(shown.body.name, 'Acme NZ');
    assert.equal((await platform.get('/v1/tenants/nobody')).status, 404);

    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await platform.get(`/v1/tenants?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(page.status, 200, page.text);
      assert.ok(page.body.items.length <= 1);
      ids.push(...page.body.items.map((t: { id: string }) => t.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    for (const id of ['default', 'acme-nz', generated.body.id]) assert.ok(ids.includes(id), `${id} listed`);
    assert.deepEqual(ids, [...ids].sort(), 'by id');
    assert.equal((await platform.get('/v1/tenants?limit=0')).body.errors[0].field, 'limit');

    const patched = await platform.patch('/v1/tenants/acme-nz', { name: 'Acme New Zealand', limits: {}, branding: { accentColor: '#000000' } });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.body.name, 'Acme New Zealand');
    assert.deepEqual(patched.body.limits, {}, 'limits replaced as a whole');
    assert.deepEqual(patched.body.branding, { accentColor: '#000000' });
    assert.deepEqual(patched.body.portalOrigins, ['https://hr.acme.example', 'http://127.0.0.1:8080'], 'fields not given are kept');
    assert.equal((await platform.patch('/v1/tenants/nobody', { name: 'x' })).status, 404);
  });

  test('bad fields: 400 problem+json naming each field, nothing stored', async () => {
    const res = await platform.post('/v1/tenants', {
      id: 'bad id!', name: '',
      portalOrigins: ['https://ok.example', 'http://hr.example', 'https://hr.example/path'],
      branding: { logoUrl: 'javascript:alert(1)', accentColor: 'red', font: 'Comic Sans' },
      limits: { eventsPerSecond: 0, subscriptions: -1 }, colour: 'blue',
    });
    assert.equal(res.status, 400, res.text);
    assert.match(res.headers['content-type'], /application\/problem\+json/);
    const fields = res.body.errors.map((e: { field: string }) => e.field).sort();
    assert.deepEqual(fields, [
      'branding.accentColor', 'branding.font', 'branding.logoUrl', 'colour', 'id', 'limits.eventsPerSecond', 'limits.subscriptions', 'name',
      'portalOrigins.1', 'portalOrigins.2',
    ]);
    assert.equal((await h.db.pool.query("SELECT count(*)::int AS n FROM tenants WHERE name = ''")).rows[0].n, 0);
    const patch = await platform.patch('/v1/tenants/default', { limits: { eventsPerSecond: 1.5 }, branding: { logoUrl: 'data:text/html;base64,PGI+' } });
    assert.equal(patch.status, 400);
    assert.deepEqual(patch.body.errors.map((e: { field: string }) => e.field).sort(), ['branding.logoUrl', 'limits.eventsPerSecond']);
    const dataLogo = await platform.patch('/v1/tenants/default', { branding: { logoUrl: 'data:image/png;base64,iVBORw0KGgo=' } });
    assert.equal(dataLogo.status, 200, dataLogo.text);
  });

  test('scopes: tenant admin and producer keys get 403 on /v1/tenants; a tenant key naming another tenant gets 404', async () => {
    const tenantAdmin = api(h.app, h.adminKey);
    const tenantProducer = api(h.app, h.producerKey);
    for (const who of [tenantAdmin, tenantProducer]) {
      const calls: [string, () => PromiseLike<{ status: number; text: string; headers: Record<string, string> }>][] = [
        ['GET /v1/tenants', () => who.get('/v1/tenants')], ['POST /v1/tenants', () => who.post('/v1/tenants', { id: 'sneaky', name: 'x' })],
        ['GET /v1/tenants/default', () => who.get('/v1/tenants/default')], ['PATCH /v1/tenants/default', () => who.patch('/v1/tenants/default', { name: 'x' })],
        ['disable', () => who.post('/v1/tenants/default/disable')], ['enable', () => who.post('/v1/tenants/default/enable')],
        ['DELETE', () => who.delete('/v1/tenants/default')],
        ['GET /v1/platform-keys', () => who.get('/v1/platform-keys')], ['POST /v1/platform-keys', () => who.post('/v1/platform-keys', { name: 'x' })],
      ];
      for (const [what, call] of calls) {
        const res = await call();
        assert.equal(res.status, 403, `${what}: ${res.text}`);
        assert.match(res.headers['content-type'], /application\/problem\+json/);
      }
    }
    assert.equal((await h.db.pool.query("SELECT count(*)::int AS n FROM tenants WHERE id = 'sneaky'")).rows[0].n, 0);
    assert.equal((await h.db.pool.query("SELECT disabled_at FROM tenants WHERE id = 'default'")).rows[0].disabled_at, null);
    const other = await platform.post('/v1/tenants', { id: 'scopes-other', name: 'Other' });
    assert.equal(other.status, 201);
    assert.equal((await tenantAdmin.get('/v1/tenants/scopes-other/keys')).status, 404, 'a tenant key naming another tenant');
    assert.equal((await tenantAdmin.post('/v1/tenants/scopes-other/keys', { scope: 'admin', name: 'x' })).status, 404);
    assert.equal((await tenantProducer.post('/v1/keys', { scope: 'producer', name: 'x' })).status, 403, 'producers make no keys');
  });

  test('keys per tenant: created once in the tenant named, listed and revoked there only; platform keys apart', async () => {
    assert.equal((await platform.post('/v1/tenants', { id: 'keys-a', name: 'A' })).status, 201);
    const made = await platform.post('/v1/tenants/keys-a/keys', { scope: 'admin', name: 'a admin' });
    assert.equal(made.status, 201, made.text);
    assert.equal(made.headers['cache-control'], 'no-store');
    assert.equal(made.body.scope, 'admin');
    assert.equal(made.body.tenantId, 'keys-a');
    assert.match(made.body.key, /^hrk_/);
    const aAdmin = api(h.app, made.body.key);
    const aProducer = await aAdmin.post('/v1/keys', { scope: 'producer', name: 'a producer' });
    assert.equal(aProducer.status, 201, aProducer.text);
    assert.equal(aProducer.body.tenantId, 'keys-a');
    const bad = await aAdmin.post('/v1/keys', { scope: 'platform', name: '' });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.errors.map((e: { field: string }) => e.field).sort(), ['name', 'scope']);

    const listed = await aAdmin.get('/v1/keys');
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.body.items.map((k: { name: string }) => k.name).sort(), ['a admin', 'a producer'], "only the tenant's own keys");
    assert.ok(!listed.text.includes(made.body.key) && !listed.text.includes(aProducer.body.key), 'no key material');
    const viaPlatform = await platform.get('/v1/tenants/keys-a/keys');
    assert.deepEqual(viaPlatform.body.items.map((k: { name: string }) => k.name).sort(), ['a admin', 'a producer']);
    assert.ok(!(await platform.get('/v1/keys')).body.items.some((k: { tenantId: string }) => k.tenantId !== 'default'), "/v1/keys of a platform key: default's");

    // a tenant admin revokes its own tenant's keys, never another tenant's nor a platform key
    const defaultProducer = (await platform.get('/v1/keys')).body.items.find((k: { name: string }) => k.name === 'test-producer');
    assert.equal((await aAdmin.post(`/v1/keys/${defaultProducer.id}/revoke`)).status, 404);
    assert.equal((await aAdmin.post(`/v1/keys/${platformKey.id}/revoke`)).status, 404);
    assert.equal((await api(h.app, h.producerKey).post('/v1/events', employeeEvent())).status, 202, 'the default producer still works');
    const revoked = await aAdmin.post(`/v1/keys/${aProducer.body.id}/revoke`);
    assert.equal(revoked.status, 200, revoked.text);
    assert.equal((await api(h.app, aProducer.body.key).post('/v1/events', employeeEvent())).status, 401);

    // the platform's own keys
    const p = await platform.post('/v1/platform-keys', { name: 'second platform' });
    assert.equal(p.status, 201, p.text);
    assert.equal(p.headers['cache-control'], 'no-store');
    assert.deepEqual([p.body.scope, p.body.tenantId], ['platform', null]);
    const second = api(h.app, p.body.key);
    assert.equal((await second.get('/v1/tenants/keys-a')).status, 200);
    const platformList = await second.get('/v1/platform-keys');
    assert.deepEqual(platformList.body.items.map((k: { name: string }) => k.name).sort(), ['platform ops', 'second platform']);
    assert.equal((await second.post(`/v1/platform-keys/${made.body.id}/revoke`)).status, 404, 'a tenant key is not a platform key');
    assert.equal((await platform.post(`/v1/platform-keys/${p.body.id}/revoke`)).status, 200);
    assert.equal((await second.get('/v1/tenants')).status, 401);
  });

  test('disable: new events refused (403), open deliveries go on and stay actionable; enable: accepted again', async () => {
    const t = await tenantWithSubscription('paused-co', 'fail-paused');
    const posted = await t.producer.post('/v1/events', employeeEvent('employee.created', 'evt-before-disable'));
    assert.equal(posted.status, 202, posted.text);
    const deliveryId = posted.body.deliveries[0].id as string;
    await waitStatus(deliveryId, 'retrying');

    const disabled = await platform.post('/v1/tenants/paused-co/disable');
    assert.equal(disabled.status, 200, disabled.text);
    assert.ok(disabled.body.disabledAt);
    for (const res of [await t.producer.post('/v1/events', employeeEvent()), await platform.post('/v1/tenants/paused-co/events', employeeEvent())]) {
      assert.equal(res.status, 403, res.text);
      assert.match(res.headers['content-type'], /application\/problem\+json/);
      assert.match(res.body.detail, /paused-co is disabled/);
    }
    assert.equal((await h.db.pool.query("SELECT count(*)::int AS n FROM events WHERE tenant_id = 'paused-co'")).rows[0].n, 1, 'nothing stored');
    assert.equal((await api(h.app, h.producerKey).post('/v1/events', employeeEvent())).status, 202, 'other tenants are not affected');

    // the open delivery is still there, and the tenant's admin can still act on it
    h.receiver.respondWith(() => ({ status: 200 }));
    try {
      const resync = await t.admin.post(`/v1/deliveries/${deliveryId}/resync`, {});
      assert.equal(resync.status, 202, resync.text);
      await waitStatus(deliveryId, 'delivered');
    } finally {
      h.receiver.respondWith((req) => (req.path.startsWith('/fail') ? { status: 503, body: 'down' } : { status: 200 }));
    }
    const enabled = await platform.post('/v1/tenants/paused-co/enable');
    assert.equal(enabled.status, 200);
    assert.equal(enabled.body.disabledAt, null);
    assert.equal((await t.producer.post('/v1/events', employeeEvent())).status, 202);
  });

  test('delete: open deliveries cancelled (recorded), keys revoked, sessions ended, id gone and never reused; default stays', async () => {
    const t = await tenantWithSubscription('leaving-co', 'fail-leaving');
    const posted = await t.producer.post('/v1/events', employeeEvent('employee.created', 'evt-leaving'));
    assert.equal(posted.status, 202, posted.text);
    const deliveryId = posted.body.deliveries[0].id as string;
    await waitStatus(deliveryId, 'retrying');
    await createUiSession(h.db.pool, crypto.randomBytes(16).toString('base64url'), t.adminKey.id, Date.now() + 60_000);
    assert.equal((await h.db.pool.query("SELECT count(*)::int AS n FROM ui_sessions WHERE tenant_id = 'leaving-co'")).rows[0].n, 1);

    assert.equal((await platform.delete('/v1/tenants/default')).status, 409);
    assert.equal((await platform.delete('/v1/tenants/nobody')).status, 404);
    const deleted = await platform.delete('/v1/tenants/leaving-co');
    assert.equal(deleted.status, 200, deleted.text);
    assert.deepEqual([deleted.body.id, deleted.body.keysRevoked, deleted.body.sessionsEnded], ['leaving-co', 2, 1]);

    const { rows } = await h.db.pool.query('SELECT status, actions FROM deliveries WHERE id = $1', [deliveryId]);
    assert.equal(rows[0].status, 'cancelled');
    assert.ok(rows[0].actions.some((a: { kind: string; by: string; note: string }) => a.kind === 'cancel' && a.by === 'platform ops' && a.note === 'tenant deleted'), JSON.stringify(rows[0].actions));
    assert.equal((await t.admin.get('/v1/deliveries')).status, 401, 'its admin key is revoked');
    assert.equal((await t.producer.post('/v1/events', employeeEvent())).status, 401, 'its producer key is revoked');
    assert.equal((await h.db.pool.query("SELECT count(*)::int AS n FROM ui_sessions WHERE tenant_id = 'leaving-co'")).rows[0].n, 0);
    assert.equal((await platform.get('/v1/tenants/leaving-co')).status, 404);
    assert.equal((await platform.get('/v1/tenants/leaving-co/deliveries')).status, 404);
    assert.equal((await platform.post('/v1/tenants/leaving-co/events', employeeEvent())).status, 404);
    assert.ok(!(await platform.get('/v1/tenants?limit=200')).body.items.some((x: { id: string }) => x.id === 'leaving-co'));
    assert.equal((await platform.post('/v1/tenants', { id: 'leaving-co', name: 'again' })).status, 409, 'ids are never reused');
    assert.equal((await platform.delete('/v1/tenants/leaving-co')).status, 404, 'deleting again: gone');
  });

  test('delete while Temporal is out of reach: 503, the tenant stays (disabled, keys valid); DELETE again finishes it', async () => {
    const t = await tenantWithSubscription('retry-co', 'fail-retry');
    const posted = await t.producer.post('/v1/events', employeeEvent('employee.created', 'evt-retry-co'));
    assert.equal(posted.status, 202, posted.text);
    const deliveryId = posted.body.deliveries[0].id as string;
    await waitStatus(deliveryId, 'retrying');
    const cutOff = api(h.appWith({ temporal: unreachableTemporal() }), platformKey.key);
    const refused = await cutOff.delete('/v1/tenants/retry-co');
    assert.equal(refused.status, 503, refused.text);
    assert.match(refused.body.detail, /1 open deliveries could not be cancelled yet/);
    assert.equal(await statusOf(deliveryId), 'retrying', 'still open');
    const kept = await platform.get('/v1/tenants/retry-co');
    assert.equal(kept.status, 200, 'not deleted');
    assert.ok(kept.body.disabledAt, 'but disabled: no new events meanwhile');
    assert.equal((await t.admin.get('/v1/deliveries')).status, 200, 'its keys still work');
    const done = await platform.delete('/v1/tenants/retry-co');
    assert.equal(done.status, 200, done.text);
    assert.equal(await statusOf(deliveryId), 'cancelled');
  });
});
