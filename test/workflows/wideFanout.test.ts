// An event matching 1,000 subscriptions is started and delivered everywhere: the start's search
// attributes stay within the engine's 2 KiB per value (HrhooksSubscription says `many` instead of a list
// the engine would refuse), and the operator still finds the event through the API and a list query.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { api, employeeEvent, startHarness, type Harness } from '../gateway/harness';
import { insertSubscription } from '../support/fixtures';
import { waitFor } from '../support/waitFor';
import { workflowIdOf } from '../../src/infra/temporal/deliveryClient';
import {
  eventTypeKey,
  MANY_SUBSCRIPTIONS,
  SUBSCRIPTION_ATTRIBUTE_BUDGET,
  subscriptionAttribute,
  subscriptionKey,
} from '../../workflows/searchAttributes';

const WIDE = 1_000;
let h: Harness;

before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

describe('subscriptionAttribute (pure)', () => {
  it('lists every id while the list fits the budget, else `many` alone; never past the budget', () => {
    const id = fc.stringMatching(/^sub_[A-Za-z0-9_-]{16}$/);
    fc.assert(
      fc.property(fc.array(id, { maxLength: 200 }), (ids) => {
        const value = subscriptionAttribute(ids);
        const fits = Buffer.byteLength(JSON.stringify([...new Set(ids)].sort())) <= SUBSCRIPTION_ATTRIBUTE_BUDGET;
        assert.deepEqual(value, fits ? [...new Set(ids)].sort() : [MANY_SUBSCRIPTIONS]);
        assert.ok(Buffer.byteLength(JSON.stringify(value)) <= SUBSCRIPTION_ATTRIBUTE_BUDGET);
      }),
    );
    // Ids as the API makes them (sub_ + 16 characters): 90 was the old breaking point at the engine's 2 KiB.
    const ninety = Array.from({ length: 90 }, (_, i) => `sub_${String(i).padStart(16, '0')}`);
    assert.deepEqual(subscriptionAttribute(ninety), [MANY_SUBSCRIPTIONS], '90 ids are past the budget');
    assert.equal(subscriptionAttribute(ninety.slice(0, 75)).length, 75, '75 ids fit');
  });
});

describe('an event matching 1,000 subscriptions', () => {
  it('is started, delivered to every one, and found by the operator', { timeout: 300_000 }, async () => {
    h.receiver.respondWith({ status: 200 });
    const subs = [];
    for (let i = 0; i < WIDE; i += 1) subs.push(await insertSubscription(h.db.pool, { format: 'standard', url: `${h.receiver.url}/wide-${i}` }));

    const event = employeeEvent('employee.updated');
    const res = await api(h.app, h.producerKey).post('/v1/events', event);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.equal(res.body.deliveries.length, WIDE);

    await waitFor('every delivery delivered in Postgres', async () => {
      const { rows } = await h.db.pool.query(`SELECT count(*) FILTER (WHERE status = 'delivered')::int AS n FROM deliveries WHERE event_id = $1`, [event.id]);
      return rows[0].n === WIDE;
    }, 240_000, 500);
    assert.equal(new Set(h.receiver.requests.map((r) => r.path)).size, WIDE, 'each receiver got it');

    const workflowId = workflowIdOf(res.body.deliveries[0].id)!;
    const described = await h.temporal.workflow.getHandle(workflowId).describe();
    assert.deepEqual(described.typedSearchAttributes.get(subscriptionKey), [MANY_SUBSCRIPTIONS]);
    assert.equal(described.typedSearchAttributes.get(eventTypeKey), 'employee.updated');
    const found = await waitFor('the list query finds the wide event by `many`', async () => {
      const ids: string[] = [];
      for await (const wf of h.temporal.workflow.list({ query: `HrhooksSubscription = "${MANY_SUBSCRIPTIONS}" AND HrhooksEventType = "employee.updated"` })) ids.push(wf.workflowId);
      return ids.includes(workflowId) ? ids : undefined;
    });
    assert.ok(found.includes(workflowId));

    // The exact answer for one subscription comes from Postgres, whatever the fan-out.
    const one = subs[WIDE - 1]!;
    const listed = await api(h.app, h.adminKey).get(`/v1/deliveries?subscriptionId=${one.id}`);
    assert.equal(listed.status, 200, JSON.stringify(listed.body));
    assert.deepEqual(listed.body.items.map((d: { eventId: string }) => d.eventId), [event.id]);
  });
});
