// Fairness between tenants (issue 22 item 6): an event posted to a tenant starts its workflow with the tenant as
// Temporal fairness key and HrhooksTenant search attribute (read back from the workflow's description); with
// HRHOOKS_FAIRNESS=off the start carries no fairness key. The dev server the tests run has fairness turned on.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createApiKey } from '../../src/infra/db/apiKeys';
import { workflowIdOf } from '../../src/infra/temporal/deliveryClient';
import { tenantKey } from '../../workflows/searchAttributes';
import { api, employeeEvent, eventually, startHarness, type Harness } from '../gateway/harness';

let h: Harness;

before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

/** A tenant with a producer key and one subscription to the test receiver; returns the producer key. */
async function tenantWithSubscription(id: string): Promise<string> {
  await h.db.pool.query('INSERT INTO tenants (id, name) VALUES ($1, $1)', [id]);
  const platform = await createApiKey(h.db.pool, 'platform', `platform-${id}`, null);
  const created = await api(h.app, platform.key).post(`/v1/tenants/${id}/subscriptions`, {
    name: `${id} receiver`, url: `${h.receiver.url}/${id}`, format: 'standard', events: ['employee.created'],
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return (await createApiKey(h.db.pool, 'producer', `producer-${id}`, id)).key;
}

async function describedStart(app: Harness['app'], producerKey: string) {
  const posted = await api(app, producerKey).post('/v1/events', employeeEvent());
  assert.equal(posted.status, 202, JSON.stringify(posted.body));
  const workflowId = workflowIdOf(posted.body.deliveries[0].id)!;
  return eventually(async () => {
    try {
      return await h.temporal.workflow.getHandle(workflowId).describe();
    } catch {
      return undefined;
    }
  }, 15_000, `workflow ${workflowId} started`);
}

test("an event workflow is started with its tenant as fairness key and HrhooksTenant", async () => {
  const producerKey = await tenantWithSubscription('acme-nz');
  const described = await describedStart(h.app, producerKey);
  assert.equal(described.priority?.fairnessKey, 'acme-nz');
  assert.equal(described.typedSearchAttributes.get(tenantKey), 'acme-nz');
});

test('with HRHOOKS_FAIRNESS=off the start carries no fairness key (one FIFO queue), the tenant attribute stays', async () => {
  const producerKey = await tenantWithSubscription('globex');
  const described = await describedStart(h.appWith({ env: { HRHOOKS_FAIRNESS: 'off' } }), producerKey);
  assert.ok(!described.priority?.fairnessKey, `fairness key ${described.priority?.fairnessKey}`);
  assert.equal(described.typedSearchAttributes.get(tenantKey), 'globex');
});
