// The isolation matrix (issue 22): every API route × tenant A's admin and producer keys × tenant B's ids (delivery,
// subscription, event, key, and B itself under /v1/tenants/B/…) answers 404 (403 for a producer key on an admin
// route), never 2xx, and leaves B's rows and B's event workflows exactly as they were. A's lists, searches and
// aggregates never show B. Row-level security: a statement with no tenant filter, run in A's scope, sees none
// of B's rows and cannot write one. B's data is made for real: B's keys, ingest, a real worker, a real receiver.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createApiKey } from '../../src/infra/db/apiKeys';
import { tenantPool } from '../../src/infra/db/tenantScope';
import { createUiSession } from '../../src/infra/db/uiSessions';
import { queryState } from '../../src/infra/temporal/deliveryClient';
import { API_ROUTES } from '../../src/interfaces/api/openapi';
import request from 'supertest';
import type { Express } from 'express';
import { createLogger } from '../../src/infra/observability/log';
import { createApp } from '../../src/interfaces/api/app';
import { createUiRouter } from '../../src/interfaces/web/router';
import { csrfOf, sessionCookieOf, signIn } from '../gateway/authApps';
import { api, employeeEvent, eventually, leaveEvent, startHarness, type Harness } from '../gateway/harness';
import { testBox } from '../support/temporal';

const A = 'acme-isolation-a';
const B = 'bravo-isolation-b';
const B_PERSON = 'Zenobia Bravoperson';
/** An employee only B holds something about (its erasure receipt): A's erasure and export of it → 404. */
const B_EMPLOYEE = 'b-employee-7';
const ROUTES_DIR = path.join(__dirname, '../../src/interfaces/api/routes');

/** Every tenant-owned table, and how a row names its tenant (flow-control rows: through their subscription). */
const TENANT_TABLES = ['subscriptions', 'events', 'deliveries', 'attempts', 'api_keys', 'ui_sessions', 'portal_tokens', 'tenant_ingest', 'employee_keys', 'erasures', 'audit_log'] as const;
const SUBSCRIPTION_TABLES = ['flow_control', 'flow_leases'] as const;

type Who = 'platform' | 'admin' | 'producer' | 'none';

/**
 * Every route the matrix knows: who may call it, and a body it accepts (so a request reaches the lookup, not the
 * validator). A route in openapi.ts or in a router that is missing here fails the first test until it is added.
 */
const ROUTES: Record<string, { scope: Who; body?: (ids: BIds) => unknown; namesB?: true }> = {
  'post /v1/events': { scope: 'producer', body: () => employeeEvent('employee.updated') },
  'post /v1/tenants/{id}/events': { scope: 'producer', body: () => employeeEvent('employee.updated') },
  'post /v1/tenants/{id}/keys': { scope: 'admin', body: () => ({ scope: 'producer', name: 'made by A for B' }) },
  'get /v1/tenants/{id}/keys': { scope: 'admin' },
  'post /v1/subscriptions': { scope: 'admin', body: () => ({ name: 'made by A in the matrix', url: 'http://127.0.0.1:9/a-matrix', format: 'standard', events: ['employee.created'] }) },
  'get /v1/subscriptions': { scope: 'admin' },
  'get /v1/subscriptions/{id}': { scope: 'admin' },
  'patch /v1/subscriptions/{id}': { scope: 'admin', body: () => ({ name: 'hijacked by A', enabled: false }) },
  'delete /v1/subscriptions/{id}': { scope: 'admin' },
  'post /v1/subscriptions/{id}/test': { scope: 'admin' },
  'post /v1/subscriptions/{id}/rotate-secret': { scope: 'admin', body: () => ({}) },
  'post /v1/subscriptions/{id}/rotate-authorization': { scope: 'admin', body: () => ({ authorization: 'Bearer stolen-by-a' }) },
  'post /v1/subscriptions/{id}/activate-credential': { scope: 'admin' },
  'post /v1/subscriptions/{id}/resume': { scope: 'admin' },
  'get /v1/subscriptions/{id}/health': { scope: 'admin' },
  'get /v1/deliveries': { scope: 'admin' },
  'post /v1/deliveries/resync': { scope: 'admin', body: (b) => ({ subscriptionId: b.subscriptionIds[1], note: 'A tries B' }) },
  'get /v1/deliveries/{id}': { scope: 'admin' },
  'post /v1/deliveries/{id}/resync': { scope: 'admin', body: () => ({ note: 'A tries B' }) },
  'post /v1/deliveries/{id}/mark-processed': { scope: 'admin', body: () => ({ note: 'A tries B' }) },
  'get /v1/dashboard': { scope: 'admin' },
  'get /v1/keys': { scope: 'admin' },
  'post /v1/keys': { scope: 'admin', body: () => ({ scope: 'producer', name: 'made by A in the matrix' }) },
  'post /v1/keys/{id}/revoke': { scope: 'admin' },
  'delete /v1/keys/{id}': { scope: 'admin' },
  'post /v1/portal-sessions': { scope: 'admin', body: () => ({ role: 'viewer' }) },
  'post /v1/tenants/{id}/portal-sessions': { scope: 'admin', body: () => ({ role: 'admin' }) },
  'get /v1/platform-keys': { scope: 'platform' },
  'post /v1/platform-keys': { scope: 'platform', body: () => ({ name: 'made by A in the matrix' }) },
  'post /v1/platform-keys/{id}/revoke': { scope: 'platform' },
  'post /v1/tenants': { scope: 'platform', body: () => ({ id: 'made-by-a', name: 'made by A' }) },
  'get /v1/tenants': { scope: 'platform' },
  'get /v1/tenants/{id}': { scope: 'platform' },
  'patch /v1/tenants/{id}': { scope: 'platform', body: () => ({ name: 'hijacked by A' }) },
  'post /v1/tenants/{id}/disable': { scope: 'platform' },
  'post /v1/tenants/{id}/enable': { scope: 'platform' },
  'delete /v1/tenants/{id}': { scope: 'platform' },
  // the body names B's employee, so even A's admin key gets 404
  'post /v1/erasures': { scope: 'admin', body: () => ({ employeeId: B_EMPLOYEE }), namesB: true },
  'get /v1/erasures': { scope: 'admin' },
  'get /v1/employees/{employeeId}/export': { scope: 'admin' },
  'get /v1/audit': { scope: 'admin' },
  'get /v1/platform-audit': { scope: 'platform' },
  'get /healthz': { scope: 'none' },
  'get /readyz': { scope: 'none' },
  'get /metrics': { scope: 'none' },
  'get /openapi.json': { scope: 'none' },
};

/** Paths that name no tenant resource: they are not reachable under /v1/tenants/:id/ (tenant management itself). */
const UNNAMED = /^\/v1\/(tenants|platform-keys)(\/|$)/;

const WEB_DIR = path.join(__dirname, '../../src/interfaces/web');

/**
 * Every web-interface route (as its router spells it) and the requests the UI matrix sends it: `{id}` is one of
 * B's ids. A route a router declares that is missing here fails the UI coverage test until it is added.
 */
const UI_ROUTES: Record<string, { method: 'get' | 'post'; path: string; form?: Record<string, unknown> }[]> = {
  'get /': [{ method: 'get', path: '/' }],
  'get /deliveries': [{ method: 'get', path: '/deliveries' }, { method: 'get', path: `/deliveries?q=${encodeURIComponent(B_PERSON)}` }],
  'get /deliveries/:id': [{ method: 'get', path: '/deliveries/{id}' }],
  'post /deliveries/:id/resync': [{ method: 'post', path: '/deliveries/{id}/resync' }],
  'post /deliveries/:id/mark-processed': [{ method: 'post', path: '/deliveries/{id}/mark-processed', form: { note: 'A tries B' } }],
  'post /deliveries/bulk': [
    { method: 'post', path: '/deliveries/bulk', form: { action: 'resync', id: '{id}' } },
    { method: 'post', path: '/deliveries/bulk', form: { action: 'markProcessed', id: '{id}', note: 'A tries B' } },
    { method: 'post', path: '/deliveries/bulk', form: { row: 'markProcessed:{id}', note: 'A tries B' } },
  ],
  'get /subscriptions': [{ method: 'get', path: '/subscriptions' }],
  'post /subscriptions': [{ method: 'post', path: '/subscriptions', form: { name: 'made by A in the UI', url: 'http://127.0.0.1:9/a-ui', format: 'standard', events: 'employee.created' } }],
  'get /subscriptions/:id': [{ method: 'get', path: '/subscriptions/{id}' }],
  'get /subscriptions/:id/edit': [{ method: 'get', path: '/subscriptions/{id}/edit' }],
  'post /subscriptions/:id/edit': [{ method: 'post', path: '/subscriptions/{id}/edit', form: { name: 'hijacked by A', url: 'http://127.0.0.1:9/a-hijack', events: 'employee.created' } }],
  'get /subscriptions/:id/${kind}': [{ method: 'get', path: '/subscriptions/{id}/disable' }, { method: 'get', path: '/subscriptions/{id}/delete' }],
  'post /subscriptions/:id/${toggle}': [{ method: 'post', path: '/subscriptions/{id}/disable' }, { method: 'post', path: '/subscriptions/{id}/enable' }],
  'post /subscriptions/:id/delete': [{ method: 'post', path: '/subscriptions/{id}/delete' }],
  'post /subscriptions/:id/test': [{ method: 'post', path: '/subscriptions/{id}/test' }],
  'post /subscriptions/:id/resume': [{ method: 'post', path: '/subscriptions/{id}/resume' }],
  'post /subscriptions/:id/resync-failed': [{ method: 'post', path: '/subscriptions/{id}/resync-failed' }],
  'post /subscriptions/:id/rotate-secret': [{ method: 'post', path: '/subscriptions/{id}/rotate-secret' }],
  'post /subscriptions/:id/authorization': [{ method: 'post', path: '/subscriptions/{id}/authorization', form: { authorization: 'Bearer stolen-by-a' } }],
  'post /subscriptions/:id/activate-credential': [{ method: 'post', path: '/subscriptions/{id}/activate-credential' }],
  'post /tenants/:tenant/open': [{ method: 'post', path: '/tenants/{tenant}/open' }],
  'get /branding.css': [{ method: 'get', path: '/branding.css' }],
  'get /audit': [{ method: 'get', path: '/audit' }, { method: 'get', path: '/audit?target={id}' }],
  'get /portal/open': [{ method: 'get', path: '/portal/open?token={id}' }],
  // No id, nothing of a tenant: the sign-in form, signing in and out, static files.
  'get /login': [], 'post /login': [], 'post /logout': [], 'get /assets/:file': [],
};

/** The routes the web routers declare (`router.get('/…'` or a template), as spelled there. */
function declaredUiRoutes(dir = WEB_DIR): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...declaredUiRoutes(full));
    else if (/\.tsx?$/.test(entry.name)) {
      for (const m of fs.readFileSync(full, 'utf8').matchAll(/router\.(get|post|put|patch|delete)\(\s*['`]([^'`]+)['`]/g)) found.push(`${m[1]} ${m[2]}`);
    }
  }
  return [...new Set(found)];
}

/** What a web answer shows: its page, where it redirects, and the flash message it sets (decoded). */
function uiAnswer(res: request.Response): string {
  const flash = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((l) => l.startsWith('hrhooks_flash='));
  const flashText = flash ? Buffer.from(flash.slice('hrhooks_flash='.length).split(';')[0]!, 'base64url').toString('utf8') : '';
  return `${res.text ?? ''}\n${res.headers.location ?? ''}\n${flashText}`;
}

/** An answer with the id it was asked about replaced, to compare with the answer for an id that does not exist. */
function normalised(res: request.Response, id: string): { status: number; shown: string } {
  const shown = uiAnswer(res).replaceAll(encodeURIComponent(id), 'ID').replaceAll(id, 'ID');
  return { status: res.status, shown };
}

interface BIds {
  deliveryIds: string[];
  subscriptionIds: string[];
  eventIds: string[];
  keyIds: string[];
}

/** The routes the routers declare (`router.get('/v1/…'`), in the OpenAPI spelling. */
function declaredRoutes(): string[] {
  const found: string[] = [];
  for (const file of fs.readdirSync(ROUTES_DIR).filter((f) => /\.tsx?$/.test(f))) {
    const text = fs.readFileSync(path.join(ROUTES_DIR, file), 'utf8');
    for (const m of text.matchAll(/router\.(get|post|patch|put|delete)\(\s*'([^']+)'/g)) {
      found.push(`${m[1]} ${m[2]!.replace(/:([A-Za-z]+)/g, '{$1}')}`);
    }
  }
  return found;
}

describe('tenant isolation matrix', () => {
  let h: Harness;
  const keys: Record<'aAdmin' | 'aProducer' | 'bAdmin' | 'bProducer', { id: string; key: string }> = {} as never;
  const b: BIds = { deliveryIds: [], subscriptionIds: [], eventIds: [], keyIds: [] };
  const aSubscriptions: string[] = [];
  /** Strings only B's data holds: an answer to A containing one (that A did not send itself) leaked B. */
  const needles: string[] = [];

  const bSnapshot = async () => {
    const rows: Record<string, unknown> = {};
    for (const table of TENANT_TABLES) {
      rows[table] = (await h.db.pool.query(`SELECT * FROM ${table} WHERE tenant_id = $1 ORDER BY 1, 2`, [B])).rows;
    }
    for (const table of SUBSCRIPTION_TABLES) {
      rows[table] = (await h.db.pool.query(`SELECT * FROM ${table} WHERE subscription_id = ANY($1) ORDER BY 1`, [b.subscriptionIds])).rows;
    }
    return JSON.stringify(rows);
  };
  const uiNeedles = () => [...needles, 'Bravo (tenant B)'];
  const bWorkflows = async () => JSON.stringify(await Promise.all(b.deliveryIds.map((id) => queryState(h.temporal, id))));
  const statusOf = async (id: string) => (await h.db.pool.query('SELECT status FROM deliveries WHERE id = $1', [id])).rows[0]?.status as string;

  /** An answer to A: no B string in it, beyond what the request itself named. */
  const assertNoB = (res: request.Response, what: string, sent = '') => {
    const text = `${res.text ?? ''} ${JSON.stringify(res.headers)}`;
    for (const needle of needles) {
      if (sent.includes(needle)) continue;
      assert.ok(!text.includes(needle), `${what} → ${res.status} shows B's ${needle}: ${text.slice(0, 400)}`);
    }
  };

  before(async () => {
    h = await startHarness();
    // B posts under a limit of its own (its tenant_ingest row), far above what this test sends
    await h.db.pool.query(`INSERT INTO tenants (id, name, limits) VALUES ($1, $2, '{}'), ($3, $4, '{"eventsPerSecond": 1000}')`, [A, 'Acme (tenant A)', B, 'Bravo (tenant B)']);
    keys.aAdmin = await createApiKey(h.db.pool, 'admin', 'a-admin', A);
    keys.aProducer = await createApiKey(h.db.pool, 'producer', 'a-producer', A);
    keys.bAdmin = await createApiKey(h.db.pool, 'admin', 'b-admin-secretname', B);
    keys.bProducer = await createApiKey(h.db.pool, 'producer', 'b-producer-secretname', B);
    b.keyIds.push(keys.bAdmin.id, keys.bProducer.id);
    await createUiSession(h.db.pool, crypto.randomBytes(16).toString('hex'), keys.bAdmin.id, Date.now() + 3_600_000);
    const bLink = await api(h.app, keys.bAdmin.key).post('/v1/portal-sessions', { role: 'viewer' });
    assert.equal(bLink.status, 201, `B's portal link (a portal_tokens row of B's): ${bLink.text}`);
    h.receiver.respondWith((req) => (/^\/b-(fail|retry)/.test(req.path) ? { status: 500, body: 'nope' } : { status: 200 }));

    const bAdmin = api(h.app, keys.bAdmin.key);
    const subs: [string, Record<string, unknown>][] = [
      ['b-ok', { format: 'standard', events: '*' }],
      ['b-fail', { format: 'aspnet', events: '*', retrySchedule: ['1s'], ordering: 'none' }],
      ['b-retry', { format: 'standard', events: '*', retrySchedule: ['1h'] }],
      ['b-lucca', { format: 'lucca', events: ['leave.approved'], mode: 'all', authorization: 'Bearer b-lucca-token' }],
    ];
    for (const [name, body] of subs) {
      const res = await bAdmin.post('/v1/subscriptions', { name: `${name}-secretname`, url: `${h.receiver.url}/${name}`, ...body });
      assert.equal(res.status, 201, res.text);
      b.subscriptionIds.push(res.body.id);
    }
    const aRes = await api(h.app, keys.aAdmin.key).post('/v1/subscriptions', { name: 'a-ok', url: `${h.receiver.url}/a-ok`, format: 'standard', events: '*' });
    assert.equal(aRes.status, 201, aRes.text);
    aSubscriptions.push(aRes.body.id);

    for (const event of [leaveEvent('leave.approved', { ownerName: B_PERSON }), employeeEvent('employee.created')]) {
      const res = await api(h.app, keys.bProducer.key).post('/v1/events', event);
      assert.equal(res.status, 202, res.text);
      b.eventIds.push(event.id);
      b.deliveryIds.push(...res.body.deliveries.map((d: { id: string }) => d.id));
    }
    // A has data of its own, so that "A sees none of B" is not "A sees nothing".
    const aEvent = leaveEvent('leave.approved', { ownerName: 'Alice Acmeperson' });
    assert.equal((await api(h.app, keys.aProducer.key).post('/v1/events', aEvent)).status, 202);
    assert.equal(b.deliveryIds.length, 7, 'leave: 4 subscriptions; employee: 3 (lucca takes leave events only)');

    const want = (sub: string) => (sub === b.subscriptionIds[1] ? 'failed' : sub === b.subscriptionIds[2] ? 'retrying' : 'delivered');
    await eventually(async () => {
      for (const id of b.deliveryIds) {
        const sub = b.subscriptionIds.find((s) => id.startsWith(`dlv_${s}_`))!;
        if ((await statusOf(id)) !== want(sub)) return undefined;
      }
      const aDone = await h.db.pool.query("SELECT count(*)::int AS n FROM deliveries WHERE tenant_id = $1 AND status = 'delivered'", [A]);
      return aDone.rows[0].n === 1 ? true : undefined;
    }, 30_000, "B's deliveries delivered, failed and retrying; A's delivered");
    // B has an erasure receipt (an erasure through the API would cancel B's open deliveries the matrix compares)
    await h.db.pool.query("INSERT INTO erasures (id, tenant_id, employee_id, by, counts) VALUES ('ers_b_matrix', $1, $2, 'b-admin-secretname', '{}')", [B, B_EMPLOYEE]);
    needles.push(...b.deliveryIds, ...b.subscriptionIds, ...b.eventIds, ...b.keyIds, B, B_PERSON, 'secretname', '/b-ok', '/b-fail', '/b-retry');
  });
  after(() => h?.close());

  test('the matrix covers every route in openapi.ts and every route a router declares', () => {
    const documented = API_ROUTES.map((r) => `${r.method} ${r.path}`);
    const missing = [...new Set([...documented, ...declaredRoutes()])].filter((r) => !(r in ROUTES));
    assert.deepEqual(missing, [], 'routes the isolation matrix does not cover: add them to ROUTES');
    // A router's `/v1/keys` may be documented as `/v1/tenants/{id}/keys` (the same route, the tenant named).
    const isDocumented = (r: string) => documented.includes(r) || documented.some((d) => d.replace(/\/v1\/tenants\/\{[A-Za-z]+\}\//, '/v1/') === r);
    assert.deepEqual(declaredRoutes().filter((r) => !isDocumented(r)), [], 'routes a router declares that openapi.ts does not list');
  });

  test("every route × A's admin and producer keys × B's ids: 404 (403 where the key's scope may not call it), B unchanged", async () => {
    const rowsBefore = await bSnapshot();
    const workflowsBefore = await bWorkflows();
    assert.ok(JSON.parse(workflowsBefore).every((s: unknown) => s !== null), 'every B delivery has a live workflow to compare');
    const bObjects = [...b.deliveryIds.slice(0, 3), ...b.subscriptionIds, ...b.eventIds, ...b.keyIds, B_EMPLOYEE];
    let tried = 0;
    for (const [routeKey, spec] of Object.entries(ROUTES)) {
      if (spec.scope === 'none') continue;
      const [method, routePath] = routeKey.split(' ') as [string, string];
      const body = spec.body?.(b);
      const fill = (id: string) => routePath.replace(/\{[A-Za-z]+\}/g, encodeURIComponent(id));
      const targets = !routePath.includes('{') ? [routePath] : UNNAMED.test(routePath) ? [B, 'default'].map(fill) : bObjects.map(fill);
      const named = UNNAMED.test(routePath) ? [] : targets.map((p) => p.replace(/^\/v1\//, `/v1/tenants/${B}/`));
      for (const [who, key] of [['admin', keys.aAdmin.key], ['producer', keys.aProducer.key]] as const) {
        const mayCall = spec.scope === 'producer' || (spec.scope === 'admin' && who === 'admin');
        for (const target of [...targets, ...named]) {
          const res = await send(method, target, key, body);
          tried += 1;
          const what = `${method.toUpperCase()} ${target} with A's ${who} key`;
          const expected = !mayCall ? [403, 404] : target !== routePath || spec.namesB ? [404] : null;
          if (expected) assert.ok(expected.includes(res.status), `${what} → ${res.status} (want ${expected.join(' or ')}): ${res.text}`);
          else assert.ok(res.status < 300, `${what} → ${res.status}: ${res.text}`);
          assertNoB(res, what, `${target} ${JSON.stringify(body ?? '')}`);
        }
      }
    }
    assert.ok(tried > 300, `${tried} requests`);
    assert.equal(await bSnapshot(), rowsBefore, "B's subscriptions, events, deliveries, attempts, keys, sessions and flow rows are unchanged");
    assert.equal(await bWorkflows(), workflowsBefore, "B's event workflows are unchanged");
    assert.equal((await api(h.app, keys.bAdmin.key).get('/v1/keys')).status, 200, "B's admin key still works (not revoked by A)");
    const tenantB = await h.db.pool.query('SELECT name, disabled_at, deleted_at FROM tenants WHERE id = $1', [B]);
    assert.deepEqual(tenantB.rows[0], { name: 'Bravo (tenant B)', disabled_at: null, deleted_at: null }, 'tenant B itself is unchanged');
  });

  async function send(method: string, target: string, key: string, body: unknown): Promise<request.Response> {
    const client = api(h.app, key);
    if (method === 'get') return client.get(target);
    if (method === 'delete') return client.delete(target);
    if (method === 'patch') return client.patch(target, body ?? {});
    return client.post(target, body ?? {});
  }

  test("A's lists, searches, dashboard and key list never show B; A's counts exclude B", async () => {
    const aAdmin = api(h.app, keys.aAdmin.key);
    const lists = [
      '/v1/deliveries', '/v1/deliveries?limit=200', `/v1/deliveries?q=${encodeURIComponent(B_PERSON)}`, '/v1/deliveries?q=Zenobia',
      `/v1/deliveries?q=${encodeURIComponent(b.eventIds[0]!)}`, `/v1/deliveries?q=${encodeURIComponent(b.eventIds[1]!)}`,
      `/v1/deliveries?subscriptionId=${b.subscriptionIds[1]}`, '/v1/deliveries?status=failed', '/v1/deliveries?status=retrying',
      '/v1/subscriptions', '/v1/dashboard', '/v1/keys',
    ];
    for (const list of lists) {
      const res = await aAdmin.get(list);
      assert.equal(res.status, 200, `${list}: ${res.text}`);
      assertNoB(res, `GET ${list}`, list);
    }
    const own = await aAdmin.get('/v1/deliveries?q=Alice%20Acmeperson');
    assert.equal(own.body.items.length, 1, "A finds its own delivery by its subject's name (the search works)");
    assert.deepEqual((await aAdmin.get(`/v1/deliveries?q=${encodeURIComponent(B_PERSON)}`)).body.items, []);
    assert.deepEqual((await aAdmin.get('/v1/deliveries?status=failed')).body.items, [], 'B has failed deliveries; A has none');

    const dashboard = (await aAdmin.get('/v1/dashboard')).body;
    const total = Object.values(dashboard.counts as Record<string, number>).reduce((s, n) => s + n, 0);
    const aCount = (await h.db.pool.query('SELECT count(*)::int AS n FROM deliveries WHERE tenant_id = $1', [A])).rows[0].n;
    assert.equal(total, aCount, `A's dashboard counts A's ${aCount} deliveries only: ${JSON.stringify(dashboard.counts)}`);
    assert.equal(dashboard.counts.failed ?? 0, 0);
    assert.equal(dashboard.counts.retrying ?? 0, 0);
    assert.deepEqual(dashboard.health.map((s: { id?: string; subscriptionId?: string }) => s.id ?? s.subscriptionId).sort(),
      [...new Set([...aSubscriptions, ...(await aSubscriptionIds())])].sort(), "health lists A's subscriptions only");
    const aKeys = (await aAdmin.get('/v1/keys')).body.items.map((k: { id: string }) => k.id);
    assert.ok(aKeys.includes(keys.aAdmin.id) && aKeys.includes(keys.aProducer.id), "A lists its own keys");
    // B sees its own, so the absence above is isolation, not an empty database.
    const bFailed = await api(h.app, keys.bAdmin.key).get('/v1/deliveries?status=failed');
    assert.equal(bFailed.body.items.length, 2);
  });

  async function aSubscriptionIds(): Promise<string[]> {
    return (await h.db.pool.query('SELECT id FROM subscriptions WHERE tenant_id = $1', [A])).rows.map((r) => r.id);
  }

  test("row-level security: a statement with no tenant filter in A's scope sees no row of B and cannot write one", async () => {
    const owned = await h.db.pool.query(
      `SELECT c.table_name, t.relrowsecurity FROM information_schema.columns c JOIN pg_class t ON t.relname = c.table_name AND t.relkind IN ('r', 'p')
        WHERE c.table_schema = 'public' AND c.column_name = 'tenant_id' AND NOT t.relispartition ORDER BY 1`);
    // attempts is partitioned by day (migration 018): its partitions are read through it, never by a tenant's role
    const partitions = await h.db.pool.query(
      `SELECT c.relname, c.relrowsecurity, has_table_privilege('hrhooks_tenant', c.oid, 'SELECT') AS readable
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'attempts'::regclass`);
    assert.ok(partitions.rows.length > 1, 'attempts has partitions');
    assert.deepEqual(partitions.rows.filter((r) => !r.relrowsecurity || r.readable).map((r) => r.relname), [], 'no partition readable by a tenant');
    assert.deepEqual(owned.rows.filter((r) => !r.relrowsecurity).map((r) => r.table_name), [], 'every table with a tenant_id has row-level security');
    assert.deepEqual(owned.rows.map((r) => r.table_name).filter((t) => !(TENANT_TABLES as readonly string[]).includes(t)), [],
      'every table with a tenant_id is checked below (add it to TENANT_TABLES)');
    const aPool = tenantPool(h.db.pool, A);
    for (const table of TENANT_TABLES) {
      const all = await h.db.pool.query(`SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1`, [B]);
      assert.ok(all.rows[0].n > 0, `B has rows in ${table} (the check below is not vacuous)`);
      const seen = await aPool.query(`SELECT * FROM ${table}`);
      assert.deepEqual(seen.rows.filter((r) => r.tenant_id !== A).map((r) => r.tenant_id), [], `${table} in A's scope`);
      const updated = await aPool.query(`UPDATE ${table} SET tenant_id = tenant_id WHERE tenant_id = $1`, [B]);
      assert.equal(updated.rowCount, 0, `an UPDATE of B's ${table} rows in A's scope touches none`);
      const deleted = await aPool.query(`DELETE FROM ${table} WHERE tenant_id <> $1`, [A]);
      assert.equal(deleted.rowCount, 0, `a DELETE of other tenants' ${table} rows in A's scope deletes none`);
    }
    for (const table of SUBSCRIPTION_TABLES) {
      const seen = await aPool.query(`SELECT subscription_id FROM ${table}`);
      assert.deepEqual(seen.rows.filter((r) => b.subscriptionIds.includes(r.subscription_id)), [], `${table} in A's scope`);
    }
    const tenants = await aPool.query('SELECT id FROM tenants');
    assert.deepEqual(tenants.rows.map((r) => r.id), [A], "A's scope sees its own tenant row only");
    await assert.rejects(
      aPool.query(`INSERT INTO events (tenant_id, id, type, occurred_at, body, body_hash) VALUES ($1, 'rls-probe', 'employee.created', now(), '{}', 'x')`, [B]),
      /row-level security/,
      "an INSERT of a B row in A's scope is refused",
    );
    await assert.rejects(
      aPool.query("INSERT INTO api_keys (id, name, scope, key_hash, tenant_id) VALUES ('key_rlsprobe', 'x', 'admin', 'h', $1)", [B]),
      /row-level security/,
    );
    await assert.rejects(aPool.query('UPDATE events SET tenant_id = $1', [B]), /row-level security/, "moving A's rows into B is refused");
    const plain = await aPool.query("INSERT INTO events (id, type, occurred_at, body, body_hash) VALUES ('rls-own', 'employee.created', now(), '{}', 'x') RETURNING tenant_id");
    assert.equal(plain.rows[0].tenant_id, A, "a row inserted in A's scope without a tenant is A's");
    await h.db.pool.query("DELETE FROM events WHERE id = 'rls-own'");
    assert.equal((await h.db.pool.query("SELECT count(*)::int AS n FROM events WHERE id LIKE 'rls-probe%'")).rows[0].n, 0);
  });

  test('the UI matrix covers every route the web routers declare', () => {
    assert.deepEqual(declaredUiRoutes().filter((r) => !(r in UI_ROUTES)), [], 'web routes the UI isolation matrix does not cover: add them to UI_ROUTES');
  });

  test("UI routes × A's portal sessions (admin, viewer) and A's signed-in admin key × B's ids: 404, or what a made-up id gets; B unchanged", { timeout: 300_000 }, async () => {
    const log = createLogger('silent');
    const deps = { pool: h.db.pool, taskQueue: h.taskQueue, box: testBox, config: h.config, log };
    const uiApp: Express = createApp({ ...deps, temporal: h.temporal, ui: createUiRouter({ ...deps, temporal: h.temporal }) });
    const sessions: [string, string][] = [];
    for (const role of ['admin', 'viewer']) {
      const link = await api(h.app, keys.aAdmin.key).post('/v1/portal-sessions', { role });
      assert.equal(link.status, 201, link.text);
      const url = new URL(link.body.url as string);
      const opened = await request(uiApp).get(url.pathname + url.search);
      assert.equal(opened.status, 303, opened.text);
      sessions.push([`A's portal ${role}`, sessionCookieOf(opened)!.value]);
    }
    const signed = await signIn(uiApp, keys.aAdmin.key);
    assert.equal(signed.status, 303, signed.text);
    sessions.push(["A's admin key, signed in", sessionCookieOf(signed)!.value]);
    const own = await request(uiApp).get('/deliveries?q=Alice%20Acmeperson').set('cookie', `hrhooks_session=${sessions[0]![1]}`);
    assert.equal(own.status, 200);
    assert.ok(own.text.includes('Alice Acmeperson'), "A's portal shows A's own deliveries (the sessions work)");

    const rowsBefore = await bSnapshot();
    const workflowsBefore = await bWorkflows();
    const bObjects = [...b.deliveryIds.slice(0, 3), ...b.subscriptionIds, ...b.eventIds, ...b.keyIds];
    let tried = 0;
    for (const [who, cookie] of sessions) {
      const ask = (req: { method: 'get' | 'post'; path: string; form?: Record<string, unknown> }, id: string) => {
        const fill = (v: string, encode: boolean) => v.replaceAll('{id}', encode ? encodeURIComponent(id) : id).replaceAll('{tenant}', id);
        const target = fill(req.path, true);
        if (req.method === 'get') return request(uiApp).get(target).set('cookie', `hrhooks_session=${cookie}`);
        const form = Object.fromEntries(Object.entries(req.form ?? {}).map(([k, v]) => [k, typeof v === 'string' ? fill(v, false) : v]));
        return request(uiApp).post(target).set('cookie', `hrhooks_session=${cookie}`).type('form').send({ _csrf: csrfOf(cookie), ...form });
      };
      for (const requests of Object.values(UI_ROUTES)) {
        for (const req of requests) {
          const named = `${req.path} ${JSON.stringify(req.form ?? {})}`;
          const ids = named.includes('{tenant}') ? [B, 'default'] : named.includes('{id}') ? bObjects : [''];
          for (const id of ids) {
            const res = await ask(req, id);
            tried += 1;
            const what = `${req.method.toUpperCase()} ${req.path} ${id} as ${who}`;
            assert.ok(res.status < 500, `${what} → ${res.status}: ${res.text.slice(0, 300)}`);
            const shown = uiAnswer(res);
            for (const needle of uiNeedles()) if (!id.includes(needle) && !decodeURIComponent(named).includes(needle)) assert.ok(!shown.includes(needle), `${what} → ${res.status} shows B's ${needle}`);
            if (!id) continue;
            if (req.method === 'get' && /^\/(deliveries|subscriptions)\//.test(req.path)) {
              // a page of B's: 404 (a viewer asking for an edit page is sent to the page itself, whatever the id)
              if (res.status === 404) continue;
              assert.equal(res.status, 303, `${what}: ${res.text.slice(0, 300)}`);
            }
            const madeUp = id === 'default' ? 'no-such-tenant' : `${id.slice(0, -6)}QqQqQq`;
            const other = await ask(req, madeUp);
            assert.deepEqual(normalised(res, id), normalised(other, madeUp), `${what}: answered as for an id that does not exist`);
          }
        }
      }
    }
    assert.ok(tried > 200, `${tried} requests`);
    assert.equal(await bSnapshot(), rowsBefore, "B's rows are unchanged by A's web sessions");
    assert.equal(await bWorkflows(), workflowsBefore, "B's event workflows are unchanged by A's web sessions");
  });

  test("A's admin key mints keys and portal links of A only: no platform key, nothing of B's; bulk resync in A touches no B delivery", async () => {
    const before = await bSnapshot();
    const aAdmin = api(h.app, keys.aAdmin.key);
    const platform = await aAdmin.post('/v1/keys', { scope: 'platform', name: 'escalate' });
    assert.equal(platform.status, 400, platform.text);
    for (const body of [{ scope: 'admin', name: 'into b', tenantId: B }, { scope: 'admin', name: 'into b', tenant: B }]) {
      const res = await aAdmin.post('/v1/keys', body);
      if (res.status === 201) assert.equal(res.body.tenantId, A, `a key minted by A's admin is A's: ${res.text}`);
      else assert.equal(res.status, 400, res.text);
    }
    const minted = await aAdmin.post('/v1/keys', { scope: 'producer', name: 'minted by a' });
    assert.equal(minted.status, 201, minted.text);
    const row = await h.db.pool.query('SELECT scope, tenant_id FROM api_keys WHERE id = $1', [minted.body.id]);
    assert.deepEqual(row.rows[0], { scope: 'producer', tenant_id: A });
    assert.equal((await api(h.app, minted.body.key).post(`/v1/tenants/${B}/events`, employeeEvent()).then((r) => r.status)), 404);
    const link = await aAdmin.post('/v1/portal-sessions', { role: 'admin', tenantId: B });
    assert.ok(link.status === 400 || link.status === 201, link.text);
    if (link.status === 201) {
      const token = await h.db.pool.query('SELECT tenant_id FROM portal_tokens ORDER BY created_at DESC LIMIT 1');
      assert.equal(token.rows[0].tenant_id, A, "a portal link asked for by A's admin opens A");
    }
    const bulk = await aAdmin.post('/v1/deliveries/resync', { note: 'A resyncs everything it may' });
    assert.equal(bulk.status, 202, bulk.text);
    assert.equal(bulk.body.matched, 0, "A has no failed delivery; B's two are not A's to resync");
    assert.equal(await bSnapshot(), before);
  });

  test("A posting B's event id makes an event of A's (202, not 409: no oracle); B's event is untouched", async () => {
    const before = await bSnapshot();
    const reused = { ...employeeEvent('employee.updated', b.eventIds[1]), data: { id: 7, firstName: 'Other', lastName: 'Body' } };
    const res = await api(h.app, keys.aProducer.key).post('/v1/events', reused);
    assert.equal(res.status, 202, res.text);
    assert.equal(res.headers['idempotent-replayed'], 'false');
    for (const d of res.body.deliveries as { id: string }[]) assert.ok(!b.deliveryIds.includes(d.id), d.id);
    const stored = await h.db.pool.query('SELECT tenant_id FROM events WHERE id = $1 ORDER BY tenant_id', [b.eventIds[1]]);
    assert.deepEqual(stored.rows.map((r) => r.tenant_id), [A, B]);
    assert.equal(await bSnapshot(), before);
  });
});
