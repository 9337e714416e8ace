// Browser tests of what the web interface tells an admin: search by subject for every event kind (a name, an
// employee, absence or pay-run id, an event id) with the subject shown in the list; failures explained with
// the next step and the raw error one click away (an SSRF refusal names HRHOOKS_EGRESS_ALLOW); every time
// with its zone. Real gateway, Postgres, Temporal dev server, worker, receiver and chromium.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { insertSubscription, sampleAbsence } from '../support/fixtures';
import { acceptDialogs, DESKTOP, horizontalOverflow, PHONE, screenshot, startUiGateway, type UiGateway } from '../support/uiGateway';

let ui: UiGateway;

async function createSubscription(name: string, url: string, events: string[] | '*'): Promise<string> {
  const res = await fetch(`${ui.base}/v1/subscriptions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ui.adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, format: 'standard', url, events, retrySchedule: ['1s'] }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return ((await res.json()) as { id: string }).id;
}

async function search(page: Page, term: string): Promise<{ event: string; about: string }[]> {
  await page.goto(`${ui.base}/deliveries`);
  await page.fill('input[name=q]', term);
  await Promise.all([page.waitForURL(/\/deliveries\?/), page.click('button:has-text("Search")')]);
  return page.$$eval('table.deliveries tbody tr', (rows) => rows.map((r) => ({
    event: (r.querySelector('td[data-label=Event]') as unknown as { innerText: string }).innerText.trim(),
    about: (r.querySelector('td[data-label=About]') as unknown as { innerText: string }).innerText.replace(/\s+/g, ' ').trim(),
  })));
}

describe('search, failure advice and times in the web interface', () => {
  let peopleSub: string;
  before(async () => {
    ui = await startUiGateway('ui-search');
    peopleSub = await createSubscription('People sync', `${ui.receiver.url}/hooks`, ['employee.created', 'bank_account.updated', 'payrun.finalised', 'leave.approved']);
  });
  after(async () => {
    await ui?.close();
  });

  test('search finds an employee.created by employee name and a payrun.finalised by pay-run id; every kind shows its subject', async () => {
    ui.receiverAnswers(200);
    const eventId = `evt-leave-${process.pid}-${Date.now()}`;
    const ids = [
      ...await ui.postEvent({ type: 'employee.created', data: { id: 'E-4711', firstName: 'Grace', lastName: 'Hopper', employeeNumber: '00042' } }),
      ...await ui.postEvent({ type: 'bank_account.updated', data: { id: 9, employee: { id: 'E-4711', name: 'Grace Hopper' }, iban: 'FR76 3000 6000 0112 3456 7890 189' } }),
      ...await ui.postEvent({ type: 'payrun.finalised', data: { id: 'PR-2026-11', name: 'November 2026', period: '2026-11' } }),
      ...await ui.postEvent({ id: eventId, type: 'leave.approved', data: sampleAbsence({ id: 78287, owner: { id: 134, name: 'Luca Pacioli', email: 'luca@example.com', employeeNumber: '00001' } }) }),
    ];
    for (const id of ids) await ui.waitForStatus(id, 'delivered');
    const page = await ui.signedInPage('/deliveries');
    assert.match((await page.textContent('#search-hint'))!, /part of their name, employee id or employee number; an absence or a pay run by its id; a single event or delivery by its id/);
    assert.match((await page.getAttribute('input[name=q]', 'placeholder'))!, /pay-run id/);

    const byName = await search(page, 'Hopper');
    assert.deepEqual(byName.map((r) => r.event).sort(), ['bank_account.updated', 'employee.created']);
    assert.match(byName.find((r) => r.event === 'employee.created')!.about, /^Grace Hopper employee E-4711 · no\. 00042$/);
    assert.deepEqual((await search(page, 'E-4711')).map((r) => r.event).sort(), ['bank_account.updated', 'employee.created'], 'by employee id');
    assert.deepEqual((await search(page, '00042')).map((r) => r.event), ['employee.created'], 'by employee number');

    const payRun = await search(page, 'PR-2026-11');
    assert.deepEqual(payRun, [{ event: 'payrun.finalised', about: 'Pay run November 2026 pay run PR-2026-11' }]);
    await screenshot(page, 'search-payrun');

    assert.deepEqual((await search(page, '78287')).map((r) => r.event), ['leave.approved'], 'by absence id');
    const byEvent = await search(page, eventId);
    assert.deepEqual(byEvent, [{ event: 'leave.approved', about: 'Luca Pacioli absence 78287 · employee 134 · no. 00001' }]);

    await page.goto(`${ui.base}/deliveries?subscription=${peopleSub}`);
    const abouts = await page.$$eval('table.deliveries td[data-label=About]', (cells) => cells.map((c) => c.textContent!.trim()));
    assert.equal(abouts.length, 4);
    assert.ok(abouts.every((a) => a !== '—'), `every kind shows its subject: ${JSON.stringify(abouts)}`);
    await page.setViewportSize(DESKTOP);
    await screenshot(page, 'deliveries-search-1366');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'deliveries-search-390');
    assert.equal(await horizontalOverflow(page), null, 'the deliveries list fits a phone');
    await page.setViewportSize(DESKTOP);
    await page.goto(`${ui.base}/deliveries/${encodeURIComponent(ids[2]!)}`);
    assert.equal((await page.textContent('#about'))!.trim(), 'Pay run November 2026 (pay run PR-2026-11)');
    await page.close();
  });

  test('every time is shown in the viewer\'s zone, named, with UTC on hover; UTC text without script', async () => {
    const page = await ui.signedInPage('/deliveries', undefined, { timezoneId: 'Asia/Tokyo', locale: 'en-GB' });
    const times = await page.$$eval('time[datetime]', (ts) => ts.map((t) => ({ text: t.textContent!, title: t.getAttribute('title')!, local: t.classList.contains('local') })));
    assert.ok(times.length > 0);
    for (const t of times) {
      assert.ok(t.local, 'localised');
      assert.match(t.title, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
      assert.match(t.text, /GMT\+9|JST/, `the zone is named: ${t.text}`);
      const utcHour = Number(/ (\d\d):/.exec(t.title)![1]);
      const localHour = Number(/(\d\d):\d\d:\d\d/.exec(t.text)![1]);
      assert.equal(localHour, (utcHour + 9) % 24, `${t.text} is ${t.title} in Tokyo`);
    }
    const { cookie } = await ui.session();
    const raw = await (await fetch(`${ui.base}/deliveries`, { headers: { cookie } })).text();
    assert.match(raw, /<time datetime="[^"]+Z">\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC<\/time>/, 'without script the text is UTC, named');
    await page.close();
  });

  test('an SSRF-refused delivery says to allow the address with HRHOOKS_EGRESS_ALLOW, raw error one click away; a refused connection names the address', async () => {
    const ssrf = await insertSubscription(ui.db.pool, { format: 'standard', url: 'http://10.1.2.3/hooks', retrySchedule: ['1s'] });
    await ui.db.pool.query(`UPDATE subscriptions SET name = 'Intranet payroll', events = '["employee.terminated"]' WHERE id = $1`, [ssrf.id]);
    await createSubscription('Time clock', 'http://127.0.0.1:1/hooks', ['employee.updated']);
    const [ssrfDelivery] = await ui.postEvent({ type: 'employee.terminated', data: { id: 'E-77', name: 'Hedy Lamarr' } });
    const [refusedDelivery] = await ui.postEvent({ type: 'employee.updated', data: { id: 'E-78', name: 'Alan Kay' } });
    await ui.waitForStatus(ssrfDelivery!, 'failed');
    await ui.waitForStatus(refusedDelivery!, 'failed');

    const page = await ui.signedInPage(`/deliveries/${encodeURIComponent(ssrfDelivery!)}`);
    const why = (await page.textContent('#why-failed'))!;
    assert.match(why, /10\.1\.2\.3 is a private \(RFC 1918\) address/);
    assert.match(why, /What you can do:.*allow it with HRHOOKS_EGRESS_ALLOW=10\.1\.2\.3\/32/s);
    assert.equal(await page.isVisible('#why-failed details pre'), false, 'the raw error is folded');
    await page.click('#why-failed details summary');
    assert.equal((await page.textContent('#why-failed details pre'))!.trim(), 'ssrf: 10.1.2.3: private (RFC 1918)');
    assert.match((await page.textContent('#attempts'))!, /private \(RFC 1918\) address/, 'each attempt is explained too');
    await screenshot(page, 'delivery-detail-ssrf');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'delivery-detail-ssrf-phone');
    assert.equal(await horizontalOverflow(page), null, 'the delivery page fits a phone');

    await page.goto(`${ui.base}/`);
    assert.match((await page.locator(`tr[data-delivery="${refusedDelivery}"] td[data-label="Why it failed"]`).textContent())!, /The receiver is not listening at 127\.0\.0\.1:1\./);
    assert.equal(await page.locator(`tr[data-delivery="${refusedDelivery}"] td[data-label="Why it failed"] div`).getAttribute('title'), 'refused: connect ECONNREFUSED 127.0.0.1:1', 'the raw error on hover');
    await page.close();
  });

  test('no page had a script error', () => {
    assert.deepEqual(ui.pageErrors, []);
  });
});
