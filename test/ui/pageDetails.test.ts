// Small things a new user tripped on (issue 20 item 22), in the browser: no favicon 404 on any page; a pay run named
// once ("Pay run 7732", not "Pay run 7732 (pay run 7732)"); the delivery page agrees with itself while an attempt is
// under way; the to-do list never says "Nothing to do" under a paused subscription; in Temporal server mode (no Web UI)
// the delivery page links no Web UI. Real gateway, Postgres, Temporal dev server, worker, receiver and chromium.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DESKTOP, PHONE, screenshot, startUiGateway, type UiGateway } from '../support/uiGateway';
import { waitFor } from '../support/waitFor';
import type { Page } from 'playwright-core';

let ui: UiGateway;
const perPath = new Map<string, number>();

async function subscribe(body: Record<string, unknown>, on: UiGateway = ui): Promise<string> {
  const res = await fetch(`${on.base}/v1/subscriptions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${on.adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ format: 'standard', retrySchedule: ['1h'], ordering: 'none', ...body }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return ((await res.json()) as { id: string }).id;
}

const text = async (page: Page, selector: string) => (await page.textContent(selector))!.replace(/\s+/g, ' ').trim();

async function bothSizes(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  await page.setViewportSize(PHONE);
  await screenshot(page, `${name}-phone`);
  await page.setViewportSize(DESKTOP);
}

describe('page details', () => {
  before(async () => {
    // attempts may last 60 s: an attempt under way long enough for the workflow to answer queries about it
    ui = await startUiGateway('ui-details', {}, { attemptTimeoutMs: 60_000 });
    // /down answers 503; /slow fails its first request and hangs on the next ones; anything else 200
    ui.receiver.respondWith((req) => {
      const n = (perPath.get(req.path) ?? 0) + 1;
      perPath.set(req.path, n);
      if (req.path === '/down') return { status: 503 };
      if (req.path === '/slow') return n === 1 ? { status: 500 } : { hang: true };
      return { status: 200 };
    });
  });
  after(async () => {
    ui?.receiver.releaseHung();
    await ui?.close();
  });

  test('no page asks for a favicon it does not get', async () => {
    const page = await ui.signedInPage('/');
    const missing: string[] = [];
    page.on('response', (r) => {
      if (r.status() >= 400) missing.push(`${r.status()} ${r.url()}`);
    });
    for (const path of ['/', '/subscriptions', '/deliveries']) await page.goto(`${ui.base}${path}`, { waitUntil: 'load' });
    assert.deepEqual(missing, []);
    assert.equal(await page.getAttribute('link[rel=icon]', 'href'), '/favicon.svg');
    for (const path of ['/favicon.svg', '/favicon.ico']) {
      const res = await fetch(`${ui.base}${path}`);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get('content-type'), 'image/svg+xml; charset=utf-8');
    }
    await page.close();
  });

  test('a pay run without a name is named once', async () => {
    await subscribe({ name: 'Payroll', url: `${ui.receiver.url}/payroll`, events: ['payrun.finalised'] });
    const [id] = await ui.postEvent({ type: 'payrun.finalised', data: { id: 7732 } });
    await ui.waitForStatus(id!, 'delivered');
    const page = await ui.signedInPage(`/deliveries/${id}`);
    assert.equal(await text(page, '#about'), 'Pay run 7732');
    await page.goto(`${ui.base}/deliveries`);
    assert.doesNotMatch(await text(page, 'main'), /pay run 7732.*pay run 7732/i);
    await page.close();
  });

  test('while an attempt is under way the delivery page says so, and its numbers agree', async () => {
    await subscribe({ name: 'Slow tool', url: `${ui.receiver.url}/slow`, events: ['employee.created'] });
    const [id] = await ui.postEvent({ type: 'employee.created', data: { id: 'E-77', firstName: 'Ada', lastName: 'Lovelace' } });
    await ui.waitForStatus(id!, 'retrying');
    const res = await fetch(`${ui.base}/v1/deliveries/${id}/resync`, { method: 'POST', headers: { authorization: `Bearer ${ui.adminKey}`, 'content-type': 'application/json' }, body: '{}' });
    assert.equal(res.status, 202, await res.text());
    await waitFor('the second attempt reaches the receiver', async () => (perPath.get('/slow') ?? 0) >= 2);
    // the workflow answers queries again once its task is heartbeated while the attempt runs: it then counts attempt 2
    await waitFor('the live state counts the attempt under way', async () => {
      const live = await fetch(`${ui.base}/v1/deliveries/${id}`, { headers: { authorization: `Bearer ${ui.adminKey}` } });
      return ((await live.json()) as { live: { attemptCount?: number } | null }).live?.attemptCount === 2;
    }, 45_000);
    const page = await ui.signedInPage(`/deliveries/${id}`);
    // the page's own query is answered only between the workflow's heartbeats: reload until it was
    await waitFor('the page has the live state', async () => {
      await page.reload();
      return (await text(page, '#attempt-count')).includes('under way');
    }, 45_000, 500);
    assert.equal(await text(page, '#attempt-count'), '1 (attempt 2 under way: it shows here once answered)');
    assert.match(await text(page, '#message'), /As sent on attempt 1, .* \(attempt 2 under way: it shows here once answered\)\./);
    await bothSizes(page, 'delivery-attempt-under-way');
    ui.receiver.releaseHung();
    await page.close();
  });

  test('the to-do list does not say "Nothing to do" under a paused subscription', async () => {
    const sub = await subscribe({ name: 'Leave tool', url: `${ui.receiver.url}/down`, events: ['employee.updated'], pauseAfterFailures: 1 });
    const [id] = await ui.postEvent({ type: 'employee.updated', data: { id: 'E-78', firstName: 'Alan', lastName: 'Turing' } });
    await ui.waitForStatus(id!, 'retrying');
    await waitFor('the breaker pauses it', async () =>
      (await ui.db.pool.query('SELECT paused_at FROM flow_control WHERE subscription_id = $1', [sub])).rows[0]?.paused_at ?? null);
    const page = await ui.signedInPage(`/?subscription=${sub}`);
    assert.match(await text(page, '#paused, main'), /Leave tool/);
    const empty = await text(page, '.empty');
    assert.doesNotMatch(empty, /Nothing to do/);
    assert.match(empty, /No failed delivery, but the paused subscription above holds its deliveries: resume once the receiver is back\./);
    await bothSizes(page, 'todo-paused');
    await page.close();
  });

  test('in Temporal server mode (no Web UI) the delivery page links none; with a Web UI it does', async () => {
    const withUi = await ui.signedInPage('/deliveries');
    const some = await ui.db.pool.query("SELECT id FROM deliveries WHERE status = 'delivered' LIMIT 1");
    await withUi.goto(`${ui.base}/deliveries/${some.rows[0].id}`);
    assert.match((await withUi.getAttribute('#workflow a', 'href'))!, /^http:\/\/temporal-ui\.test\/namespaces\//);
    await withUi.close();

    const server = await startUiGateway('ui-server-mode', { HRHOOKS_TEMPORAL: 'server', TEMPORAL_UI_URL: undefined });
    try {
      await subscribe({ name: 'Payroll', url: `${server.receiver.url}/payroll`, events: ['payrun.finalised'] }, server);
      const [id] = await server.postEvent({ type: 'payrun.finalised', data: { id: 7733 } });
      await server.waitForStatus(id!, 'delivered');
      const page = await server.signedInPage(`/deliveries/${id}`);
      assert.equal(await page.locator('#workflow a').count(), 0, 'no link to a Web UI that is not running');
      assert.equal(await page.locator('a[href*="localhost:8233"]').count(), 0);
      assert.match(await text(page, '#workflow'), /^evt_\S+ \(no Temporal Web UI runs with the Temporal server; set TEMPORAL_UI_URL to link one\)/);
      await bothSizes(page, 'delivery-server-mode');
      const api = await fetch(`${server.base}/v1/deliveries/${id}`, { headers: { authorization: `Bearer ${server.adminKey}` } });
      assert.equal(((await api.json()) as { temporalUrl: string | null }).temporalUrl, null, 'the API links no Web UI either');
      await page.close();
    } finally {
      await server.close();
    }
  });
});
