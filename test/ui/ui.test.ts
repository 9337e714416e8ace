// Browser tests of the follow-up web interface: real gateway (createApp + the UI router) on 127.0.0.1, real
// Postgres, Temporal dev server, worker and receiver, driven by Debian's chromium through playwright-core.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Client } from '@temporalio/client';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadConfig } from '../../src/infra/config';
import { createApiKey } from '../../src/infra/db/apiKeys';
import { createApp } from '../../src/interfaces/api/app';
import { createUiRouter } from '../../src/interfaces/web/router';
import { createLogger } from '../../src/infra/observability/log';
import { queryState } from '../../src/infra/temporal/deliveryClient';
import { sampleAbsence } from '../support/fixtures';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { startReceiver, type Receiver } from '../support/receiver';
import { runTestWorker, testBox, testClient, uniqueTaskQueue, type RunningWorker } from '../support/temporal';
import { waitFor } from '../support/waitFor';

const SCREENSHOTS = path.resolve('test-output/screenshots');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

let db: TestDatabase;
let client: Client;
let worker: RunningWorker;
let receiver: Receiver;
let server: Server;
let browser: Browser;
let base: string;
let adminKey: string;
let producerKey: string;
let receiverAnswers = 500;
let eventCounter = 0;

async function postEvent(ownerName: string): Promise<string> {
  eventCounter += 1;
  const event = {
    id: `ui-${process.pid}-${Date.now()}-${eventCounter}`,
    type: 'leave.approved',
    occurredAt: new Date().toISOString(),
    data: sampleAbsence({ id: 78287 + eventCounter, owner: { id: 134 + eventCounter, name: ownerName, email: 'owner@example.com', employeeNumber: '00001' } }),
  };
  const res = await fetch(`${base}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${producerKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(event),
  });
  assert.equal(res.status, 202, await res.clone().text());
  const body = (await res.json()) as { deliveries: { id: string }[] };
  assert.equal(body.deliveries.length, 1);
  return body.deliveries[0]!.id;
}

async function statusOf(id: string): Promise<string> {
  const { rows } = await db.pool.query('SELECT status FROM deliveries WHERE id = $1', [id]);
  return rows[0]?.status;
}

async function failedDelivery(ownerName: string): Promise<string> {
  receiverAnswers = 500;
  const id = await postEvent(ownerName);
  await waitFor(`delivery ${id} failed`, async () => (await statusOf(id)) === 'failed', 30_000);
  return id;
}

async function signIn(page: Page, key = adminKey): Promise<void> {
  await page.goto(`${base}/`);
  assert.match(page.url(), /\/login\?next=%2F$/);
  await page.fill('input[name=key]', key);
  await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);
}

/** Reloads the page until its status badge reads `status`. */
async function waitForBadge(page: Page, status: string): Promise<void> {
  await waitFor(`badge ${status}`, async () => {
    await page.reload();
    return (await page.textContent('#status'))?.trim() === status;
  }, 30_000, 300);
}

describe('follow-up web interface', () => {
  before(async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    db = await createTestDatabase();
    client = await testClient();
    const taskQueue = uniqueTaskQueue('ui');
    worker = await runTestWorker({ pool: db.pool, taskQueue });
    receiver = await startReceiver();
    receiver.respondWith(() => (receiverAnswers === 200
      ? { status: 200, body: 'ok' }
      : { status: 500, headers: { 'content-type': 'application/json' }, body: '{"error":"payroll tool unavailable"}' }));
    adminKey = (await createApiKey(db.pool, 'admin', 'Alice (payroll admin)', 'default')).key;
    producerKey = (await createApiKey(db.pool, 'producer', 'hr-core producer', 'default')).key;
    const config = loadConfig({ HRHOOKS_EGRESS_ALLOW: '127.0.0.1/32', TEMPORAL_UI_URL: 'http://temporal-ui.test' });
    const log = createLogger('silent');
    const deps = { pool: db.pool, taskQueue, box: testBox, config, log };
    const app = createApp({ ...deps, temporal: client, ui: createUiRouter({ ...deps, temporal: client }) });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });

  after(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    server?.closeAllConnections();
    await receiver?.close();
    await worker?.stop();
    await client?.connection.close();
    await db?.drop();
  });

  test('create a subscription; a failed delivery is on the to-do list; re-sync it; mark another processed', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page);

    await page.goto(`${base}/subscriptions`);
    await page.fill('input[name=name]', 'Payroll sync');
    await page.selectOption('select[name=format]', 'standard');
    await page.fill('input[name=url]', `${receiver.url}/hooks`);
    await page.fill('input[name=retrySchedule]', '1s');
    await Promise.all([page.waitForURL(`${base}/subscriptions`), page.click('#new-subscription button[type=submit]')]);
    const secret = (await page.textContent('#revealed code'))!.trim();
    assert.match(secret, /^whsec_/);
    await page.goto(`${base}/subscriptions`);
    assert.ok(!(await page.content()).includes(secret), 'the secret is shown only once');
    assert.match((await page.textContent('#subscriptions'))!, /Payroll sync/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'subscriptions.png'), fullPage: true });

    const failedId = await failedDelivery('Luca Pacioli');
    await page.goto(`${base}/`);
    const row = page.locator(`a[href="/deliveries/${encodeURIComponent(failedId)}"]`);
    assert.equal(await row.count(), 1, 'the failed delivery is on the to-do list');
    assert.match((await page.textContent('main'))!, /Luca Pacioli/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'todo-list.png'), fullPage: true });

    await Promise.all([page.waitForURL(`${base}/deliveries/${encodeURIComponent(failedId)}`), row.click()]);
    assert.equal((await page.textContent('#status'))!.trim(), 'failed');
    const message = (await page.textContent('#message'))!;
    assert.match(message, new RegExp(`POST ${receiver.url}/hooks`));
    assert.match(message, /webhook-signature/);
    assert.match(message, /"name": "Luca Pacioli"/);
    assert.equal(await page.locator('#attempts tbody tr').count(), 2);
    assert.match((await page.textContent('#attempts'))!, /500/);
    const why = (await page.textContent('#why-failed'))!;
    assert.match(why, /receiving tool had an error \(HTTP 500\)/, 'a failed delivery says why');
    assert.match(why, /What you can do:.*re-sync/s, 'and what the operator can do');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'delivery-detail.png'), fullPage: true });

    receiverAnswers = 200;
    page.once('dialog', (dialog) => void dialog.accept());
    await page.click('button:has-text("Re-sync now")');
    await page.waitForSelector('.flash-ok');
    assert.equal((await page.textContent('.flash'))!.trim(), 'Re-sync requested');
    await waitForBadge(page, 'delivered');
    assert.match((await page.textContent('#operator-actions'))!, /Re-sync.*Alice \(payroll admin\)/s);
    await page.goto(`${base}/`);
    assert.equal(await row.count(), 0, 'a delivered delivery leaves the to-do list');

    const otherId = await failedDelivery('Ada Lovelace');
    await page.goto(`${base}/`);
    await Promise.all([page.waitForURL(/\/deliveries\//), page.click(`a[href="/deliveries/${encodeURIComponent(otherId)}"]`)]);
    await page.fill('textarea[name=note]', 'Entered by hand in the payroll tool');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.click('button:has-text("Mark as processed")');
    await page.waitForSelector('.flash-ok');
    assert.equal((await page.textContent('.flash'))!.trim(), 'Marked as processed');
    await waitForBadge(page, 'processed');
    const actions = (await page.textContent('#operator-actions'))!;
    assert.match(actions, /Marked as processed/);
    assert.match(actions, /Alice \(payroll admin\)/);
    assert.match(actions, /Entered by hand in the payroll tool/);
    await page.goto(`${base}/`);
    assert.equal(await page.locator(`a[href="/deliveries/${encodeURIComponent(otherId)}"]`).count(), 0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'todo-list-empty.png'), fullPage: true });

    await page.goto(`${base}/deliveries?q=Ada`);
    assert.match((await page.textContent('main table'))!, /processed/);
    await page.goto(`${base}/deliveries?until=2000-01-01`);
    assert.match((await page.textContent('main'))!, /No delivery matches this search/);
    await page.goto(`${base}/deliveries?since=${new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)}&status=delivered`);
    assert.equal(await page.locator('main table tbody tr').count(), 1);
    await page.goto(`${base}/deliveries`);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'deliveries.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}/deliveries/${encodeURIComponent(failedId)}`);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'delivery-detail-phone.png'), fullPage: true });

    await Promise.all([page.waitForURL(`${base}/login`), page.click('button:has-text("Sign out")')]);
    await page.goto(`${base}/subscriptions`);
    assert.match(page.url(), /\/login\?next=%2Fsubscriptions$/, 'signed out: pages need a new sign-in');
    await page.close();
  });

  test('a producer key or an unknown key cannot sign in', async () => {
    for (const [key, status] of [[producerKey, 403], ['hrk_not-a-key-at-all', 401]] as const) {
      const res = await fetch(`${base}/login`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ key }) });
      assert.equal(res.status, status);
      assert.ok(!(res.headers.get('set-cookie') ?? '').includes('hrhooks_session='));
    }
  });

  test('without a session every page redirects to /login and every action is refused, nothing signalled', async () => {
    const id = await failedDelivery('Grace Hopper');
    const { rows } = await db.pool.query('SELECT id, updated_at FROM subscriptions');
    const sub = rows[0].id as string;
    const enc = encodeURIComponent(id);
    for (const page of ['/', '/deliveries', `/deliveries/${enc}`, '/subscriptions', `/deliveries?status=failed`]) {
      const res = await fetch(`${base}${page}`, { redirect: 'manual', headers: { cookie: 'hrhooks_session=forged' } });
      assert.equal(res.status, 302, page);
      assert.match(res.headers.get('location')!, /^\/login\?next=/, page);
    }
    const requestsBefore = receiver.requests.length;
    const actions = [
      `/deliveries/${enc}/resync`, `/deliveries/${enc}/mark-processed`, `/subscriptions/${sub}/resync-failed`, '/subscriptions',
      `/subscriptions/${sub}/disable`, `/subscriptions/${sub}/enable`, `/subscriptions/${sub}/test`, `/subscriptions/${sub}/rotate-secret`, '/logout',
    ];
    for (const action of actions) {
      const res = await fetch(`${base}${action}`, {
        method: 'POST', redirect: 'manual',
        body: new URLSearchParams({ note: 'sneaky', name: 'evil', url: receiver.url, format: 'standard', allEvents: 'on' }),
      });
      assert.ok(res.status === 401 || res.status === 403, `${action} → ${res.status}`);
    }
    await new Promise((r) => setTimeout(r, 1_500));
    const live = await queryState(client, id);
    assert.equal(live?.state?.status, 'failed');
    assert.deepEqual(live?.state?.actions, []);
    assert.equal(receiver.requests.length, requestsBefore);
    const after = await db.pool.query('SELECT id, updated_at FROM subscriptions');
    assert.deepEqual(after.rows, rows);
  });

  test('a POST without the CSRF token, with a wrong one, or from another origin is refused', async () => {
    const id = await failedDelivery('Katherine Johnson');
    const login = await fetch(`${base}/login`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ key: adminKey }) });
    assert.equal(login.status, 303);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    assert.match(login.headers.get('set-cookie')!, /HttpOnly/i);
    assert.match(login.headers.get('set-cookie')!, /SameSite=Strict/i);
    assert.ok(!cookie.includes(adminKey));
    const detail = await (await fetch(`${base}/deliveries/${encodeURIComponent(id)}`, { headers: { cookie } })).text();
    const token = /name="_csrf" value="([^"]+)"/.exec(detail)![1]!;
    const attempts: { body: Record<string, string>; origin?: string }[] = [
      { body: {} },
      { body: { _csrf: 'wrong' } },
      { body: { _csrf: token }, origin: 'https://evil.example' },
    ];
    for (const attempt of attempts) {
      const res = await fetch(`${base}/deliveries/${encodeURIComponent(id)}/resync`, {
        method: 'POST', redirect: 'manual',
        headers: { cookie, ...(attempt.origin ? { origin: attempt.origin } : {}) },
        body: new URLSearchParams(attempt.body),
      });
      assert.equal(res.status, 403);
    }
    await new Promise((r) => setTimeout(r, 1_000));
    assert.deepEqual((await queryState(client, id))?.state?.actions, []);
    const ok = await fetch(`${base}/deliveries/${encodeURIComponent(id)}/resync`, {
      method: 'POST', redirect: 'manual', headers: { cookie, origin: base }, body: new URLSearchParams({ _csrf: token }),
    });
    assert.equal(ok.status, 303, 'the same request with the token is accepted');
  });

  test('rotate secret shows the new secret once; send test message lands on its delivery page', async () => {
    const login = await fetch(`${base}/login`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ key: adminKey }) });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const listing = await (await fetch(`${base}/subscriptions`, { headers: { cookie } })).text();
    const token = /name="_csrf" value="([^"]+)"/.exec(listing)![1]!;
    const sub = (await db.pool.query('SELECT id FROM subscriptions LIMIT 1')).rows[0].id as string;
    const post = (action: string) => fetch(`${base}${action}`, { method: 'POST', redirect: 'manual', headers: { cookie, origin: base }, body: new URLSearchParams({ _csrf: token }) });
    const rotated = await post(`/subscriptions/${sub}/rotate-secret`);
    assert.equal(rotated.status, 200);
    assert.equal(rotated.headers.get('cache-control'), 'no-store');
    assert.match(await rotated.text(), /<code>whsec_[^<]+<\/code>/);
    receiverAnswers = 200;
    const before = receiver.requests.length;
    const sent = await post(`/subscriptions/${sub}/test`);
    assert.equal(sent.status, 303);
    assert.match(sent.headers.get('location')!, /^\/deliveries\/dlv_/);
    await receiver.waitForRequests(before + 1, 15_000);
  });
});
