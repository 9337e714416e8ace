// The credential card of the edit page (subscriptions/CredentialCard.tsx, issue 20 item 4) says what each format really sends
// during a rotation, keeps an aspnet secret or a lucca Authorization value pending until "Activate now" or its time,
// and shows the new value once. Real gateway, Postgres, Temporal dev server, worker, receiver and chromium.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { acceptDialogs, DESKTOP, PHONE, screenshot, startUiGateway, type UiGateway } from '../support/uiGateway';

let ui: UiGateway;

async function createSubscription(body: Record<string, unknown>): Promise<{ id: string; secret?: string }> {
  const res = await fetch(`${ui.base}/v1/subscriptions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ui.adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url: `${ui.receiver.url}/hooks`, events: ['employee.created'], ...body }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return (await res.json()) as { id: string; secret?: string };
}

describe('credential rotation in the web interface', () => {
  before(async () => {
    ui = await startUiGateway('ui-rotation');
  });
  after(async () => {
    await ui?.close();
  });

  test('aspnet: the card says one MS-Signature; a rotation stays pending until "Activate now"', async () => {
    const sub = await createSubscription({ name: 'Payroll', format: 'aspnet' });
    const page = await ui.signedInPage(`/subscriptions/${sub.id}/edit`);
    acceptDialogs(page);
    const card = () => page.textContent('#credential').then((t) => t!.replace(/\s+/g, ' '));
    assert.match(await card(), /one MS-Signature, signed with one secret/);
    assert.doesNotMatch(await card(), /previous one keeps signing|both signatures|grace period/, 'no promise aspnet cannot keep');

    await page.click('#credential button:has-text("Rotate secret")');
    await page.waitForSelector('#revealed code');
    const secret = (await page.textContent('#revealed code'))!.trim();
    assert.notEqual(secret, sub.secret);
    assert.match((await page.textContent('#rotation-outcome'))!, /pending: the current one is still sent until you activate the new one/);

    await page.goto(`${ui.base}/subscriptions/${sub.id}/edit`);
    assert.ok(!(await page.content()).includes(secret), 'shown only once');
    assert.match((await page.textContent('#pending-credential'))!.replace(/\s+/g, ' '), /A new secret is pending\. The current one is still sent until you activate the new one/);
    await screenshot(page, 'rotation-aspnet-pending');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'rotation-aspnet-pending-phone');
    await page.setViewportSize(DESKTOP);
    await page.goto(`${ui.base}/subscriptions`);
    assert.match((await page.textContent(`#sub-${sub.id}`))!, /new secret pending until activated/);

    await page.goto(`${ui.base}/subscriptions/${sub.id}/edit`);
    await Promise.all([page.waitForURL(`${ui.base}/subscriptions/${sub.id}/edit`), page.click('button:has-text("Activate now")')]);
    assert.match((await page.textContent('.flash-ok'))!, /sent from now on; the previous one no longer/);
    assert.equal(await page.locator('#pending-credential').count(), 0);
    await page.close();
  });

  test('standard: the card says both secrets sign during the grace period', async () => {
    const sub = await createSubscription({ name: 'Analytics', format: 'standard' });
    const page = await ui.signedInPage(`/subscriptions/${sub.id}/edit`);
    assert.match((await page.textContent('#rotation-behaviour'))!.replace(/\s+/g, ' '), /both the new and the previous secret sign until the grace period ends/);
    assert.equal(await page.locator('#credential input[name=activateAt]').count(), 0, 'no activation time: both sign at once');
    await page.close();
  });

  test('lucca: a new Authorization value with an activation time is pending until then', async () => {
    const sub = await createSubscription({ name: 'Leave tool', format: 'lucca', events: ['leave.approved'], authorization: 'Bearer current-one' });
    const page = await ui.signedInPage(`/subscriptions/${sub.id}/edit`);
    acceptDialogs(page);
    assert.match((await page.textContent('#rotation-behaviour'))!.replace(/\s+/g, ' '), /one Authorization value\. A new value is kept pending/);
    await page.fill('#credential input[name=authorization]', 'Bearer next-one');
    await page.fill('#credential input[name=activateAt]', '2030-01-02T03:04');
    await page.click('#credential button:has-text("Rotate Authorization")');
    await page.waitForSelector('#revealed code');
    assert.equal((await page.textContent('#revealed code'))!.trim(), 'Bearer next-one');
    assert.match((await page.textContent('#rotation-outcome'))!, /still sent until 2030-01-02T03:04:00\.000Z, when the new one replaces it/);
    await page.goto(`${ui.base}/subscriptions/${sub.id}/edit`);
    assert.match((await page.textContent('#pending-credential'))!.replace(/\s+/g, ' '), /A new Authorization value is pending\. The current one is still sent until .*when the new one replaces it/);
    await screenshot(page, 'rotation-lucca-pending');
    await page.close();
  });
});
