// The edit form reports every problem in one pass (issue 20 item 21): the count names fields, not messages, and
// the URL's verdict comes with the other errors instead of after they are fixed. Real gateway, Postgres,
// Temporal dev server, worker and chromium.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startUiGateway, type UiGateway } from '../support/uiGateway';

let ui: UiGateway;

describe('edit form errors', () => {
  before(async () => {
    ui = await startUiGateway('ui-edit-errors');
  });
  after(async () => {
    await ui?.close();
  });

  async function create(): Promise<string> {
    const res = await fetch(`${ui.base}/v1/subscriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ui.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Time tracking', format: 'standard', url: `${ui.receiver.url}/hooks`, events: ['employee.created'] }),
    });
    assert.equal(res.status, 201);
    return ((await res.json()) as { id: string }).id;
  }

  test('several messages of one field count once; the URL error comes in the same pass', async () => {
    const id = await create();
    const page = await ui.signedInPage(`/subscriptions/${id}/edit`);
    await page.fill('input[name=name]', '');
    await page.fill('input[name=retrySchedule]', '1m soon later');
    await page.fill('input[name=url]', 'http://10.1.2.3/hooks');
    await page.click('button:has-text("Save changes")');
    await page.waitForSelector('.flash-error');
    const marked = await page.locator('[aria-invalid="true"]').count();
    assert.equal(marked, 3, 'name, retry schedule and URL are marked');
    assert.match((await page.textContent('.flash-error'))!, /Nothing was saved: 3 fields need a fix/);
    assert.ok(await page.isVisible('#err-url'), 'the URL error is shown with the others');
    assert.match((await page.textContent('#err-retrySchedule'))!, /step 2.*step 3/s, 'both bad steps, under one field');
    await page.close();
  });

  test('a malformed header line does not hide the other errors', async () => {
    const id = await create();
    const page = await ui.signedInPage(`/subscriptions/${id}/edit`);
    await page.fill('textarea[name=headers]', 'no colon here');
    await page.fill('input[name=url]', 'ftp://example.com/hooks');
    await page.click('button:has-text("Save changes")');
    await page.waitForSelector('.flash-error');
    assert.match((await page.textContent('.flash-error'))!, /2 fields need a fix/);
    assert.ok(await page.isVisible('#err-headers'));
    assert.ok(await page.isVisible('#err-url'));
    await page.close();
  });
});
