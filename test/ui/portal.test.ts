// Browser tests of the embedded follow-up portal (issue 22 item 5): a portal link (POST
// /v1/tenants/:id/portal-sessions) opens the tenant's scoped interface inside an <iframe> of a page served from
// one of the tenant's portalOrigins, and framing from any other origin is refused; the link is single-use and
// expires; a viewer sees and cannot act (nothing rendered, every POST refused); CSRF holds inside the frame; a
// tenant's portal never shows another tenant's rows. And the platform operator's global view: the tenant
// filter, "Open as this tenant". Real gateway, Postgres, Temporal dev server, worker, receiver and chromium.
import assert from 'node:assert/strict';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { createApiKey } from '../../src/infra/db/apiKeys';
import { sampleAbsence } from '../support/fixtures';
import { DESKTOP, PHONE, screenshot, startUiGateway, type UiGateway } from '../support/uiGateway';
import { waitFor } from '../support/waitFor';

let ui: UiGateway;
let platformKey: string;
let acmeAdminKey: string;
let globexAdminKey: string;
let acmeProducer: string;
let globexProducer: string;
/** Pages that embed a URL in an <iframe>: one on acme's portal origin, one elsewhere. */
let allowed: Embedder;
let stranger: Embedder;
let acmeFailed: string;
let acmeFailed2: string;
let globexFailed: string;
let globexSubscription: string;

interface Embedder {
  origin: string;
  close(): Promise<void>;
}

/** A page that frames `?src=` (its own origin: http://127.0.0.1:<port>); /settings is the platform's own page. */
async function startEmbedder(): Promise<Embedder> {
  const server: Server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const src = url.searchParams.get('src') ?? '';
    const escaped = src.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(url.pathname === '/embed'
      ? `<!doctype html><title>HR product</title><body style="margin:0;font:14px sans-serif"><h1 style="margin:8px">Acme HR · Web hooks</h1>`
        + `<iframe name="portal" id="portal" src="${escaped}" style="width:100%;height:1400px;border:0"></iframe></body>`
      : '<!doctype html><title>Settings</title><h1>Acme HR settings</h1>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function api(path: string, key: string, body?: unknown): Promise<Response> {
  return fetch(`${ui.base}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function portalLink(tenant: string, body: Record<string, unknown> = {}, key = platformKey): Promise<{ url: string; expiresAt: string }> {
  const res = await api(`/v1/tenants/${tenant}/portal-sessions`, key, body);
  assert.equal(res.status, 201, await res.clone().text());
  assert.equal(res.headers.get('cache-control'), 'no-store');
  return (await res.json()) as { url: string; expiresAt: string };
}

let counter = 0;
async function failedDelivery(producer: string, owner: string): Promise<string> {
  counter += 1;
  const event = { id: `portal-${process.pid}-${counter}`, occurredAt: new Date().toISOString(), type: 'leave.approved',
    data: sampleAbsence({ id: 77000 + counter, owner: { id: 700 + counter, name: owner, email: 'owner@example.com', employeeNumber: `P${counter}` } }) };
  const res = await api('/v1/events', producer, event);
  assert.equal(res.status, 202, await res.clone().text());
  const [delivery] = ((await res.json()) as { deliveries: { id: string }[] }).deliveries;
  await ui.waitForStatus(delivery!.id, 'failed');
  return delivery!.id;
}

async function subscribe(tenant: string, name: string): Promise<string> {
  const res = await api(`/v1/tenants/${tenant}/subscriptions`, platformKey,
    { name, format: 'standard', url: `${ui.receiver.url}/${tenant}`, events: ['leave.approved'], retrySchedule: ['1s'], pauseAfterFailures: 1000 });
  assert.equal(res.status, 201, await res.clone().text());
  return ((await res.json()) as { id: string }).id;
}

/** The portal's frame once its to-do list has loaded. */
async function portalFrame(page: Page): Promise<Frame> {
  return waitFor('the portal frame to show the to-do list', async () => {
    const frame = page.frames().find((f) => f.url().startsWith(ui.base));
    return frame && (await frame.locator('h1:has-text("To-do")').count()) > 0 ? frame : null;
  });
}

/** A session cookie from opening a link (no browser): 303 and a Set-Cookie, or the refusal. */
async function open(url: string): Promise<{ status: number; cookie: string | null; text: string }> {
  const res = await fetch(url, { redirect: 'manual' });
  return { status: res.status, cookie: res.headers.get('set-cookie')?.split(';')[0] ?? null, text: await res.text() };
}

async function csrfOf(cookie: string): Promise<string> {
  const page = await (await fetch(`${ui.base}/`, { headers: { cookie } })).text();
  return /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
}

describe('embedded follow-up portal', () => {
  before(async () => {
    ui = await startUiGateway('ui-portal');
    allowed = await startEmbedder();
    stranger = await startEmbedder();
    const pool = ui.db.pool;
    await pool.query(
      `INSERT INTO tenants (id, name, portal_origins, branding) VALUES
       ('acme', 'Acme Ltd', $1, '{"name":"Acme HR","accentColor":"#c2410c"}'),
       ('globex', 'Globex', '[]', '{}')`,
      [JSON.stringify([allowed.origin])],
    );
    platformKey = (await createApiKey(pool, 'platform', 'HR platform', null)).key;
    acmeAdminKey = (await createApiKey(pool, 'admin', 'Acme admin', 'acme')).key;
    globexAdminKey = (await createApiKey(pool, 'admin', 'Globex admin', 'globex')).key;
    acmeProducer = (await createApiKey(pool, 'producer', 'Acme producer', 'acme')).key;
    globexProducer = (await createApiKey(pool, 'producer', 'Globex producer', 'globex')).key;
    await subscribe('acme', 'Acme leave sync');
    globexSubscription = await subscribe('globex', 'Globex leave sync');
    ui.receiverAnswers(500);
    acmeFailed = await failedDelivery(acmeProducer, 'Ada Acme');
    acmeFailed2 = await failedDelivery(acmeProducer, 'Alan Acme');
    globexFailed = await failedDelivery(globexProducer, 'Grace Globex');
  });
  after(async () => {
    await allowed?.close();
    await stranger?.close();
    await ui?.close();
  });

  test('POST /v1/tenants/:id/portal-sessions: platform or that tenant\'s admin key; fields checked; other tenants 404', async () => {
    const byTenantAdmin = await portalLink('acme', { role: 'viewer', ttl: '5m' }, acmeAdminKey);
    assert.match(byTenantAdmin.url, new RegExp(`^${ui.base}/portal/open\\?token=hpt_`));
    const ttl = Date.parse(byTenantAdmin.expiresAt) - Date.now();
    assert.ok(ttl > 4 * 60_000 && ttl <= 5 * 60_000, `expires in 5 minutes (${ttl} ms)`);
    assert.equal((await api('/v1/tenants/acme/portal-sessions', globexAdminKey, {})).status, 404, 'another tenant\'s admin key: no such tenant');
    assert.equal((await api('/v1/tenants/acme/portal-sessions', acmeProducer, {})).status, 403, 'a producer key may not');
    assert.equal((await api('/v1/tenants/nope/portal-sessions', platformKey, {})).status, 404);
    const bad = await api('/v1/tenants/acme/portal-sessions', platformKey, { role: 'owner', ttl: '2h', returnUrl: `${stranger.origin}/settings` });
    assert.equal(bad.status, 400);
    assert.match(bad.headers.get('content-type') ?? '', /application\/problem\+json/);
    const fields = ((await bad.json()) as { errors: { field: string }[] }).errors.map((e) => e.field).sort();
    assert.deepEqual(fields, ['returnUrl', 'role', 'ttl']);
    const stored = await ui.db.pool.query('SELECT id FROM portal_tokens');
    assert.ok(stored.rows.every((r) => !byTenantAdmin.url.includes(r.id)), 'only the token\'s hash is stored');
  });

  test('the link opens acme\'s scoped interface inside an <iframe> on its portal origin; another origin\'s frame is refused', async () => {
    const link = await portalLink('acme', { role: 'admin', returnUrl: `${allowed.origin}/settings` });
    const page = await ui.browser.newPage({ viewport: DESKTOP });
    await page.goto(`${allowed.origin}/embed?src=${encodeURIComponent(link.url)}`);
    const frame = await portalFrame(page);
    assert.equal(await frame.locator(`tr[data-delivery="${acmeFailed}"]`).count(), 1, 'acme\'s failed delivery is on its to-do list');
    assert.equal(await frame.locator(`tr[data-delivery="${globexFailed}"]`).count(), 0, 'globex\'s is not');
    assert.equal((await frame.textContent('.brand'))?.trim(), 'Acme HR', 'acme\'s branding');
    assert.equal(await frame.evaluate('getComputedStyle(document.documentElement).getPropertyValue("--accent").trim()'), '#c2410c', 'its accent colour');
    assert.equal(await frame.getAttribute('#portal-back', 'href'), `${allowed.origin}/settings`);
    assert.equal(await frame.getAttribute('#portal-back', 'target'), '_top');
    await screenshot(page, 'portal-embedded');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'portal-embedded-phone');
    await page.close();

    const pageHeaders = await fetch(`${ui.base}/`, { headers: { cookie: (await open((await portalLink('acme')).url)).cookie! } });
    assert.match(pageHeaders.headers.get('content-security-policy') ?? '', new RegExp(`frame-ancestors ${allowed.origin}(;|$)`));
    assert.equal(pageHeaders.headers.get('x-frame-options'), null);
    const login = await fetch(`${ui.base}/login`);
    assert.match(login.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/, 'everything else stays unframable');
    assert.equal(login.headers.get('x-frame-options'), 'DENY');

    const elsewhere = await ui.browser.newPage({ viewport: DESKTOP });
    const refused = new Promise<void>((resolve) => elsewhere.on('console', (m) => {
      if (/frame-ancestors/.test(m.text())) resolve();
    }));
    await elsewhere.goto(`${stranger.origin}/embed?src=${encodeURIComponent((await portalLink('acme')).url)}`);
    await refused;
    const framed = elsewhere.frames().find((f) => f !== elsewhere.mainFrame());
    assert.equal(await framed?.locator('h1:has-text("To-do")').count().catch(() => 0) ?? 0, 0, 'nothing of the portal shows on another origin');
    await elsewhere.close();
  });

  test('a link opens once and expires; a used, expired or forged token gets a clear page and no session', async () => {
    const link = await portalLink('acme', { ttl: '1m' });
    const first = await open(link.url);
    assert.equal(first.status, 303);
    assert.ok(first.cookie?.startsWith('hrhooks_session='));
    const again = await open(link.url);
    assert.equal(again.status, 410);
    assert.equal(again.cookie, null);
    assert.match(again.text, /already used/);

    const late = await portalLink('acme', { ttl: '1m' });
    await ui.db.pool.query("UPDATE portal_tokens SET expires_at = now() - interval '1 second' WHERE used_at IS NULL");
    const expired = await open(late.url);
    assert.equal(expired.status, 410);
    assert.equal(expired.cookie, null);
    assert.match(expired.text, /expired/);

    const forged = await open(`${ui.base}/portal/open?token=hpt_${'A'.repeat(43)}`);
    assert.equal(forged.status, 403);
    assert.equal(forged.cookie, null);
    assert.match(forged.text, /not valid/);
    assert.equal((await open(`${ui.base}/portal/open`)).status, 403);

    const page = await ui.browser.newPage({ viewport: DESKTOP });
    await page.goto(link.url);
    assert.match((await page.textContent('h1'))!, /already used/);
    assert.equal((await page.context().cookies()).some((c) => c.name === 'hrhooks_session'), false, 'no session in the browser');
    await page.close();
  });

  test('a viewer sees everything and cannot act: no action rendered, every POST refused (403), nothing changes', async () => {
    const page = await ui.browser.newPage({ viewport: DESKTOP });
    await page.goto((await portalLink('acme', { role: 'viewer' })).url);
    await page.waitForSelector('h1:has-text("To-do")');
    assert.equal(await page.locator(`tr[data-delivery="${acmeFailed}"]`).count(), 1, 'the viewer sees the failed delivery');
    const actionForms = () => page.locator('form[method=post]:not(.signout)').count();
    assert.equal(await actionForms(), 0, 'no action form on the to-do list');
    assert.equal(await page.locator('input[name=id]').count(), 0, 'no selection checkboxes');
    assert.ok(await page.isVisible('.badge-readonly'));
    await screenshot(page, 'portal-viewer');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'portal-viewer-phone');
    await page.setViewportSize(DESKTOP);
    for (const path of [`/deliveries/${acmeFailed}`, '/deliveries', '/subscriptions']) {
      await page.goto(`${ui.base}${path}`);
      assert.equal(await actionForms(), 0, `no action form on ${path}`);
    }
    assert.equal(await page.locator('#new-subscription').count(), 0, 'no create form');

    const cookie = (await page.context().cookies()).filter((c) => c.name === 'hrhooks_session').map((c) => `${c.name}=${c.value}`)[0]!;
    const csrf = await csrfOf(cookie);
    const post = (path: string, form: Record<string, string>) => fetch(`${ui.base}${path}`, {
      method: 'POST', redirect: 'manual', headers: { cookie, origin: ui.base }, body: new URLSearchParams({ _csrf: csrf, ...form }),
    });
    for (const [path, form] of [
      [`/deliveries/${acmeFailed}/resync`, {}], [`/deliveries/${acmeFailed}/mark-processed`, { note: 'by hand' }],
      ['/deliveries/bulk', { action: 'resync', id: acmeFailed }], ['/subscriptions', { name: 'x', format: 'standard', url: 'http://127.0.0.1/x' }],
    ] as const) {
      const res = await post(path, form);
      assert.equal(res.status, 403, path);
      assert.match(await res.text(), /Read-only/);
    }
    assert.equal(await ui.statusOf(acmeFailed), 'failed', 'nothing changed');
    assert.equal((await ui.db.pool.query("SELECT count(*)::int AS n FROM subscriptions WHERE name = 'x'")).rows[0].n, 0);
    const signOut = await post('/logout', {});
    assert.equal(signOut.status, 200, 'a viewer may sign out');
    await page.close();
  });

  test('CSRF holds inside the frame: an action from the portal works; a post from the embedding page is refused', async () => {
    const page = await ui.browser.newPage({ viewport: DESKTOP });
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${allowed.origin}/embed?src=${encodeURIComponent((await portalLink('acme')).url)}`);
    const frame = await portalFrame(page);
    await frame.goto(`${ui.base}/deliveries/${acmeFailed2}`);
    await frame.fill('textarea[name=note]', 'entered by hand in Acme payroll');
    await Promise.all([frame.waitForSelector('.flash-ok'), frame.click('button:has-text("Mark as processed")')]);
    assert.equal(await ui.statusOf(acmeFailed2), 'processed', 'the framed portal acts');

    await page.evaluate(`(() => {
      const f = document.createElement('form');
      f.method = 'post'; f.target = 'portal'; f.action = ${JSON.stringify(`${ui.base}/deliveries/${acmeFailed}/resync`)};
      const t = document.createElement('input'); t.name = '_csrf'; t.value = 'guessed'; f.appendChild(t);
      document.body.appendChild(f); f.submit();
    })()`);
    const refused = await waitFor('the frame to show the refusal', async () => {
      const f = page.frames().find((x) => x.url().endsWith('/resync'));
      return f ? ((await f.textContent('body').catch(() => '')) ?? '') : null;
    });
    assert.match(refused, /CSRF check failed/);
    assert.equal(await ui.statusOf(acmeFailed), 'failed', 'nothing done');
    await page.close();
  });

  test('inside the portal: create and edit the tenant\'s subscriptions with each format\'s fields (aspnet properties, lucca mode and Authorization)', async () => {
    const page = await ui.browser.newPage({ viewport: DESKTOP });
    await page.goto(`${allowed.origin}/embed?src=${encodeURIComponent((await portalLink('acme')).url)}`);
    const frame = await portalFrame(page);
    const create = async (fields: Record<string, string>) => {
      await frame.goto(`${ui.base}/subscriptions`);
      for (const [name, value] of Object.entries(fields)) {
        if (name === 'format' || name === 'mode') await frame.selectOption(`#new-subscription select[name=${name}]`, value);
        else await frame.fill(`#new-subscription [name=${name}]`, value);
      }
      await Promise.all([frame.waitForSelector('#revealed, .errors'), frame.click('#new-subscription button[type=submit]')]);
    };
    await create({ name: 'Acme work items', format: 'aspnet', url: `${ui.receiver.url}/acme-aspnet`, properties: 'not json' });
    assert.match((await frame.textContent('.errors'))!, /properties.*JSON object/, 'a properties text that is not JSON is named');
    await create({ name: 'Acme work items', format: 'aspnet', url: `${ui.receiver.url}/acme-aspnet`, properties: '{"Company": "Acme"}' });
    await create({ name: 'Acme leave (lucca)', format: 'lucca', url: `${ui.receiver.url}/acme-lucca`, mode: 'approved', authorization: 'Bearer acme-lucca-token' });
    const { rows } = await ui.db.pool.query(
      "SELECT id, name, format, mode, properties, tenant_id, authorization_enc IS NOT NULL AS has_auth FROM subscriptions WHERE name LIKE 'Acme work%' OR name LIKE 'Acme leave (%' ORDER BY name");
    assert.deepEqual(rows.map((r) => [r.name, r.format, r.mode, r.properties, r.tenant_id, r.has_auth]), [
      ['Acme leave (lucca)', 'lucca', 'approved', {}, 'acme', true],
      ['Acme work items', 'aspnet', null, { Company: 'Acme' }, 'acme', false],
    ]);
    const aspnet = rows.find((r) => r.format === 'aspnet')!.id as string;
    await frame.goto(`${ui.base}/subscriptions/${aspnet}/edit`);
    assert.match(await frame.inputValue('textarea[name=properties]'), /"Company": "Acme"/);
    await frame.fill('textarea[name=properties]', '{"Company": "Acme", "Region": "NZ"}');
    await Promise.all([frame.waitForSelector('.flash-ok'), frame.click('button:has-text("Save changes")')]);
    const edited = await ui.db.pool.query('SELECT properties FROM subscriptions WHERE id = $1', [aspnet]);
    assert.deepEqual(edited.rows[0].properties, { Company: 'Acme', Region: 'NZ' });
    await page.close();
    const top = await ui.browser.newPage({ viewport: DESKTOP });
    await top.goto((await portalLink('acme')).url);
    await top.goto(`${ui.base}/subscriptions/${aspnet}/edit`);
    await screenshot(top, 'portal-subscription-edit');
    await top.setViewportSize(PHONE);
    await screenshot(top, 'portal-subscription-edit-phone');
    await top.close();
  });

  test('acme\'s admin key signs in to acme\'s interface only: no tenant filter, globex\'s rows 404', async () => {
    const login = await fetch(`${ui.base}/login`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ key: acmeAdminKey }) });
    assert.equal(login.status, 303);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const get = (path: string) => fetch(`${ui.base}${path}`, { headers: { cookie } });
    const list = await (await get('/deliveries?tenant=globex')).text();
    assert.ok(list.includes(acmeFailed) && !list.includes(globexFailed), 'acme\'s rows only, whatever ?tenant= says');
    assert.ok(!list.includes('id="tenant-filter"'), 'no tenant filter for a tenant\'s key');
    assert.equal((await get(`/deliveries/${globexFailed}`)).status, 404);
    assert.equal((await get(`/subscriptions/${globexSubscription}`)).status, 404);
    const producer = await fetch(`${ui.base}/login`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ key: acmeProducer }) });
    assert.equal(producer.status, 403, 'a producer key does not sign in');
  });

  test('acme\'s portal never shows globex\'s rows: its delivery and subscription answer 404, actions on them change nothing', async () => {
    const { cookie } = await open((await portalLink('acme')).url);
    const get = (path: string) => fetch(`${ui.base}${path}`, { headers: { cookie: cookie! } });
    const list = await (await get('/deliveries')).text();
    assert.ok(list.includes(acmeFailed) && !list.includes(globexFailed), 'the search shows acme\'s deliveries only');
    assert.ok(!(await (await get(`/deliveries?q=${globexFailed}`)).text()).includes(`data-delivery="${globexFailed}"`));
    const own = await (await get(`/deliveries/${acmeFailed}`)).text();
    assert.ok(own.includes(acmeFailed) && !own.includes('id="workflow"'), 'its own delivery, without the Temporal internals');
    assert.equal((await get(`/deliveries/${globexFailed}`)).status, 404);
    assert.equal((await get(`/subscriptions/${globexSubscription}`)).status, 404);
    assert.equal((await get(`/subscriptions/${globexSubscription}/edit`)).status, 404);
    assert.ok(!(await (await get('/subscriptions')).text()).includes(globexSubscription));
    const csrf = await csrfOf(cookie!);
    const post = (path: string, form: Record<string, string>) => fetch(`${ui.base}${path}`, {
      method: 'POST', redirect: 'manual', headers: { cookie: cookie!, origin: ui.base }, body: new URLSearchParams({ _csrf: csrf, ...form }),
    });
    await post(`/deliveries/${globexFailed}/resync`, {});
    await post('/deliveries/bulk', { action: 'markProcessed', id: globexFailed, note: 'nope' });
    assert.equal((await post(`/subscriptions/${globexSubscription}/disable`, {})).status, 404);
    assert.equal((await post(`/subscriptions/${globexSubscription}/test`, {})).status, 404);
    assert.equal(await ui.statusOf(globexFailed), 'failed', 'globex\'s delivery unchanged');
    assert.equal((await ui.db.pool.query('SELECT enabled FROM subscriptions WHERE id = $1', [globexSubscription])).rows[0].enabled, true);
  });

  test('a platform operator: every tenant, a tenant filter, and "Open as this tenant"', async () => {
    const page = await ui.browser.newPage({ viewport: DESKTOP });
    await page.goto(`${ui.base}/login`);
    await page.fill('input[name=key]', platformKey);
    await Promise.all([page.waitForURL(`${ui.base}/`), page.click('button[type=submit]')]);
    await page.goto(`${ui.base}/deliveries`);
    assert.equal(await page.locator(`tr[data-delivery="${globexFailed}"]`).count(), 1, 'the global view shows globex\'s');
    assert.equal(await page.locator(`tr[data-delivery="${acmeFailed}"]`).count(), 1, 'and acme\'s');
    assert.match((await page.textContent(`tr[data-delivery="${globexFailed}"] .col-tenant`))!, /globex/, 'with their tenant');
    await page.goto(`${ui.base}/deliveries/${globexFailed}`);
    assert.equal((await page.textContent('#tenant'))?.trim(), 'globex', 'a delivery names its tenant in the global view');
    await page.goto(`${ui.base}/subscriptions`);
    assert.match((await page.textContent(`#sub-${globexSubscription} .sub-tenant`))!, /globex/, 'so does a subscription');
    await screenshot(page, 'platform-subscriptions');
    await page.goto(`${ui.base}/deliveries`);
    await page.selectOption('#tenant-filter select[name=tenant]', 'globex');
    await Promise.all([page.waitForURL(/tenant=globex/), page.click('#tenant-filter button:has-text("Show")')]);
    assert.equal(await page.locator(`tr[data-delivery="${acmeFailed}"]`).count(), 0, 'filtered: globex only');
    assert.equal(await page.locator(`tr[data-delivery="${globexFailed}"]`).count(), 1);
    await screenshot(page, 'platform-tenant-filter');
    await page.click('nav a:has-text("Subscriptions")');
    assert.equal(await page.locator(`#sub-${globexSubscription}`).count(), 1, 'the filter holds across pages');
    assert.equal(await page.locator('#subscriptions tbody').count(), 1, 'globex\'s subscription only');
    await page.fill('#new-subscription input[name=name]', 'Globex payroll');
    await page.fill('#new-subscription input[name=url]', `${ui.receiver.url}/globex-payroll`);
    await Promise.all([page.waitForSelector('#revealed'), page.click('#new-subscription button[type=submit]')]);
    const created = await ui.db.pool.query("SELECT tenant_id FROM subscriptions WHERE name = 'Globex payroll'");
    assert.deepEqual(created.rows.map((r) => r.tenant_id), ['globex'], 'created in the tenant filtered by');
    await page.goto(`${ui.base}/deliveries`);
    await page.selectOption('#tenant-filter select[name=tenant]', 'acme');
    await Promise.all([page.waitForURL(/tenant=acme/), page.click('#tenant-filter button:has-text("Show")')]);
    await Promise.all([page.waitForURL(`${ui.base}/`), page.click('#open-as-tenant')]);
    assert.equal((await page.textContent('.brand'))?.trim(), 'Acme HR', 'the interface as acme sees it');
    assert.equal(await page.locator('#tenant-filter').count(), 0);
    assert.equal(await page.locator(`tr[data-delivery="${globexFailed}"]`).count(), 0);
    const acmeCookie = (await open((await portalLink('acme')).url)).cookie!;
    const asked = await fetch(`${ui.base}/deliveries?tenant=globex`, { headers: { cookie: acmeCookie } });
    assert.equal(asked.status, 200, 'a tenant session ignores ?tenant=');
    const text = await asked.text();
    assert.ok(text.includes(acmeFailed) && !text.includes(globexFailed), 'and shows its own rows only');
    const csrf = await csrfOf(acmeCookie);
    const openGlobex = await fetch(`${ui.base}/tenants/globex/open`, {
      method: 'POST', redirect: 'manual', headers: { cookie: acmeCookie, origin: ui.base }, body: new URLSearchParams({ _csrf: csrf }),
    });
    assert.equal(openGlobex.status, 404, 'only a platform operator opens another tenant');
    await page.close();
  });
});
