// A subscription the circuit breaker paused shows as ONE line on the to-do list ("unreachable since …,
// N deliveries waiting"), not one line per held delivery; "Resume now" lets them all go. Real gateway,
// Postgres, Temporal dev server, worker, receiver and chromium.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { acceptDialogs, DESKTOP, PHONE, screenshot, startUiGateway, type UiGateway } from '../support/uiGateway';
import { waitFor } from '../support/waitFor';

let ui: UiGateway;

describe('paused subscription on the to-do list', () => {
  before(async () => {
    ui = await startUiGateway('ui-paused');
  });
  after(async () => {
    await ui?.close();
  });

  test('one line with the number of held deliveries; Resume now delivers them', async () => {
    const res = await fetch(`${ui.base}/v1/subscriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ui.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Payroll tool', format: 'standard', url: `${ui.receiver.url}/payroll`, events: ['employee.updated'], retrySchedule: ['1h'], pauseAfterFailures: 2 }),
    });
    assert.equal(res.status, 201);
    const sub = (await res.json()) as { id: string };
    ui.receiverAnswers(503);
    const first = [...await ui.postEvent({ type: 'employee.updated', data: { id: 'p1', name: 'Ada' } }), ...await ui.postEvent({ type: 'employee.updated', data: { id: 'p2', name: 'Alan' } })];
    for (const id of first) await ui.waitForStatus(id, 'retrying');
    const held: string[] = [];
    for (let i = 0; i < 5; i += 1) held.push(...await ui.postEvent({ type: 'employee.updated', data: { id: `h${i}`, name: `Held ${i}` } }));
    for (const id of held) await ui.waitForStatus(id, 'queued');
    assert.equal(ui.receiver.requests.length, 2, 'held deliveries sent nothing');

    const { health: figures } = await (await fetch(`${ui.base}/v1/subscriptions/${sub.id}/health`, { headers: { authorization: `Bearer ${ui.adminKey}` } })).json() as
      { health: { level: string; pausedSince: string | null } };
    assert.equal(figures.level, 'paused', 'the health level says paused');
    assert.ok(figures.pausedSince);
    const page = await ui.signedInPage('/');
    const lines = page.locator('#paused .paused-line');
    assert.equal(await lines.count(), 1, 'one line for the paused subscription');
    assert.equal(await lines.first().getAttribute('data-waiting'), '5');
    assert.match((await lines.first().textContent())!, /Payroll tool\s+unreachable since .*5\s+deliveries waiting/s);
    await screenshot(page, 'todo-paused');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'todo-paused-phone');
    await page.setViewportSize(DESKTOP);

    ui.receiverAnswers(200);
    const dialogs = acceptDialogs(page);
    await Promise.all([page.waitForURL(`${ui.base}/`), lines.first().locator('button').click()]);
    assert.match(dialogs[0]!, /5 waiting deliveries/);
    assert.match((await page.textContent('body'))!, /Resumed/);
    for (const id of held) await ui.waitForStatus(id, 'delivered');
    await waitFor('the paused line is gone', async () => {
      await page.reload();
      return (await page.locator('#paused').count()) === 0;
    });
    const resumed = await fetch(`${ui.base}/v1/subscriptions/${sub.id}/resume`, { method: 'POST', headers: { authorization: `Bearer ${ui.adminKey}` } });
    assert.deepEqual(await resumed.json(), { resumed: false }, 'the API says it is no longer paused');
  });
});
