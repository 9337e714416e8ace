// Browser tests of subscription management in the web interface (subscriptions/SubscriptionEditPage.tsx and the actions it
// links to): edit with the API's validation and errors next to their field, disable / enable / delete through a
// confirmation that counts the open deliveries cancelled, rotate the secret (shown once) and send a test; every
// one refused without the CSRF token. Real gateway, Postgres, Temporal dev server, worker, receiver and chromium.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { getFormat } from '../../src/domain/formats/registry';
import { acceptDialogs, DESKTOP, PHONE, screenshot, startUiGateway, type UiGateway } from '../support/uiGateway';

let ui: UiGateway;

async function createSubscription(body: Record<string, unknown>): Promise<{ id: string; secret: string }> {
  const res = await fetch(`${ui.base}/v1/subscriptions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ui.adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ format: 'standard', url: `${ui.receiver.url}/hooks`, ...body }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return (await res.json()) as { id: string; secret: string };
}

async function apiView(id: string): Promise<Record<string, any>> {
  const res = await fetch(`${ui.base}/v1/subscriptions/${id}`, { headers: { authorization: `Bearer ${ui.adminKey}` } });
  assert.equal(res.status, 200);
  return (await res.json()) as Record<string, any>;
}

const employee = (n: number) => ({ id: `E-${n}`, firstName: 'Grace', lastName: `Hopper ${n}`, employeeNumber: `000${n}` });

describe('subscription management in the web interface', () => {
  before(async () => {
    ui = await startUiGateway('ui-manage');
  });
  after(async () => {
    await ui?.close();
  });

  test('edit: invalid input is refused with the API rules, each error next to its field; a valid edit is saved and used', async () => {
    const sub = await createSubscription({ name: 'HR analytics', events: ['employee.created'] });
    const page = await ui.signedInPage('/subscriptions');
    await Promise.all([page.waitForURL(`${ui.base}/subscriptions/${sub.id}/edit`), page.click(`#sub-${sub.id} a:has-text("Edit")`)]);
    assert.equal(await page.inputValue('input[name=url]'), `${ui.receiver.url}/hooks`);
    assert.equal(await page.isChecked('input[name=events][value="employee.created"]'), true);
    await screenshot(page, 'subscription-edit');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'subscription-edit-phone');
    await page.setViewportSize(DESKTOP);

    await page.fill('input[name=retrySchedule]', '1m soon');
    await page.fill('input[name=name]', '');
    await page.fill('input[name=maxPerSecond]', 'lots');
    await page.click('button:has-text("Save changes")');
    await page.waitForSelector('#err-retrySchedule');
    assert.match((await page.textContent('#err-retrySchedule'))!, /soon/, 'the ladder rule of the API');
    assert.ok(await page.isVisible('#err-name'), 'an empty name is named');
    assert.ok(await page.isVisible('#err-maxPerSecond'), 'a rate that is not a number is named');
    assert.equal(await page.getAttribute('input[name=retrySchedule]', 'aria-invalid'), 'true');
    assert.equal(await page.inputValue('input[name=retrySchedule]'), '1m soon', 'what was typed is kept');
    await screenshot(page, 'subscription-edit-errors');

    await page.fill('input[name=name]', 'HR analytics');
    await page.fill('input[name=retrySchedule]', '');
    await page.fill('input[name=maxPerSecond]', '50');
    await page.fill('input[name=url]', 'http://10.1.2.3/hooks');
    await page.click('button:has-text("Save changes")');
    await page.waitForSelector('#err-url');
    assert.match((await page.textContent('#err-url'))!, /private.*HRHOOKS_EGRESS_ALLOW/s, 'the egress rule of the API, with its hint');
    assert.equal(await page.inputValue('input[name=url]'), 'http://10.1.2.3/hooks');
    const unchanged = await apiView(sub.id);
    assert.equal(unchanged.url, `${ui.receiver.url}/hooks`, 'nothing saved');
    assert.equal(unchanged.name, 'HR analytics');

    await page.fill('input[name=name]', 'HR analytics v2');
    await page.fill('input[name=url]', `${ui.receiver.url}/v2/hooks`);
    await page.fill('input[name=retrySchedule]', '1s 2s');
    await page.check('input[name=events][value="payrun.finalised"]');
    await page.fill('textarea[name=headers]', 'X-Tenant: acme');
    await page.selectOption('select[name=ordering]', 'resource');
    await page.fill('input[name=pauseAfterFailures]', '25');
    await Promise.all([page.waitForURL(`${ui.base}/subscriptions/${sub.id}/edit`), page.click('button:has-text("Save changes")')]);
    assert.match((await page.textContent('.flash-ok'))!, /Changes to "HR analytics v2" saved/);
    const saved = await apiView(sub.id);
    assert.equal(saved.url, `${ui.receiver.url}/v2/hooks`);
    assert.deepEqual(saved.events, ['employee.created', 'payrun.finalised']);
    assert.deepEqual(saved.retrySchedule, ['1s', '2s']);
    assert.deepEqual(saved.headers, { 'X-Tenant': '[set]' }, 'extra header values are sealed: the API shows names only (issue 20 #9)');
    assert.equal(saved.ordering, 'resource');
    assert.equal(saved.pauseAfterFailures, 25);
    assert.equal(saved.maxPerSecond, 50);

    ui.receiverAnswers(200);
    const before = ui.receiver.requests.length;
    const [deliveryId] = await ui.postEvent({ type: 'payrun.finalised', data: { id: 'PR-7', name: 'July' } });
    await ui.waitForStatus(deliveryId!, 'delivered');
    const got = ui.receiver.requests.slice(before).find((r) => r.path === '/v2/hooks');
    assert.ok(got, 'the next event goes to the new URL');
    assert.equal(got.headers['x-tenant'], 'acme');
    await page.close();
  });

  test('disable and delete say how many open deliveries they cancel, then cancel them; enable brings it back', async () => {
    const sub = await createSubscription({ name: 'Payroll (slow)', events: ['employee.updated'], retrySchedule: ['1h'] });
    ui.receiverAnswers(500);
    const ids = [...await ui.postEvent({ type: 'employee.updated', data: employee(1) }), ...await ui.postEvent({ type: 'employee.updated', data: employee(2) })];
    assert.equal(ids.length, 2);
    for (const id of ids) await ui.waitForStatus(id, 'retrying');

    const page = await ui.signedInPage(`/subscriptions/${sub.id}/edit`);
    assert.match((await page.textContent('#danger-zone'))!, /Its 2 open deliveries \(2 retrying\) will be cancelled/);
    await Promise.all([page.waitForURL(`${ui.base}/subscriptions/${sub.id}/disable`), page.click('#danger-zone a:has-text("Disable")')]);
    assert.match((await page.textContent('#consequence'))!, /Its 2 open deliveries \(2 retrying\) will be cancelled/);
    await Promise.all([page.waitForURL(`${ui.base}/subscriptions`), page.click('button:has-text("Disable and cancel 2")')]);
    assert.match((await page.textContent('.flash-ok'))!, /"Payroll \(slow\)" disabled/);
    for (const id of ids) await ui.waitForStatus(id, 'cancelled');
    assert.equal((await apiView(sub.id)).enabled, false);

    await page.goto(`${ui.base}/subscriptions/${sub.id}/edit`);
    assert.match((await page.textContent('#danger-zone'))!, /no open delivery: nothing will be cancelled/);
    const dialogs = acceptDialogs(page);
    await Promise.all([page.waitForURL(`${ui.base}/subscriptions`), page.click('#danger-zone button:has-text("Enable")')]);
    assert.match(dialogs[0]!, /Enable "Payroll \(slow\)"/);
    assert.equal((await apiView(sub.id)).enabled, true);

    const [third] = await ui.postEvent({ type: 'employee.updated', data: employee(3) });
    await ui.waitForStatus(third!, 'retrying');
    await page.goto(`${ui.base}/subscriptions`);
    await Promise.all([page.waitForURL(`${ui.base}/subscriptions/${sub.id}/delete`), page.click(`#sub-${sub.id} a:has-text("Delete")`)]);
    assert.match((await page.textContent('#consequence'))!, /Its 1 open delivery \(1 retrying\) will be cancelled/);
    await Promise.all([page.waitForURL(`${ui.base}/subscriptions`), page.click('button:has-text("Delete and cancel 1")')]);
    assert.match((await page.textContent('.flash-ok'))!, /"Payroll \(slow\)" deleted/);
    assert.equal(await page.locator(`#sub-${sub.id}`).count(), 0, 'gone from the list');
    await ui.waitForStatus(third!, 'cancelled');
    const gone = await fetch(`${ui.base}/v1/subscriptions/${sub.id}`, { headers: { authorization: `Bearer ${ui.adminKey}` } });
    assert.equal(gone.status, 404);
    await page.close();
  });

  test('rotate secret from the edit page shows the new secret once and signs with it; send test lands on its delivery', async () => {
    const sub = await createSubscription({ name: 'Benefits', events: ['employee.created'] });
    const page = await ui.signedInPage(`/subscriptions/${sub.id}/edit`);
    acceptDialogs(page);
    await page.click('button:has-text("Rotate secret")');
    await page.waitForSelector('#revealed code');
    const secret = (await page.textContent('#revealed code'))!.trim();
    assert.match(secret, /^whsec_/);
    assert.notEqual(secret, sub.secret);
    await page.goto(`${ui.base}/subscriptions/${sub.id}/edit`);
    assert.ok(!(await page.content()).includes(secret), 'shown only once');
    assert.match((await page.textContent('.side'))!, /2 live secrets/);

    ui.receiverAnswers(200);
    const before = ui.receiver.requests.length;
    await Promise.all([page.waitForURL(/\/deliveries\/dlv_/), page.click('button:has-text("Send test")')]);
    assert.match((await page.textContent('.flash-ok'))!, /Test message sent/);
    const [request] = (await ui.receiver.waitForRequests(before + 1, 15_000)).slice(before);
    const headers = Object.fromEntries(Object.entries(request!.headers).map(([k, v]) => [k, String(v)]));
    assert.equal(getFormat('standard').verify({ headers, body: request!.body }, { secrets: [secret], now: new Date() }), null, 'signed with the new secret');
    await page.close();
  });

  test('edit, disable, enable, delete and rotate are refused without the CSRF token or a session; nothing changes', async () => {
    const sub = await createSubscription({ name: 'Untouchable', events: ['employee.created'] });
    const { cookie, csrf } = await ui.session();
    const rowBefore = (await ui.db.pool.query('SELECT * FROM subscriptions WHERE id = $1', [sub.id])).rows[0];
    const actions = ['edit', 'disable', 'enable', 'delete', 'rotate-secret', 'test'].map((a) => `/subscriptions/${sub.id}/${a}`);
    const fields = { name: 'Hacked', url: 'https://evil.example/', allEvents: 'on' };
    for (const action of actions) {
      for (const [headers, body, expected] of [
        [{ cookie }, fields, 403],
        [{ cookie }, { ...fields, _csrf: 'forged' }, 403],
        [{ cookie, origin: 'https://evil.example' }, { ...fields, _csrf: csrf }, 403],
        [{}, { ...fields, _csrf: csrf }, 401],
      ] as const) {
        const res = await fetch(`${ui.base}${action}`, { method: 'POST', redirect: 'manual', headers, body: new URLSearchParams(body) });
        assert.equal(res.status, expected, `${action} with ${JSON.stringify(Object.keys(body))} ${JSON.stringify(Object.keys(headers))}`);
      }
    }
    const rowAfter = (await ui.db.pool.query('SELECT * FROM subscriptions WHERE id = $1', [sub.id])).rows[0];
    assert.deepEqual(rowAfter, rowBefore);

    const ok = await fetch(`${ui.base}/subscriptions/${sub.id}/edit`, {
      method: 'POST', redirect: 'manual', headers: { cookie, origin: ui.base },
      body: new URLSearchParams({ ...fields, url: `${ui.receiver.url}/hooks`, _csrf: csrf }),
    });
    assert.equal(ok.status, 303, 'the same edit with the token is accepted');
    assert.equal((await apiView(sub.id)).name, 'Hacked');
  });

  test('no page had a script error', () => {
    assert.deepEqual(ui.pageErrors, []);
  });
});
