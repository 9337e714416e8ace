// A follow-up web interface for browser tests: real gateway (createApp + the UI router) on 127.0.0.1, its own
// Postgres database, the shared Temporal dev server with a worker on its own task queue, a real receiver whose
// answer the test sets, and Debian's chromium through playwright-core. Plus the few moves every UI test makes.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadConfig } from '../../src/infra/config';
import { createApiKey } from '../../src/infra/db/apiKeys';
import { createApp } from '../../src/interfaces/api/app';
import { createUiRouter } from '../../src/interfaces/web/router';
import { createLogger } from '../../src/infra/observability/log';
import { createTestDatabase, type TestDatabase } from './postgres';
import { startReceiver, type Receiver } from './receiver';
import { runTestWorker, testBox, testClient, uniqueTaskQueue, type RunningWorker } from './temporal';
import { waitFor } from './waitFor';

export const SCREENSHOTS = path.resolve('test-output/screenshots');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export const DESKTOP = { width: 1366, height: 900 };
export const PHONE = { width: 390, height: 844 };

export interface UiGateway {
  base: string;
  db: TestDatabase;
  client: Client;
  receiver: Receiver;
  browser: Browser;
  adminKey: string;
  producerKey: string;
  /** What the receiver answers from now on. */
  receiverAnswers(status: number): void;
  postEvent(event: { id?: string; type: string; data: unknown }): Promise<string[]>;
  statusOf(deliveryId: string): Promise<string | undefined>;
  waitForStatus(deliveryId: string, status: string, timeoutMs?: number): Promise<void>;
  /** Script errors of every page signedInPage opened (a test asserts there were none). */
  pageErrors: string[];
  /** A signed-in page at `viewport`, on `path`. */
  signedInPage(path?: string, viewport?: { width: number; height: number }, browserOptions?: { timezoneId?: string; locale?: string }): Promise<Page>;
  /** A session cookie and a CSRF token for fetch-level requests. */
  session(): Promise<{ cookie: string; csrf: string }>;
  close(): Promise<void>;
}

let counter = 0;

/** `env` adds to (or, with undefined, removes from) the gateway's configuration; `attemptTimeoutMs` bounds the worker's attempts. */
export async function startUiGateway(prefix: string, env: Record<string, string | undefined> = {}, opts: { attemptTimeoutMs?: number } = {}): Promise<UiGateway> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const db = await createTestDatabase();
  const client = await testClient();
  const taskQueue = uniqueTaskQueue(prefix);
  let worker: RunningWorker | undefined;
  let receiver: Receiver | undefined;
  let server: Server | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    if (server) await new Promise((resolve) => server!.close(resolve));
    server?.closeAllConnections();
    await receiver?.close();
    await worker?.stop();
    await client.connection.close();
    await db.drop();
  };
  try {
    worker = await runTestWorker({ pool: db.pool, taskQueue, ...(opts.attemptTimeoutMs ? { attemptTimeoutMs: opts.attemptTimeoutMs } : {}) });
    receiver = await startReceiver();
    let answer = 200;
    receiver.respondWith(() => (answer >= 200 && answer < 300
      ? { status: answer, body: 'ok' }
      : { status: answer, headers: { 'content-type': 'application/json' }, body: '{"error":"payroll tool unavailable"}' }));
    const adminKey = (await createApiKey(db.pool, 'admin', 'Alice (payroll admin)', 'default')).key;
    const producerKey = (await createApiKey(db.pool, 'producer', 'hr-core producer', 'default')).key;
    const config = loadConfig({ HRHOOKS_EGRESS_ALLOW: '127.0.0.1/32', TEMPORAL_UI_URL: 'http://temporal-ui.test', ...env });
    const deps = { pool: db.pool, taskQueue, box: testBox, config, log: createLogger('silent') };
    const app = createApp({ ...deps, temporal: client, ui: createUiRouter({ ...deps, temporal: client }) });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    const statusOf = async (id: string) => (await db.pool.query('SELECT status FROM deliveries WHERE id = $1', [id])).rows[0]?.status as string | undefined;
    const pageErrors: string[] = [];
    const gateway: UiGateway = {
      base, db, client, receiver, browser, adminKey, producerKey, pageErrors,
      receiverAnswers: (status) => {
        answer = status;
      },
      async postEvent(event) {
        counter += 1;
        const body = { id: event.id ?? `${prefix}-${process.pid}-${Date.now()}-${counter}`, occurredAt: new Date().toISOString(), type: event.type, data: event.data };
        const res = await fetch(`${base}/v1/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${producerKey}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        assert.equal(res.status, 202, await res.clone().text());
        return ((await res.json()) as { deliveries: { id: string }[] }).deliveries.map((d) => d.id);
      },
      statusOf,
      async waitForStatus(id, status, timeoutMs = 30_000) {
        await waitFor(`delivery ${id} ${status}`, async () => (await statusOf(id)) === status, timeoutMs);
      },
      async signedInPage(to = '/', viewport = DESKTOP, browserOptions = {}) {
        const page = await browser!.newPage({ viewport, ...browserOptions });
        page.on('pageerror', (err) => pageErrors.push(`${page.url()}: ${err.message}`));
        await page.goto(`${base}/login`);
        await page.fill('input[name=key]', adminKey);
        await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);
        if (to !== '/') await page.goto(`${base}${to}`);
        return page;
      },
      async session() {
        const login = await fetch(`${base}/login`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ key: adminKey }) });
        assert.equal(login.status, 303);
        const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
        const page = await (await fetch(`${base}/`, { headers: { cookie } })).text();
        return { cookie, csrf: /name="_csrf" value="([^"]+)"/.exec(page)![1]! };
      },
      close,
    };
    return gateway;
  } catch (err) {
    await close();
    throw err;
  }
}

/** Full-page screenshot under test-output/screenshots/. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Accepts every dialog (confirm, prompt with `promptText`) the page opens from now on, recording their messages. */
export function acceptDialogs(page: Page, promptText = ''): string[] {
  const seen: string[] = [];
  page.on('dialog', (dialog) => {
    seen.push(dialog.message());
    void dialog.accept(dialog.type() === 'prompt' ? promptText : undefined);
  });
  return seen;
}

/** The widest element overflowing the viewport horizontally (null when the page fits). */
export async function horizontalOverflow(page: Page): Promise<string | null> {
  return page.evaluate(`(() => {
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth) return 'page is ' + root.scrollWidth + ' px wide for a ' + root.clientWidth + ' px viewport';
    const clipped = [...document.querySelectorAll('.table-wrap')].find((w) => w.checkVisibility() && w.scrollWidth > w.clientWidth + 1);
    return clipped ? 'a table scrolls sideways (' + clipped.scrollWidth + ' > ' + clipped.clientWidth + ' px)' : null;
  })()`);
}
