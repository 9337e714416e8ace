// The subscriptions table fits its container on common desktop widths and on a phone, and no action label is cut
// (issue 20 item 19: at 1280, 1366 and 1920 px the actions read "Sen…", "Disa…", "Dele…"). Measured in chromium.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { screenshot, startUiGateway, type UiGateway } from '../support/uiGateway';

let ui: UiGateway;

async function create(body: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${ui.base}/v1/subscriptions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ui.adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 201, await res.clone().text());
}

interface Fit {
  wrap: number;
  table: number;
  page: number;
  viewport: number;
  cut: string[];
}

/** The table's and the page's widths against their containers, and every action whose label is cut or outside the wrapper. */
function measure(page: Page): Promise<Fit> {
  return page.evaluate(`(() => {
    const wrap = document.querySelector('#subscriptions').closest('.table-wrap');
    const box = wrap.getBoundingClientRect();
    const cut = [...document.querySelectorAll('#subscriptions .actions .btn')].filter((b) => {
      const r = b.getBoundingClientRect();
      return b.scrollWidth > b.clientWidth + 1 || r.right > box.right + 0.5 || r.left < box.left - 0.5;
    }).map((b) => b.textContent.trim() + ' (' + Math.round(b.getBoundingClientRect().width) + ' px)');
    return { wrap: wrap.clientWidth, table: wrap.scrollWidth, page: document.documentElement.scrollWidth,
      viewport: document.documentElement.clientWidth, cut };
  })()`) as Promise<Fit>;
}

describe('subscriptions table width', () => {
  before(async () => {
    ui = await startUiGateway('ui-subs-table');
    const url = `${ui.receiver.url}/webhooks/payroll-export/v2/acme-industries-sas/receive?tenant=acme-industries-production`;
    await create({ name: 'Payroll export (Acme Industries SAS, production)', format: 'aspnet', url, events: '*', retrySchedule: ['1m', '5m', '30m', '2h', '12h'] });
    await create({ name: 'Leave synchronisation', format: 'lucca', url, mode: 'approved', authorization: 'Bearer x-very-long-token',
      events: ['leave.created', 'leave.updated', 'leave.approved', 'leave.declined', 'leave.cancelled', 'leave.deleted'] });
    await create({ name: 'Analytics', format: 'standard', url, events: ['employee.created', 'employee.updated', 'employee.terminated', 'payrun.finalised'] });
  });
  after(async () => {
    await ui?.close();
  });

  for (const width of [1280, 1366, 1920, 390]) {
    test(`at ${width} px the table fits and every action label is whole`, async () => {
      const page = await ui.signedInPage('/subscriptions', { width, height: 900 });
      const fit = await measure(page);
      await screenshot(page, `subscriptions-table-${width}`);
      assert.ok(fit.table <= fit.wrap + 1, `table ${fit.table} px in a ${fit.wrap} px container`);
      assert.ok(fit.page <= fit.viewport, `page ${fit.page} px for a ${fit.viewport} px viewport`);
      assert.deepEqual(fit.cut, [], 'actions cut or outside the table');
      for (const label of ['Send test', 'Edit', 'Disable…', 'Rotate secret', 'Delete…']) {
        const buttons = page.locator(`#subscriptions .actions :is(a, button):text-is("${label}")`);
        assert.ok((await buttons.count()) >= 1, `${label} shown`);
      }
      await page.close();
    });
  }
});
