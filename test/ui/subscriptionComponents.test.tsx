// The subscription pages' components rendered alone (no server): whatever an operator or a stored row holds is text,
// never markup; a broken row keeps its actions and says why; the health table's sort links and the edit form's
// field errors land where the browser tests look for them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderFragment } from '../../src/interfaces/web/components/render';
import { SubscriptionEditPage, StopPage } from '../../src/interfaces/web/subscriptions/SubscriptionEditPage';
import { SubscriptionsPage } from '../../src/interfaces/web/subscriptions/SubscriptionsPage';
import { storedValues } from '../../src/interfaces/web/subscriptions/formValues';
import type { PublicSubscription } from '../../src/domain/subscriptions/publicSubscription';
import type { SubscriptionHealth } from '../../src/app/readModels/subscriptionHealth';

const HOSTILE = '<img src=x onerror=alert(1)>"\'&';

const subscription: PublicSubscription = {
  id: 'sub_1', name: HOSTILE, url: `https://receiver.example/hooks?q=${HOSTILE}`, format: 'aspnet', events: ['leave.created'], mode: null,
  retrySchedule: ['1m'], headers: {}, properties: {}, enabled: true, state: 'enabled', pause: null, ordering: 'resource', collapse: false,
  maxPerSecond: 10, maxInFlight: 5, pauseAfterFailures: 20, disabledReason: null, hasAuthorization: false, secretCount: 1,
  secretExpiresAt: null, pendingCredential: null, createdAt: '2026-12-01T00:00:00.000Z', updatedAt: null, error: null,
};

const health: SubscriptionHealth = {
  subscriptionId: 'sub_1', name: HOSTILE, enabled: true, attempts24h: 4, successes24h: 3, successRate24h: 0.75, attempts7d: 4,
  successes7d: 3, successRate7d: 0.75, p95LatencyMs24h: 120, lastSuccessAt: '2026-12-05T06:00:00.000Z', consecutiveFailures: 1,
  failingSince: '2026-12-05T06:30:00.000Z', openDeliveries: 1, failedDeliveries: 1,
  sparkline: [{ start: '2026-12-05T00:00:00.000Z', successes: 3, failures: 1 }], pausedSince: null, level: 'degraded',
};

test('producer and operator text is escaped everywhere on the subscriptions page', () => {
  const page = renderFragment(<SubscriptionsPage subscriptions={[subscription]} health={[health]} sort={{ key: 'health', dir: 'asc' }} csrf="tok" />);
  assert.doesNotMatch(page, /<img/);
  assert.ok(page.includes('<strong>&lt;img src=x onerror=alert(1)>&quot;\'&amp;</strong>'), 'the name, as text');
  assert.match(page, /<tbody id="sub-sub_1">/);
  assert.match(page, /href="\/subscriptions\?sort=streak&amp;dir=desc#health"/, 'a first click on a column sorts worst first');
});

test('a broken row says why across the table and keeps every action but the test message', () => {
  const broken = { ...subscription, secretCount: null, error: 'secrets: sealed with another key' };
  const page = renderFragment(<SubscriptionsPage subscriptions={[broken]} health={[]} sort={{ key: 'health', dir: 'asc' }} csrf="tok" />);
  assert.match(page, /<tbody id="sub-sub_1" class="broken">/);
  assert.match(page, /<td colspan="7" data-label="Problem"><strong>Cannot be used as it is:<\/strong> secrets: sealed with another key<\/td>/);
  assert.doesNotMatch(page, /\/test"/);
  for (const action of ['/edit"', '/disable"', '/rotate-secret"', '/delete"']) assert.ok(page.includes(`/subscriptions/sub_1${action}`), action);
});

test('the edit form puts each error next to its field and counts the fields to fix; the stop page counts what it cancels', () => {
  const errors = [{ field: 'url', message: 'private address' }, { field: 'retrySchedule.1', message: 'not a duration' }];
  const open = { total: 2, byStatus: { failed: 2 } };
  const edit = renderFragment(<SubscriptionEditPage s={subscription} open={open} values={storedValues(subscription)} errors={errors} csrf="tok" />);
  assert.match(edit, /Nothing was saved: 2 fields need a fix/);
  assert.match(edit, /<input name="url" type="url" maxlength="2000" value="[^"]*" aria-invalid="true" aria-describedby="err-url"\/?>/);
  assert.match(edit, /<span class="field-error" id="err-retrySchedule" role="alert"><span>step 2: not a duration<\/span><\/span>/);
  const stop = renderFragment(<StopPage s={subscription} open={open} kind="delete" csrf="tok" />);
  assert.match(stop, /Its 2 open deliveries \(2 failed\) will be cancelled/);
  assert.match(stop, />Delete and cancel 2<\/button>/);
});
