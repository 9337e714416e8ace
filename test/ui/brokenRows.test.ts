// Browser test: one subscription whose secret was sealed under another key. The To-do, Deliveries and Subscriptions
// pages answer 200 with that row flagged (screenshots in test-output/screenshots/), and rotating its secret fixes it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Client } from '@temporalio/client';
import { chromium, type Browser } from 'playwright-core';
import { loadConfig } from '../../src/infra/config';
import { createApiKey } from '../../src/infra/db/apiKeys';
import { createSecretBox } from '../../src/infra/crypto/secretBox';
import { createSubscription } from '../../src/infra/db/subscriptions';
import { createApp } from '../../src/interfaces/api/app';
import { createUiRouter } from '../../src/interfaces/web/router';
import { createLogger } from '../../src/infra/observability/log';
import { sealSecrets } from '../../src/infra/crypto/secretStore';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { testBox, testClient, uniqueTaskQueue } from '../support/temporal';

const SCREENSHOTS = path.resolve('test-output/screenshots');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

let db: TestDatabase;
let client: Client;
let server: Server;
let browser: Browser;
let base: string;
let adminKey: string;
let brokenId: string;

describe('web interface with a broken subscription row', () => {
  before(async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    db = await createTestDatabase();
    client = await testClient();
    adminKey = (await createApiKey(db.pool, 'admin', 'Alice (payroll admin)', 'default')).key;
    const config = loadConfig({ HRHOOKS_EGRESS_ALLOW: '127.0.0.1/32', TEMPORAL_UI_URL: 'http://temporal-ui.test' });
    const deps = { pool: db.pool, taskQueue: uniqueTaskQueue('ui-broken'), box: testBox, config, log: createLogger('silent') };
    const app = createApp({ ...deps, temporal: client, ui: createUiRouter({ ...deps, temporal: client }) });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const fields = { url: 'https://receiver.example/hooks', events: '*' as const };
    await createSubscription(db.pool, testBox, { ...fields, name: 'Payroll sync', format: 'standard' });
    brokenId = (await createSubscription(db.pool, testBox, { ...fields, name: 'Expense tool (set up by CLI)', format: 'aspnet' })).subscription.id;
    await createSubscription(db.pool, testBox, { ...fields, name: 'Leave tool', format: 'lucca', events: ['leave.approved'], authorization: 'Basic abc' });
    const elsewhere = createSecretBox('the key another process generated on its own');
    await db.pool.query('UPDATE subscriptions SET secrets_enc = $2 WHERE id = $1', [brokenId, sealSecrets(elsewhere, [{ secret: 'x'.repeat(32), expiresAt: null }])]);
    await db.pool.query(`INSERT INTO events (id, type, occurred_at, body, body_hash) VALUES ('evt-ui-broken', 'employee.created', now(), '{"id":1}', 'h')`);
    await db.pool.query(
      `INSERT INTO deliveries (id, event_id, subscription_id, event_type, format, status, attempts, last_error, subject_name, workflow_started)
       VALUES ('dlv_ui_broken', 'evt-ui-broken', $1, 'employee.created', 'aspnet', 'failed', 8, 'secret cannot be decrypted', 'Ada Lovelace', true)`,
      [brokenId],
    );
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });

  after(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    server?.closeAllConnections();
    await client?.connection.close();
    await db?.drop();
  });

  test('To-do, Deliveries and Subscriptions answer 200 with the row flagged and its actions kept; rotating fixes it', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${base}/login`);
    await page.fill('input[name=key]', adminKey);
    await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);

    for (const url of ['/', '/deliveries', '/subscriptions']) {
      const res = await page.goto(`${base}${url}`);
      assert.equal(res?.status(), 200, url);
    }
    await page.goto(`${base}/`);
    assert.match((await page.textContent('#attention'))!, /Expense tool \(set up by CLI\).*cannot be decrypted/s);
    assert.equal(await page.locator(`a[href="/subscriptions#sub-${brokenId}"] .badge-error`).count(), 1, 'its to-do group is flagged');
    assert.equal(await page.locator('a[href="/deliveries/dlv_ui_broken"]').count(), 1, 'its failed delivery is on the to-do list');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'broken-subscription-todo.png'), fullPage: true });
    await page.goto(`${base}/deliveries`);
    assert.match((await page.textContent('#attention'))!, /Expense tool/);
    assert.equal(await page.locator('main table tbody tr').count(), 1);

    await page.goto(`${base}/subscriptions`);
    const row = page.locator(`#sub-${brokenId}`);
    assert.equal(await row.locator('.badge-error').textContent(), 'needs attention');
    assert.match((await row.locator('tr.row-problem').textContent())!, /secret: .*cannot be decrypted.*rotate the secret/);
    assert.match((await row.textContent())!, /signing secret unreadable/);
    for (const label of ['Disable', 'Rotate secret', 'Delete', 'Edit']) assert.equal(await row.locator(`:is(button, a):has-text("${label}")`).count(), 1, label);
    assert.equal(await row.locator('button:has-text("Send test")').count(), 0, 'no test message while it cannot be signed');
    assert.equal(await page.locator('tbody.broken').count(), 1, 'only the broken row is flagged');
    await row.screenshot({ path: path.join(SCREENSHOTS, 'broken-subscription-row.png') });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'broken-subscription-page.png'), fullPage: true });

    page.once('dialog', (dialog) => void dialog.accept());
    await Promise.all([page.waitForURL(`${base}/subscriptions/${brokenId}/rotate-secret`), row.locator('button:has-text("Rotate secret")').click()]);
    assert.match((await page.textContent('#revealed code'))!, /^\S{20,}$/);
    await page.goto(`${base}/subscriptions`);
    assert.equal(await page.locator('tbody.broken').count(), 0, 'the rotated subscription is no longer flagged');
    assert.match((await page.locator(`#sub-${brokenId}`).textContent())!, /1 signing secret/);
    await page.goto(`${base}/`);
    assert.equal(await page.locator('#attention').count(), 0);
    await page.close();
  });

  test('a broken row can be deleted from the page', async () => {
    const { subscription } = await createSubscription(db.pool, testBox, { name: 'Doomed', url: 'https://r.example/h', format: 'standard', events: '*' });
    await db.pool.query(`UPDATE subscriptions SET events = '"all of them"' WHERE id = $1`, [subscription.id]);
    const page = await browser.newPage();
    await page.goto(`${base}/login`);
    await page.fill('input[name=key]', adminKey);
    await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);
    await page.goto(`${base}/subscriptions`);
    const row = page.locator(`#sub-${subscription.id}`);
    assert.match((await row.locator('tr.row-problem').textContent())!, /events: /);
    await Promise.all([page.waitForURL(`${base}/subscriptions/${subscription.id}/delete`), row.locator('a:has-text("Delete")').click()]);
    assert.match((await page.textContent('#consequence'))!, /no open delivery: nothing will be cancelled/);
    await page.click('#confirm-delete button:has-text("Delete")');
    await page.waitForSelector('.flash-ok');
    assert.equal((await page.textContent('.flash'))!.trim(), '"Doomed" deleted');
    assert.equal(await page.locator(`#sub-${subscription.id}`).count(), 0);
    const { rows } = await db.pool.query('SELECT deleted_at FROM subscriptions WHERE id = $1', [subscription.id]);
    assert.notEqual(rows[0].deleted_at, null);
    await page.close();
  });
});
