// Browser tests of the dashboard charts (to-do page) and subscription health (subscriptions page, a subscription's
// page, the API): real gateway, Postgres, Temporal dev server, worker and receiver, Debian's chromium through
// playwright-core. A history is seeded with exact times and durations, one live delivery goes through the real
// path; the tests assert the numbers the charts and tables carry. Screenshots at 1366 and 390 px every run.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { createSubscription } from '../../src/infra/db/subscriptions';
import { sampleAbsence } from '../support/fixtures';
import type { TestDatabase } from '../support/postgres';
import { DAY_MS, floorTo, HOUR_MS, plus, seedDelivery } from '../support/seededHistory';
import { testBox } from '../support/temporal';
import { DESKTOP, PHONE, screenshot, startUiGateway, type UiGateway } from '../support/uiGateway';

let gw: UiGateway;
let db: TestDatabase;
let base: string;
let adminKey: string;
const subs = { payroll: '', expense: '', leave: '', live: '' };
/** Seeded times: tA (payroll's busy hour, 3 h back) and tB (expense's failures, the previous hour), 10 min past the hour. */
let tA: Date;
let tB: Date;
let expenseLastSuccess: Date;
let fiveDaysAgo: Date;

/**
 * Payroll: 6 first-try successes (100…600 ms), 2 after one 503 (50 ms, then 200 ms), one cancelled, one in an
 * unknown status, at tA; one failed 5 days ago (3 × 500), one processed 10 days ago, one delivered 40 days ago.
 * Expense: delivered 30 h ago; at tB 4 retrying (2 refused each, one also cut off by an operator) and 1 failed
 * (3 timeouts of 15 s). Leave: nothing. An old tool, deleted: one first-try success at tA.
 */
async function seedHistory(now: Date): Promise<void> {
  tA = plus(floorTo(plus(now, -3 * HOUR_MS), HOUR_MS), 10 * 60_000);
  tB = plus(floorTo(plus(now, -HOUR_MS), HOUR_MS), 10 * 60_000);
  const s = (n: number) => n * 1000;
  const sub = async (name: string) => (await createSubscription(db.pool, testBox, {
    name, url: `https://${name.split(' ')[0]!.toLowerCase()}.example/hooks`, format: 'standard', events: ['payrun.finalised'],
  })).subscription.id;
  subs.payroll = await sub('Payroll tool');
  subs.expense = await sub('Expense tool');
  subs.leave = await sub('Leave tool');
  const deleted = await sub('Old tool');
  await db.pool.query('UPDATE subscriptions SET enabled = false, deleted_at = now() WHERE id = $1', [deleted]);

  for (let k = 0; k < 6; k++) {
    await seedDelivery(db.pool, { subscriptionId: subs.payroll, status: 'delivered', createdAt: tA, attempts: [
      { at: plus(tA, s(k)), durationMs: 100 * (k + 1), statusCode: 200, outcome: 'success' },
    ] });
  }
  for (let k = 0; k < 2; k++) {
    await seedDelivery(db.pool, { subscriptionId: subs.payroll, status: 'delivered', createdAt: tA, attempts: [
      { at: plus(tA, s(10 + k)), durationMs: 50, statusCode: 503, outcome: 'retry' },
      { at: plus(tA, s(59 + k)), durationMs: 200, statusCode: 200, outcome: 'success' },
    ] });
  }
  await seedDelivery(db.pool, { subscriptionId: subs.payroll, status: 'cancelled', createdAt: tA });
  await seedDelivery(db.pool, { subscriptionId: subs.payroll, status: 'parked-by-a-future-version', createdAt: tA });
  fiveDaysAgo = plus(now, -5 * DAY_MS);
  await seedDelivery(db.pool, { subscriptionId: subs.payroll, status: 'failed', createdAt: fiveDaysAgo, attempts: (['retry', 'retry', 'failed'] as const).map((outcome, k) => (
    { at: plus(fiveDaysAgo, k * 60_000), durationMs: 30, statusCode: 500, outcome }
  )) });
  const tenDaysAgo = plus(now, -10 * DAY_MS);
  await seedDelivery(db.pool, { subscriptionId: subs.payroll, status: 'processed', createdAt: tenDaysAgo, attempts: [
    { at: tenDaysAgo, durationMs: 30, statusCode: 500, outcome: 'failed' },
  ] });
  const fortyDaysAgo = plus(now, -40 * DAY_MS);
  await seedDelivery(db.pool, { subscriptionId: subs.payroll, status: 'delivered', createdAt: fortyDaysAgo, attempts: [
    { at: fortyDaysAgo, durationMs: 100, statusCode: 200, outcome: 'success' },
  ] });
  await seedDelivery(db.pool, { subscriptionId: deleted, status: 'delivered', createdAt: tA, attempts: [
    { at: plus(tA, s(5)), durationMs: 100, statusCode: 200, outcome: 'success' },
  ] });

  expenseLastSuccess = plus(now, -30 * HOUR_MS);
  await seedDelivery(db.pool, { subscriptionId: subs.expense, status: 'delivered', createdAt: expenseLastSuccess, attempts: [
    { at: expenseLastSuccess, durationMs: 80, statusCode: 200, outcome: 'success' },
  ] });
  for (let k = 0; k < 4; k++) {
    const refused = { durationMs: 2, errorKind: 'refused', outcome: 'retry' as const };
    await seedDelivery(db.pool, { subscriptionId: subs.expense, status: 'retrying', createdAt: tB, attempts: [
      { ...refused, at: plus(tB, s(2 * k)) },
      { ...refused, at: plus(tB, s(2 * k + 1)) },
      ...(k === 0 ? [{ at: plus(tB, s(20)), durationMs: 900, errorKind: 'aborted', outcome: 'aborted' as const }] : []),
    ] });
  }
  await seedDelivery(db.pool, { subscriptionId: subs.expense, status: 'failed', createdAt: tB, attempts: (['retry', 'retry', 'failed'] as const).map((outcome, k) => (
    { at: plus(tB, s(30 + k)), durationMs: 15_000, errorKind: 'timeout', outcome }
  )) });
}

/** One delivery through the real path: a subscription made with the API, an event, the receiver answers 200. */
async function liveDelivery(): Promise<void> {
  const created = await fetch(`${base}/v1/subscriptions`, {
    method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Live receiver', url: `${gw.receiver.url}/hooks`, format: 'standard', events: '*' }),
  });
  assert.equal(created.status, 201, await created.clone().text());
  subs.live = ((await created.json()) as { id: string }).id;
  const [delivery] = await gw.postEvent({ id: `dash-${process.pid}-${Date.now()}`, type: 'leave.approved', data: sampleAbsence() });
  await gw.waitForStatus(delivery!, 'delivered');
}

const attr = (page: Page, selector: string, name: string) => page.locator(selector).first().getAttribute(name);
const rowOrder = (page: Page) => page.locator('#health-table tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-subscription-id')));

describe('dashboard charts and subscription health', () => {
  before(async () => {
    gw = await startUiGateway('ui-dashboard');
    ({ db, base, adminKey } = gw);
    await seedHistory(new Date());
    await liveDelivery();
  });

  after(async () => {
    await gw?.close();
  });

  test('the to-do page charts carry the seeded numbers: per hour, per day, latency p50/p95, and a table of them', async () => {
    const page = await gw.signedInPage('/');
    const legend = async (chart: string) => Object.fromEntries(await page.locator(`#${chart} .legend li`).evaluateAll(
      (items) => items.map((li) => [li.getAttribute('data-series'), li.getAttribute('data-value')]),
    ));

    assert.deepEqual(await legend('volume-24h'), { firstTry: '8', afterRetries: '2', failed: '1', processed: '0', inProgress: '5', other: '1' });
    assert.equal(await attr(page, '#volume-24h', 'data-total'), '17');
    assert.deepEqual(await legend('volume-30d'), { firstTry: '9', afterRetries: '2', failed: '2', processed: '1', inProgress: '5', other: '1' });
    assert.equal(await attr(page, '#volume-30d', 'data-total'), '20');

    const hourA = floorTo(tA, HOUR_MS).toISOString();
    const barA = `#volume-24h g.bar[data-start="${hourA}"]`;
    assert.equal(await attr(page, barA, 'data-total'), '11');
    assert.equal(await attr(page, `${barA} rect[data-series=firstTry]`, 'data-count'), '7', 'the deleted subscription\'s delivery still counts');
    assert.equal(await attr(page, `${barA} rect[data-series=afterRetries]`, 'data-count'), '2');
    assert.equal(await attr(page, `${barA} rect[data-series=inProgress]`, 'data-count'), '1', 'an unknown status counts as in progress');
    assert.equal(await attr(page, `${barA} rect[data-series=other]`, 'data-count'), '1');
    const barB = `#volume-24h g.bar[data-start="${floorTo(tB, HOUR_MS).toISOString()}"]`;
    assert.equal(await attr(page, `${barB} rect[data-series=inProgress]`, 'data-count'), '4');
    assert.equal(await attr(page, `${barB} rect[data-series=failed]`, 'data-count'), '1');
    assert.equal(await page.locator('#volume-24h g.bar').count(), 24);
    assert.equal(await page.locator('#volume-30d g.bar').count(), 30);
    const dayBar = `#volume-30d g.bar[data-start="${floorTo(fiveDaysAgo, DAY_MS).toISOString()}"]`;
    assert.equal(await attr(page, `${dayBar} rect[data-series=failed]`, 'data-count'), '1');

    const slotA = `#latency-24h g.slot[data-start="${hourA}"]`;
    assert.equal(await attr(page, `${slotA} circle[data-series=p50]`, 'data-value'), '200');
    assert.equal(await attr(page, `${slotA} circle[data-series=p95]`, 'data-value'), '550');
    const slotB = `#latency-24h g.slot[data-start="${floorTo(tB, HOUR_MS).toISOString()}"]`;
    assert.equal(await attr(page, `${slotB} circle[data-series=p95]`, 'data-value'), '15000', 'timeouts count at their duration; refused and aborted do not');
    assert.equal(await attr(page, '#latency-24h', 'data-attempts'), '15', '11 + 3 seeded + the live attempt');

    for (const chart of ['volume-24h', 'volume-30d', 'latency-24h']) {
      const svg = page.locator(`#${chart} svg[role=img]`);
      const labelledBy = (await svg.getAttribute('aria-labelledby'))!.split(' ');
      assert.equal(labelledBy.length, 2);
      for (const id of labelledBy) assert.ok((await page.locator(`#${id}`).textContent())!.length > 10, `${chart}: ${id} says what it shows`);
    }
    assert.match((await page.locator('#volume-24h-svg-desc').textContent())!, /17 deliveries \(8 delivered first try, 2 delivered after retries, 1 failed, 5 in progress, 1 cancelled or superseded\)/);

    await page.click('#volume-24h details summary');
    const tableRow = page.locator(`#volume-24h table tr[data-start="${hourA}"]`);
    assert.ok(await tableRow.isVisible(), 'the numbers are one click away');
    assert.equal((await tableRow.locator('td[data-series=firstTry]').textContent())!.trim(), '7');
    assert.equal((await tableRow.locator('td[data-series=total]').textContent())!.trim(), '11');
    assert.equal((await page.locator('#latency-24h tfoot td').nth(0).textContent())!.trim(), '15');
    await page.click('#volume-24h details summary');

    await screenshot(page, 'dashboard-todo-1366');
    await page.setViewportSize(PHONE);
    await page.goto(`${base}/`);
    const width = await page.locator('#volume-24h svg').evaluate((e) => e.getBoundingClientRect().width);
    assert.ok(width > 300 && width <= 390, `the chart fits a phone (${width} px)`);
    assert.ok((await page.evaluate('document.documentElement.scrollWidth')) as number <= 390, 'no sideways scrolling on a phone');
    await screenshot(page, 'dashboard-todo-390');

    await page.setViewportSize(DESKTOP);
    await page.goto(`${base}/?subscription=${subs.expense}`);
    assert.deepEqual(await legend('volume-24h'), { firstTry: '0', afterRetries: '0', failed: '1', processed: '0', inProgress: '4', other: '0' });
    await page.close();
  });

  test('subscription health matches the seeded history, worst first, and re-sorts by column', async () => {
    const page = await gw.signedInPage('/subscriptions');
    assert.deepEqual(await rowOrder(page), [subs.expense, subs.payroll, subs.live, subs.leave], 'worst first: failing, degraded, healthy, idle');

    const row = (id: string) => `#health-table tr[data-subscription-id="${id}"]`;
    const figures = async (id: string) => Object.fromEntries(await Promise.all(
      ['level', 'success-24h', 'success-7d', 'attempts-24h', 'attempts-7d', 'p95-ms', 'last-success', 'streak', 'open', 'failed']
        .map(async (name) => [name, await attr(page, row(id), `data-${name}`)]),
    ));
    assert.deepEqual(await figures(subs.expense), {
      level: 'failing', 'success-24h': '0', 'success-7d': String(1 / 12), 'attempts-24h': '11', 'attempts-7d': '12', 'p95-ms': '15000',
      'last-success': expenseLastSuccess.toISOString(), streak: '11', open: '5', failed: '1',
    });
    assert.deepEqual(await figures(subs.payroll), {
      level: 'degraded', 'success-24h': '0.8', 'success-7d': String(8 / 13), 'attempts-24h': '10', 'attempts-7d': '13', 'p95-ms': '555',
      'last-success': plus(tA, 60_000).toISOString(), streak: '0', open: '2', failed: '1',
    });
    assert.equal(await attr(page, row(subs.live), 'data-level'), 'healthy');
    assert.equal(await attr(page, row(subs.live), 'data-success-24h'), '1');
    assert.deepEqual(await figures(subs.leave), {
      level: 'idle', 'success-24h': '', 'success-7d': '', 'attempts-24h': '0', 'attempts-7d': '0', 'p95-ms': '',
      'last-success': '', streak: '0', open: '0', failed: '0',
    });
    const expenseText = (await page.locator(row(subs.expense)).textContent())!.replace(/\s+/g, ' ');
    assert.match(expenseText, /Expense tool failing 0 % 8\.3 % 15\.0 s/);
    assert.match((await page.locator(row(subs.payroll)).textContent())!.replace(/\s+/g, ' '), /Payroll tool degraded 80\.0 % 61\.5 % 555 ms/);
    const spark = `${row(subs.expense)} svg.sparkline g[data-start="${floorTo(tB, 6 * HOUR_MS).toISOString()}"]`;
    assert.equal(await attr(page, spark, 'data-bad'), '11');
    assert.equal(await attr(page, spark, 'data-good'), '0');
    assert.equal(await page.locator(`${row(subs.expense)} svg.sparkline g`).count(), 28);
    assert.match((await attr(page, `${row(subs.expense)} svg.sparkline`, 'aria-label'))!, /12 attempts, 11 failed/);
    assert.equal(await page.locator('#health-table').getAttribute('data-sort'), 'health');
    await screenshot(page, 'dashboard-subscriptions-1366');

    await Promise.all([page.waitForURL(/sort=success24h&dir=asc/), page.click('#health-table th[data-sort-key=success24h] a')]);
    assert.equal(await page.locator('#health-table th[data-sort-key=success24h]').getAttribute('aria-sort'), 'ascending');
    assert.deepEqual(await rowOrder(page), [subs.expense, subs.payroll, subs.live, subs.leave], 'lowest rate first, no figure last');
    await Promise.all([page.waitForURL(/sort=success24h&dir=desc/), page.click('#health-table th[data-sort-key=success24h] a')]);
    assert.equal(await page.locator('#health-table th[data-sort-key=success24h]').getAttribute('aria-sort'), 'descending');
    assert.deepEqual(await rowOrder(page), [subs.live, subs.payroll, subs.expense, subs.leave]);
    await Promise.all([page.waitForURL(/sort=name&dir=asc/), page.click('#health-table th[data-sort-key=name] a')]);
    assert.deepEqual(await rowOrder(page), [subs.expense, subs.leave, subs.live, subs.payroll]);

    await page.setViewportSize(PHONE);
    await page.goto(`${base}/subscriptions`);
    assert.ok((await page.evaluate('document.documentElement.scrollWidth')) as number <= 390, 'no sideways scrolling on a phone');
    await screenshot(page, 'dashboard-subscriptions-390');
    assert.ok(!(await page.locator('#health-table thead').isVisible()), 'on a phone the rows are cards, without the sortable headers');
    await page.selectOption('.health-sort select[name=sort]', 'streak');
    await Promise.all([page.waitForURL(/sort=streak/), page.click('.health-sort button')]);
    assert.deepEqual(await rowOrder(page), [subs.expense, subs.payroll, subs.live, subs.leave], 'longest streak first, ties worst first');
    assert.equal(await page.locator('#health-table').getAttribute('data-dir'), 'desc');
    await page.close();
  });

  test("a subscription's own page shows its health and its own charts", async () => {
    const page = await gw.signedInPage('/subscriptions');
    await Promise.all([page.waitForURL(`${base}/subscriptions/${subs.expense}`), page.click(`#health-table tr[data-subscription-id="${subs.expense}"] a[href="/subscriptions/${subs.expense}"]`)]);
    assert.equal((await page.textContent('h1'))!.trim(), 'Expense tool');
    const figure = (key: string) => attr(page, `#health dd[data-figure=${key}]`, 'data-value');
    assert.equal(await attr(page, '#health', 'data-level'), 'failing');
    assert.equal(await figure('streak'), '11');
    assert.equal(await figure('success24h'), '0');
    assert.equal(await figure('p95'), '15000');
    assert.equal(await figure('lastSuccess'), expenseLastSuccess.toISOString());
    assert.equal(await figure('open'), '5');
    assert.match((await page.locator('#health dd[data-figure=success7d]').textContent())!, /8\.3 % \(1 of 12 attempts\)/);
    assert.equal(await attr(page, '#volume-24h', 'data-total'), '5', 'its charts count its deliveries only');
    assert.equal(await attr(page, '#volume-30d', 'data-total'), '6');
    assert.equal(await attr(page, '#latency-24h', 'data-p95-ms'), '15000');
    await screenshot(page, 'dashboard-subscription-1366');
    const missing = await page.goto(`${base}/subscriptions/sub_nope`);
    assert.equal(missing?.status(), 404);
    await page.close();
  });

  test('the API gives the same figures: GET /v1/dashboard and GET /v1/subscriptions/:id/health', async () => {
    const get = (p: string) => fetch(`${base}${p}`, { headers: { authorization: `Bearer ${adminKey}` } });
    const overview = (await (await get('/v1/dashboard')).json()) as {
      counts: Record<string, number>;
      charts: { hourly: { total: number; totals: Record<string, number> }; daily: { totals: Record<string, number> }; latency: { overall: { attempts: number } } };
      health: { subscriptionId: string; consecutiveFailures: number; successRate24h: number | null }[];
    };
    assert.deepEqual(overview.charts.hourly.totals, { firstTry: 8, afterRetries: 2, failed: 1, processed: 0, inProgress: 5, other: 1 });
    assert.equal(overview.charts.daily.totals.processed, 1);
    assert.equal(overview.charts.latency.overall.attempts, 15);
    assert.deepEqual(overview.health.map((h) => h.subscriptionId), [subs.expense, subs.payroll, subs.live, subs.leave]);
    assert.equal(overview.counts.failed, 2);

    const one = await get(`/v1/subscriptions/${subs.payroll}/health`);
    assert.equal(one.status, 200);
    const { health, charts } = (await one.json()) as { health: Record<string, unknown>; charts: { hourly: { total: number } } };
    assert.equal(health.successRate24h, 0.8);
    assert.equal(health.p95LatencyMs24h, 555);
    assert.equal(health.consecutiveFailures, 0);
    assert.equal(health.failedDeliveries, 1);
    assert.equal(charts.hourly.total, 10);
    assert.equal((await get('/v1/subscriptions/sub_nope/health')).status, 404);
    const anonymous = await fetch(`${base}/v1/subscriptions/${subs.payroll}/health`);
    assert.equal(anonymous.status, 401);
  });
});
