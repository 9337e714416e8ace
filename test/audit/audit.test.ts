// The audit trail (issue 23 item 7): a scripted session through the real API, web interface and CLI (real
// Postgres, Temporal, worker and receiver) — tenants, keys, subscriptions and their credentials, a test message,
// resync, mark processed, bulk actions, a portal link opened, sign-in and sign-out — and the trail holds every
// action with its actor, tenant, client address (through a trusted proxy) and request id, and none of the
// events' personal data, the notes' text or a secret. Tenant A's admin never sees B's entries (API and UI).
// Postgres refuses UPDATE, DELETE and TRUNCATE on audit_log. Every mutating route has an audit action.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Express } from 'express';
import request from 'supertest';
import { AUDIT_ACTIONS } from '../../src/app/audit/record';
import { createApiKey } from '../../src/infra/db/apiKeys';
import { tenantPool } from '../../src/infra/db/tenantScope';
import { createLogger } from '../../src/infra/observability/log';
import { createApp } from '../../src/interfaces/api/app';
import { API_AUDIT, WEB_AUDIT, describeAction } from '../../src/interfaces/api/auditActions';
import { API_ROUTES } from '../../src/interfaces/api/openapi';
import { createUiRouter } from '../../src/interfaces/web/router';
import { csrfOf, sessionCookieOf } from '../gateway/authApps';
import { eventually, leaveEvent, startHarness, type Harness } from '../gateway/harness';
import { TEST_PAYLOAD_KEY, TEST_SECRET_KEY, testBox } from '../support/temporal';

const A = 'audit-a';
const B = 'audit-b';
const C = 'audit-c';
const CLIENT = '203.0.113.7';
const BIN = path.resolve(__dirname, '..', '..', 'bin', 'hrhooks');
const ROOT = path.resolve(__dirname, '..', '..');
/** What the events and notes carry about the employee: never in the trail. */
const PERSONAL = ['Ada Lovelace', 'ada.lovelace@example.org', 'Sick leave (audit)', 'FR7630006000011234567890189'];
const NOTE = 'phoned Ada Lovelace about her sick leave';

interface Entry {
  id: string;
  tenantId: string | null;
  actor: { type: string; id: string | null; name: string };
  action: string;
  target: { type: string | null; id: string | null } | null;
  outcome: string;
  status: number | null;
  address: string | null;
  requestId: string | null;
  door: string;
  detail: Record<string, unknown>;
}

describe('audit trail', () => {
  let h: Harness;
  let app: Express;
  let platformKey: string;
  let seq = 0;
  const secrets: string[] = [];
  const ids = { aAdmin: '', aAdminKey: '', bAdminKey: '', aProducer: '', aProducerKey: '', subOk: '', subRetry: '', subFail: '', subB: '', retrying: '', failed: '' };

  /** Every request comes through a trusted proxy (loopback), for CLIENT, with a request id. */
  const via = (r: request.Test) => r.set('x-forwarded-for', CLIENT).set('x-request-id', `req-${++seq}`);
  const call = (key: string) => ({
    get: (p: string) => via(request(app).get(p)).set('authorization', `Bearer ${key}`),
    post: (p: string, body: object = {}) => via(request(app).post(p)).set('authorization', `Bearer ${key}`).send(body),
    patch: (p: string, body: object) => via(request(app).patch(p)).set('authorization', `Bearer ${key}`).send(body),
    delete: (p: string) => via(request(app).delete(p)).set('authorization', `Bearer ${key}`),
  });
  const web = (cookie: string) => ({
    get: (p: string) => via(request(app).get(p)).set('cookie', `hrhooks_session=${cookie}`),
    post: (p: string, form: Record<string, string> = {}) =>
      via(request(app).post(p)).set('cookie', `hrhooks_session=${cookie}`).type('form').send({ _csrf: csrfOf(cookie), ...form }),
  });
  const rows = async (where = 'TRUE', params: unknown[] = []) =>
    (await h.db.pool.query(`SELECT * FROM audit_log WHERE ${where} ORDER BY id`, params)).rows;
  const aTrail = async (): Promise<Entry[]> => {
    const items: Entry[] = [];
    for (let cursor = ''; ;) {
      const res = await call(ids.aAdminKey).get(`/v1/audit?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(res.status, 200, res.text);
      items.push(...res.body.items);
      if (!res.body.nextCursor) return items;
      cursor = res.body.nextCursor;
    }
  };

  before(async () => {
    h = await startHarness({ HRHOOKS_TRUST_PROXY: 'loopback' });
    const log = createLogger('silent');
    const deps = { pool: h.db.pool, temporal: h.temporal, taskQueue: h.taskQueue, box: testBox, config: h.config, log };
    app = createApp({ ...deps, ui: createUiRouter(deps) });
    platformKey = (await createApiKey(h.db.pool, 'platform', 'ops-platform', null)).key;
    h.receiver.respondWith((req) => (/^\/a-(fail|retry)/.test(req.path) ? { status: 500, body: 'nope' } : { status: 200 }));
  });
  after(async () => {
    await h?.close();
  });

  test('a scripted session: every action is in the trail with actor, tenant, address and request id; no payload, note or secret', async () => {
    const ops = call(platformKey);
    for (const id of [A, B, C]) assert.equal((await ops.post('/v1/tenants', { id, name: `Tenant ${id}` })).status, 201);
    assert.equal((await ops.patch(`/v1/tenants/${B}`, { name: 'Tenant B renamed' })).status, 200);
    assert.equal((await ops.post(`/v1/tenants/${B}/disable`)).status, 200);
    assert.equal((await ops.post(`/v1/tenants/${B}/enable`)).status, 200);
    assert.equal((await ops.delete(`/v1/tenants/${C}`)).status, 200);
    const pk = await ops.post('/v1/platform-keys', { name: 'second-ops' });
    assert.equal(pk.status, 201);
    secrets.push(pk.body.key);
    assert.equal((await ops.post(`/v1/platform-keys/${pk.body.id}/revoke`)).status, 200);

    const aAdmin = await ops.post(`/v1/tenants/${A}/keys`, { scope: 'admin', name: 'a-admin' });
    const bAdmin = await ops.post(`/v1/tenants/${B}/keys`, { scope: 'admin', name: 'b-admin' });
    assert.equal(aAdmin.status, 201);
    [ids.aAdmin, ids.aAdminKey, ids.bAdminKey] = [aAdmin.body.id, aAdmin.body.key, bAdmin.body.key];
    secrets.push(ids.aAdminKey, ids.bAdminKey);
    const a = call(ids.aAdminKey);
    const producer = await a.post('/v1/keys', { scope: 'producer', name: 'a-payroll' });
    [ids.aProducer, ids.aProducerKey] = [producer.body.id, producer.body.key];
    secrets.push(ids.aProducerKey);

    const made = async (name: string, extra: object) => {
      const res = await a.post('/v1/subscriptions', { name, url: `${h.receiver.url}/${name}`, format: 'standard', events: ['leave.approved'], ...extra });
      assert.equal(res.status, 201, res.text);
      secrets.push(res.body.secret);
      return res.body.id as string;
    };
    ids.subOk = await made('a-ok', {});
    ids.subRetry = await made('a-retry', { retrySchedule: ['1h'] });
    ids.subFail = await made('a-fail', { retrySchedule: ['1s'], ordering: 'none' });
    const bSub = await call(ids.bAdminKey).post('/v1/subscriptions', { name: 'b-only', url: `${h.receiver.url}/b-only`, format: 'standard', events: ['leave.approved'] });
    ids.subB = bSub.body.id;

    assert.equal((await a.patch(`/v1/subscriptions/${ids.subOk}`, { name: 'a-ok renamed' })).status, 200);
    const rotated = await a.post(`/v1/subscriptions/${ids.subOk}/rotate-secret`, {});
    assert.equal(rotated.status, 200, rotated.text);
    secrets.push(rotated.body.secret);
    // nothing pending after an overlapping rotation: refused (409), and recorded as refused
    const activated = await a.post(`/v1/subscriptions/${ids.subOk}/activate-credential`);
    assert.equal(activated.status, 409, activated.text);
    assert.equal((await a.post(`/v1/subscriptions/${ids.subOk}/test`)).status, 202);
    assert.equal((await a.post(`/v1/subscriptions/${ids.subOk}/resume`)).status, 202);
    // A's admin naming B's subscription: refused, recorded in A without B's id
    assert.equal((await a.post(`/v1/subscriptions/${ids.subB}/test`)).status, 404);

    const event = leaveEvent('leave.approved', { ownerName: PERSONAL[0] }) as ReturnType<typeof leaveEvent> & { data: Record<string, any> };
    event.data.owner.email = PERSONAL[1];
    event.data.leaveAccount.categoryName = PERSONAL[2];
    event.data.leaveAccount.name = PERSONAL[3];
    const posted = await call(ids.aProducerKey).post('/v1/events', event);
    assert.equal(posted.status, 202, posted.text);
    const dlv = (sub: string) => (posted.body.deliveries as { id: string }[]).find((d) => d.id.startsWith(`dlv_${sub}_`))!.id;
    [ids.retrying, ids.failed] = [dlv(ids.subRetry), dlv(ids.subFail)];
    const statusOf = async (id: string) => (await h.db.pool.query('SELECT status FROM deliveries WHERE id = $1', [id])).rows[0]?.status;
    await eventually(async () => ((await statusOf(ids.retrying)) === 'retrying' && (await statusOf(ids.failed)) === 'failed' ? true : undefined), 30_000, 'retrying and failed');

    assert.equal((await a.post(`/v1/deliveries/${ids.retrying}/resync`, { note: NOTE })).status, 202);
    assert.equal((await a.post(`/v1/deliveries/${ids.retrying}/mark-processed`, { note: NOTE })).status, 202);
    const bulk = await a.post('/v1/deliveries/resync', { subscriptionId: ids.subFail, note: NOTE });
    assert.equal(bulk.status, 202, bulk.text);

    // a portal link, opened: a portal session acts in the web interface and signs out
    const link = await a.post('/v1/portal-sessions', { role: 'admin' });
    assert.equal(link.status, 201, link.text);
    const linkUrl = new URL(link.body.url);
    secrets.push(linkUrl.searchParams.get('token')!);
    const opened = await via(request(app).get(linkUrl.pathname + linkUrl.search));
    assert.equal(opened.status, 303);
    const portalCookie = sessionCookieOf(opened)!.value;
    assert.equal((await web(portalCookie).post(`/subscriptions/${ids.subOk}/disable`)).status, 303);
    assert.equal((await web(portalCookie).post('/logout')).status, 200);

    // an admin key signs in to the web interface, acts, signs out; a bad key is refused
    const signedIn = await via(request(app).post('/login')).type('form').send({ key: ids.aAdminKey, next: '/' });
    assert.equal(signedIn.status, 303);
    const cookie = sessionCookieOf(signedIn)!.value;
    assert.equal((await web(cookie).post(`/subscriptions/${ids.subOk}/enable`)).status, 303);
    assert.equal((await web(cookie).post('/deliveries/bulk', { action: 'resync', id: ids.failed, back: '/deliveries' })).status, 200);
    assert.equal((await web(cookie).post(`/deliveries/${ids.failed}/mark-processed`, { note: NOTE })).status, 303);
    assert.equal((await web(cookie).post('/logout')).status, 303);
    assert.equal((await via(request(app).post('/login')).type('form').send({ key: 'hrk_not-a-key', next: '/' })).status, 401);

    assert.equal((await a.post(`/v1/keys/${ids.aProducer}/revoke`)).status, 200);
    assert.equal((await a.delete(`/v1/subscriptions/${ids.subRetry}`)).status, 204);

    // A's trail, through the API, page by page
    const trail = await aTrail();
    const actions = trail.map((e) => e.action);
    for (const action of ['key.created', 'subscription.created', 'subscription.updated', 'subscription.secret_rotated', 'subscription.credential_activated',
      'subscription.test_sent', 'subscription.resumed', 'delivery.resynced', 'delivery.marked_processed', 'delivery.bulk_resynced', 'portal.link_issued',
      'portal.session_opened', 'subscription.disabled', 'session.sign_out', 'session.sign_in', 'subscription.enabled', 'key.revoked', 'subscription.deleted']) {
      assert.ok(actions.includes(action), `A's trail has ${action}: ${actions.join(', ')}`);
    }
    assert.equal(actions.filter((x) => x === 'subscription.created').length, 3);
    assert.equal(actions.filter((x) => x === 'session.sign_out').length, 2, 'the portal session and the key session');
    assert.equal(actions.filter((x) => x === 'delivery.bulk_resynced').length, 2, 'the API and the web bulk action');
    for (const e of trail) {
      assert.equal(e.tenantId, A);
      assert.equal(e.address, CLIENT, `${e.action}: the client's address behind the proxy`);
      assert.match(e.requestId ?? '', /^req-\d+$/, `${e.action}: the request id`);
      assert.ok(e.actor.name, `${e.action}: an actor`);
    }
    const find = (action: string, door: string) => trail.find((e) => e.action === action && e.door === door)!;
    assert.deepEqual(find('subscription.created', 'api').actor, { type: 'key', id: ids.aAdmin, name: 'a-admin' });
    assert.ok(trail.some((e) => e.action === 'key.created' && e.actor.name === 'ops-platform' && e.target?.id === ids.aAdmin), 'the platform key acted in A');
    assert.deepEqual(find('session.sign_in', 'web').actor, { type: 'session', id: ids.aAdmin, name: 'a-admin' });
    assert.deepEqual(find('subscription.disabled', 'web').actor, { type: 'portal', id: 'admin', name: 'Admin · portal' }, 'the portal session: its name and role');
    assert.deepEqual(find('delivery.marked_processed', 'api').detail, { hasNote: true });
    assert.deepEqual(find('delivery.marked_processed', 'api').target, { type: 'delivery', id: ids.retrying });
    assert.equal(find('delivery.bulk_resynced', 'api').detail.matched, 1);
    assert.equal(find('delivery.bulk_resynced', 'web').detail.selected, 1);
    assert.deepEqual([find('subscription.credential_activated', 'api').outcome, find('subscription.credential_activated', 'api').status], ['refused', 409]);
    const refused = trail.find((e) => e.action === 'subscription.test_sent' && e.outcome === 'refused')!;
    assert.deepEqual([refused.status, refused.target], [404, { type: 'subscription', id: null }], "B's id is not echoed in A's trail");

    // platform-level entries: no tenant, only through /v1/platform-audit
    const platform = await ops.get('/v1/platform-audit?limit=500');
    assert.equal(platform.status, 200, platform.text);
    const platformActions = (platform.body.items as Entry[]).map((e) => `${e.action} ${e.target?.id ?? ''}`);
    for (const want of [`tenant.created ${A}`, `tenant.created ${C}`, `tenant.updated ${B}`, `tenant.disabled ${B}`, `tenant.enabled ${B}`, `tenant.deleted ${C}`, `platform_key.created ${pk.body.id}`, `platform_key.revoked ${pk.body.id}`]) {
      assert.ok(platformActions.includes(want), `platform trail has ${want}: ${platformActions.join(', ')}`);
    }
    const badSignIn = (platform.body.items as Entry[]).find((e) => e.action === 'session.sign_in')!;
    assert.deepEqual([badSignIn.outcome, badSignIn.status, badSignIn.actor.type, badSignIn.address], ['refused', 401, 'anonymous', CLIENT]);
    assert.ok((platform.body.items as Entry[]).every((e) => e.tenantId === null));

    // never a payload, a note's text or a secret, anywhere in the table
    const everything = JSON.stringify(await rows());
    for (const needle of [...PERSONAL, NOTE, ...secrets, 'nope']) assert.ok(!everything.includes(needle), `the trail holds ${needle}`);
  });

  test("tenant A's admin never sees B's entries: API, the tenant-named route and the web page", async () => {
    assert.ok((await rows('tenant_id = $1', [B])).length > 0, 'B has entries (the check is not vacuous)');
    const trail = await aTrail();
    assert.ok(trail.length > 0);
    const text = JSON.stringify(trail);
    for (const needle of [B, ids.subB, 'b-admin']) assert.ok(!text.includes(needle), `A's trail shows ${needle}`);
    assert.equal((await call(ids.aAdminKey).get(`/v1/tenants/${B}/audit`)).status, 404);
    assert.equal((await call(ids.aAdminKey).get('/v1/platform-audit')).status, 403);
    const asB = await call(platformKey).get(`/v1/tenants/${B}/audit?action=subscription.created`);
    assert.deepEqual(asB.body.items.map((e: Entry) => e.target?.id), [ids.subB], 'a platform key reads B by naming it');
    const badSince = await call(ids.aAdminKey).get('/v1/audit?since=yesterday');
    assert.equal(badSince.status, 400);
    assert.match(badSince.type, /problem\+json/);
    assert.match(badSince.text, /"since"/);

    const signedIn = await request(app).post('/login').type('form').send({ key: ids.aAdminKey, next: '/' });
    const page = await web(sessionCookieOf(signedIn)!.value).get('/audit');
    assert.equal(page.status, 200);
    assert.match(page.text, /subscription\.created/);
    assert.match(page.text, /href="\/audit"/, 'the nav links the page');
    for (const needle of [ids.subB, 'b-admin', 'Tenant B']) assert.ok(!page.text.includes(needle), `A's audit page shows ${needle}`);
    const filtered = await web(sessionCookieOf(signedIn)!.value).get(`/audit?action=key.revoked`);
    assert.match(filtered.text, new RegExp(ids.aProducer));
    assert.doesNotMatch(filtered.text, /data-action="subscription\.created"/);
  });

  test('Postgres refuses UPDATE, DELETE and TRUNCATE of audit_log, for the owner and for a tenant', async () => {
    const [one] = await rows('tenant_id = $1', [A]);
    assert.ok(one);
    await assert.rejects(h.db.pool.query("UPDATE audit_log SET actor_name = 'someone else' WHERE id = $1", [one.id]), /append-only/);
    await assert.rejects(h.db.pool.query('DELETE FROM audit_log WHERE id = $1', [one.id]), /append-only/);
    await assert.rejects(h.db.pool.query('TRUNCATE audit_log'), /append-only/);
    const aPool = tenantPool(h.db.pool, A);
    await assert.rejects(aPool.query("UPDATE audit_log SET action = 'key.created'"), /append-only/);
    await assert.rejects(aPool.query('DELETE FROM audit_log'), /append-only/);
    await assert.rejects(aPool.query("INSERT INTO audit_log (tenant_id, actor_type, actor_name, action, outcome, door) VALUES ($1, 'key', 'x', 'key.created', 'ok', 'api')", [B]), /row-level security/);
    assert.equal((await rows('id = $1', [one.id]))[0].actor_name, one.actor_name);
  });

  test('the offline CLI records as cli:<user>; hrhooks audit reads the trail', async () => {
    const env = {
      PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: h.db.url, TEMPORAL_ADDRESS: h.address, TEMPORAL_TASK_QUEUE: h.taskQueue,
      HRHOOKS_SECRET_KEY: TEST_SECRET_KEY, HRHOOKS_PAYLOAD_KEY: TEST_PAYLOAD_KEY, HRHOOKS_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'hrhooks-audit-')),
    };
    const cli = (args: string[]) => new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(BIN, args, { env, cwd: os.tmpdir(), timeout: 60_000 }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
    });
    const made = await cli(['keys', 'create', '--tenant', A, '--scope', 'producer', '--name', 'cli-made', '--json']);
    assert.equal(made.code, 0, made.stderr);
    secrets.push(JSON.parse(made.stdout).key);
    assert.equal((await cli(['tenants', 'disable', B])).code, 0);
    const [entry] = await rows("action = 'key.created' AND door = 'cli'");
    assert.match(entry.actor_name, /^cli:/);
    assert.deepEqual([entry.tenant_id, entry.actor_type, entry.target_id, entry.address], [A, 'cli', JSON.parse(made.stdout).id, null]);
    assert.equal((await rows("action = 'tenant.disabled' AND door = 'cli' AND tenant_id IS NULL AND target_id = $1", [B])).length, 1);

    const listed = await cli(['audit', '--tenant', A, '--action', 'key.', '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    const items = JSON.parse(listed.stdout).items as Entry[];
    assert.ok(items.some((e) => e.door === 'cli' && e.action === 'key.created'));
    assert.ok(items.every((e) => e.tenantId === A && e.action.startsWith('key.')));
    const bad = await cli(['audit', '--since', 'last tuesday']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--since/);
    const everything = JSON.stringify(await rows());
    for (const needle of secrets) assert.ok(!everything.includes(needle));
  });

  test('every mutating route a router declares, and every one openapi.ts lists, has an audit action (or is deliberately left out)', () => {
    const declared = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return declared(full);
      if (!/\.tsx?$/.test(entry.name)) return [];
      return [...fs.readFileSync(full, 'utf8').matchAll(/router\.(post|patch|put|delete)\(\s*['`]([^'`]+)['`]/g)]
        .map((m) => `${m[1]} ${m[2]!.replace(/:(\w+)/g, '{$1}')}`);
    });
    /** A declared route with a template part (`${toggle}`) is covered when some table route fits it. */
    const covered = (table: Record<string, unknown>, route: string) => {
      if (route in table) return true;
      if (!route.includes('${')) return false;
      const pattern = new RegExp(`^${route.split(/\$\{[^}]+\}/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.+')}$`);
      return Object.keys(table).some((k) => pattern.test(k));
    };
    const api = declared(path.join(ROOT, 'src/interfaces/api/routes'));
    const ui = declared(path.join(ROOT, 'src/interfaces/web'));
    assert.ok(api.length > 20 && ui.length > 15, 'the scan finds the routes');
    assert.deepEqual(api.filter((r) => !covered(API_AUDIT, r)), [], 'API routes with no entry in API_AUDIT (src/interfaces/api/auditActions.ts)');
    assert.deepEqual(ui.filter((r) => !covered(WEB_AUDIT, r)), [], 'web routes with no entry in WEB_AUDIT');
    // a tenant-named form (/v1/tenants/{id}/keys…) is the same route as /v1/keys… once tenantContext.ts rewrote it
    const documented = API_ROUTES.filter((r) => r.method !== 'get')
      .map((r) => `${r.method} ${r.path.replace(/^\/v1\/tenants\/\{id\}\/(events|keys|portal-sessions)/, '/v1/$1')}`);
    assert.deepEqual(documented.filter((r) => !(r in API_AUDIT)), [], 'documented routes with no audit action');
    const input = (body: Record<string, unknown>) => ({ params: { id: 't1' }, body, response: {}, location: null });
    assert.equal(describeAction(API_AUDIT['patch /v1/tenants/{id}']!, input({ retention: { events: '90d' } })).action, 'retention.updated');
    assert.deepEqual(describeAction(API_AUDIT['patch /v1/tenants/{id}']!, input({ name: 'x', limits: {} })), { action: 'tenant.updated', target: { type: 'tenant', id: 't1' }, detail: { fields: 'limits+name' } });
    assert.equal(describeAction(API_AUDIT['patch /v1/subscriptions/{id}']!, input({ enabled: false })).action, 'subscription.disabled');
    const known = new Set<string>(AUDIT_ACTIONS);
    for (const audit of [...Object.values(API_AUDIT), ...Object.values(WEB_AUDIT)]) {
      if (audit && typeof audit.action === 'string') assert.ok(known.has(audit.action), audit.action);
    }
  });
});
