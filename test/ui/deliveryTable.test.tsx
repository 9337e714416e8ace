// The deliveries table as a component (src/interfaces/web/deliveryTable.tsx): producer text (a name, an event id,
// a receiver's error) is only ever text, open rows get the selection and row buttons, closed rows neither. Pure.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DeliverySummary } from '../../src/app/deliveries/deliveriesList';
import { renderFragment } from '../../src/interfaces/web/components/render';
import { DeliveryTable, subjectOf } from '../../src/interfaces/web/deliveryTable';

const hostile = '<script>alert(1)</script>';

function delivery(over: Partial<DeliverySummary>): DeliverySummary {
  return {
    id: 'dlv_a', tenantId: 'default', eventId: `evt-${hostile}`, subscriptionId: 'sub_1', subscriptionName: `Payroll ${hostile}`, eventType: 'employee.created',
    format: 'standard', status: 'failed', attempts: 2, lastStatusCode: null, lastError: `other: ${hostile}`, nextAttemptAt: null,
    subject: { id: 'E-1', name: hostile, number: null, resourceKey: 'employee:E-1' }, workflowStarted: true, waitingFor: null,
    supersededBy: null, actions: [], createdAt: '2026-12-05T07:00:00.000Z', updatedAt: '2026-12-05T07:01:00.000Z', ...over,
  };
}

test('producer text in a row is text, never markup', () => {
  const out = renderFragment(<DeliveryTable items={[delivery({})]} columns={['lastError', 'failedAt']} />);
  assert.doesNotMatch(out, /<script>/);
  assert.match(out, /&lt;script>alert\(1\)&lt;\/script>/);
  assert.match(out, /<time datetime="2026-12-05T07:01:00.000Z">2026-12-05 07:01:00 UTC<\/time>/);
});

test('open rows can be selected and acted on; closed rows are shown, not offered', () => {
  const out = renderFragment(<DeliveryTable items={[delivery({}), delivery({ id: 'dlv_b', status: 'delivered' })]} columns={['status']} bulkForm="bulk-x" />);
  assert.match(out, /<button type="submit" class="btn btn-small" form="bulk-x" name="row" value="resync:dlv_a">Re-sync<\/button>/);
  assert.doesNotMatch(out, /value="resync:dlv_b"/);
  assert.match(out, /<input type="checkbox" name="id" value="dlv_b" form="bulk-x" aria-label="[^"]*" disabled title="already delivered"/);
  const readOnly = renderFragment(<DeliveryTable items={[delivery({ status: 'processed' })]} columns={['status']} bulkForm="bulk-x" />);
  assert.doesNotMatch(readOnly, /type="checkbox"|<button/, 'no open row: a read-only table');
});

test('a pay run is named once, with its id beside a name', () => {
  const payrun = (name: string | null) => subjectOf({ eventType: 'payrun.finalised', subject: { id: null, name, number: null, resourceKey: 'payrun:7732' } });
  assert.deepEqual(payrun(null), { label: 'Pay run 7732', detail: null });
  assert.deepEqual(payrun('November 2026'), { label: 'Pay run November 2026', detail: 'pay run 7732' });
});
