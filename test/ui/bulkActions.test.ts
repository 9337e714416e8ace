// Browser tests of bulk actions (bulkActions.tsx) on the to-do list and the search results: re-sync selected,
// mark selected processed with one note, per-row buttons, a confirm that says how many, per-row outcomes with
// refusals, CSRF. Real gateway, Postgres, Temporal dev server, worker, receiver and chromium.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { sampleAbsence } from '../support/fixtures';
import { acceptDialogs, DESKTOP, horizontalOverflow, PHONE, screenshot, startUiGateway, type UiGateway } from '../support/uiGateway';

let ui: UiGateway;
let absenceCounter = 0;

async function failedAbsence(ownerName: string): Promise<string> {
  absenceCounter += 1;
  ui.receiverAnswers(500);
  const [id] = await ui.postEvent({
    type: 'leave.approved',
    data: sampleAbsence({ id: 91000 + absenceCounter, owner: { id: 500 + absenceCounter, name: ownerName, email: 'owner@example.com', employeeNumber: `E${absenceCounter}` } }),
  });
  await ui.waitForStatus(id!, 'failed');
  return id!;
}

const rowOf = (page: Page, id: string) => page.locator(`tr[data-delivery="${id}"]`);

async function operatorActions(page: Page, id: string): Promise<string> {
  await page.goto(`${ui.base}/deliveries/${encodeURIComponent(id)}`);
  return (await page.textContent('#operator-actions')) ?? '';
}

describe('bulk actions in the web interface', () => {
  before(async () => {
    ui = await startUiGateway('ui-bulk');
    const res = await fetch(`${ui.base}/v1/subscriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ui.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Leave sync', format: 'standard', url: `${ui.receiver.url}/hooks`, events: ['leave.approved'], retrySchedule: ['1s'], pauseAfterFailures: 1000 }),
    });
    assert.equal(res.status, 201);
  });
  after(async () => {
    await ui?.close();
  });

  test('re-sync 3 selected failed deliveries from the to-do list: all 3 delivered once the receiver is fixed; the others untouched', async () => {
    const selected = [await failedAbsence('Ada Lovelace'), await failedAbsence('Alan Turing'), await failedAbsence('Edsger Dijkstra')];
    const other = await failedAbsence('Barbara Liskov');
    const page = await ui.signedInPage('/');
    for (const id of selected) await rowOf(page, id).locator('input[name=id]').check();
    assert.equal((await page.textContent('[data-selected-count]'))!.trim(), '3');
    await screenshot(page, 'todo-selection');
    assert.equal(await horizontalOverflow(page), null, 'the to-do list fits 1366 px');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'todo-selection-phone');
    assert.equal(await page.evaluate('getComputedStyle(document.querySelector("table.deliveries tbody tr")).display'), 'block', 'rows are cards on a phone');
    assert.equal(await page.evaluate('getComputedStyle(document.querySelector("table.deliveries thead")).display'), 'none');
    assert.deepEqual(await page.evaluate(`[...document.querySelector("table.deliveries tbody tr").children]
      .filter((td) => parseFloat(getComputedStyle(td).paddingLeft) < 80).map((td) => td.dataset.label)`), [], 'every card cell leaves room for its label');
    assert.equal(await horizontalOverflow(page), null, 'nothing scrolls sideways on a phone');
    await page.setViewportSize(DESKTOP);

    ui.receiverAnswers(200);
    const dialogs = acceptDialogs(page);
    await Promise.all([page.waitForURL(`${ui.base}/deliveries/bulk`), page.click('button:has-text("Re-sync selected")')]);
    assert.deepEqual(dialogs, ['Re-sync the 3 selected deliveries now?']);
    assert.match((await page.textContent('.flash'))!, /Re-sync requested for 3 of 3 selected deliveries\./);
    for (const id of selected) assert.match((await rowOf(page, id).textContent())!, /re-sync requested/);
    await screenshot(page, 'bulk-outcome');
    for (const id of selected) await ui.waitForStatus(id, 'delivered');
    assert.equal(await ui.statusOf(other), 'failed', 'a delivery not selected is left alone');
    assert.match(await operatorActions(page, selected[0]!), /Re-sync.*Alice \(payroll admin\).*bulk re-sync from the web interface/s);

    await page.goto(`${ui.base}/`);
    for (const id of selected) assert.equal(await rowOf(page, id).count(), 0, 'delivered ones leave the to-do list');
    assert.equal(await rowOf(page, other).count(), 1);
    await page.close();
  });

  test('mark selected processed from the search results closes them with the one note; a row button does one', async () => {
    const [first, second, third] = [await failedAbsence('Grace Hopper'), await failedAbsence('Grace Hopper'), await failedAbsence('Katherine Johnson')];
    const page = await ui.signedInPage('/deliveries?status=failed&q=Grace+Hopper');
    assert.equal(await page.locator('table.deliveries tbody tr').count(), 2, 'search by name finds both');
    await page.check('table.deliveries thead input[data-select-all]');
    assert.equal((await page.textContent('[data-selected-count]'))!.trim(), '2');
    await page.fill('form[data-bulk] input[name=note]', 'Entered by hand in the payroll tool');
    const dialogs = acceptDialogs(page, 'Paid by cheque');
    await Promise.all([page.waitForURL(`${ui.base}/deliveries/bulk`), page.click('button:has-text("Mark selected processed")')]);
    assert.deepEqual(dialogs, ['Mark the 2 selected deliveries as processed? They will not be sent again.']);
    assert.match((await page.textContent('.flash'))!, /Marked processed: 2 of 2 selected deliveries\./);
    for (const id of [first!, second!]) {
      await ui.waitForStatus(id, 'processed');
      const actions = await operatorActions(page, id);
      assert.match(actions, /Marked as processed.*Alice \(payroll admin\).*Entered by hand in the payroll tool/s);
    }

    await page.goto(`${ui.base}/`);
    dialogs.length = 0;
    await Promise.all([page.waitForURL(`${ui.base}/deliveries/bulk`), rowOf(page, third!).locator('button:has-text("Mark processed")').click()]);
    assert.deepEqual(dialogs, ['Note for this delivery (why it no longer needs sending):', 'Mark this delivery as processed? It will not be sent again.']);
    await ui.waitForStatus(third!, 'processed');
    assert.match(await operatorActions(page, third!), /Paid by cheque/);
    await page.close();
  });

  test('per-row outcomes: a closed or unknown delivery is refused while the others go through; no note, no selection or no CSRF: nothing done', async () => {
    const open = await failedAbsence('Hedy Lamarr');
    const closed = (await ui.db.pool.query(`SELECT id FROM deliveries WHERE status = 'delivered' LIMIT 1`)).rows[0].id as string;
    const { cookie, csrf } = await ui.session();
    const post = (fields: [string, string][], headers: Record<string, string> = { cookie, origin: ui.base }) =>
      fetch(`${ui.base}/deliveries/bulk`, { method: 'POST', redirect: 'manual', headers, body: new URLSearchParams(fields) });

    for (const [fields, headers, status] of [
      [[['action', 'resync'], ['id', open]], { cookie }, 403],
      [[['action', 'resync'], ['id', open], ['_csrf', 'forged']], { cookie }, 403],
      [[['action', 'resync'], ['id', open], ['_csrf', csrf]], {}, 401],
      [[['action', 'markProcessed'], ['id', open], ['_csrf', csrf]], { cookie }, 400],
      [[['action', 'resync'], ['_csrf', csrf]], { cookie }, 400],
    ] as const) {
      const res = await post(fields as unknown as [string, string][], headers);
      assert.equal(res.status, status, JSON.stringify(fields));
    }
    assert.equal(await ui.statusOf(open), 'failed', 'nothing was done');
    assert.equal((await ui.db.pool.query('SELECT actions FROM deliveries WHERE id = $1', [open])).rows[0].actions.length, 0);

    ui.receiverAnswers(200);
    const res = await post([['_csrf', csrf], ['action', 'resync'], ['id', open], ['id', closed], ['id', 'dlv_sub_nope_nothing']]);
    assert.equal(res.status, 200);
    const body = await res.text();
    assert.match(body, /Re-sync requested for 1 of 3 selected deliveries \(2 refused: see below\)/);
    const row = (id: string) => new RegExp(`data-delivery="${id}"[^]*?class="outcome">([^<]+)<`).exec(body)?.[1];
    assert.equal(row(open), 're-sync requested');
    assert.equal(row(closed), 'refused: already delivered');
    assert.equal(row('dlv_sub_nope_nothing'), 'refused: there is no such delivery');
    await ui.waitForStatus(open, 'delivered');
  });

  test('no page had a script error', () => {
    assert.deepEqual(ui.pageErrors, []);
  });
});
