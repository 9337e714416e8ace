// Events per tenant (issue 22 item 3): a tenant's producer key posts to /v1/events exactly as before; a platform
// key posts to /v1/tenants/:id/events; idempotency is per tenant, so two tenants may both send `evt-1` and they
// are two events, two workflows, each delivered with its own body to its own subscriptions only.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createApiKey } from '../../src/infra/db/apiKeys';
import { eventWorkflowIdFor } from '../../src/domain/formats/identity';
import { tenantKey } from '../../src/infra/temporal/searchAttributes';
import { api, employeeEvent, startHarness, type Harness } from '../gateway/harness';
import { startReceiver, type Receiver } from '../support/receiver';

let h: Harness;
let receiverB: Receiver;
const keys: Record<string, string> = {};

before(async () => {
  h = await startHarness();
  receiverB = await startReceiver();
  await h.db.pool.query(`INSERT INTO tenants (id, name) VALUES ('acme-nz', 'Acme NZ'), ('globex', 'Globex')`);
  keys.platform = (await createApiKey(h.db.pool, 'platform', 'platform', null)).key;
  for (const tenant of ['acme-nz', 'globex']) {
    keys[`${tenant}:admin`] = (await createApiKey(h.db.pool, 'admin', `${tenant} admin`, tenant)).key;
    keys[`${tenant}:producer`] = (await createApiKey(h.db.pool, 'producer', `${tenant} producer`, tenant)).key;
  }
});

after(async () => {
  await receiverB.close();
  await h.close();
});

async function subscribe(key: string, url: string): Promise<string> {
  const res = await api(h.app, key).post('/v1/subscriptions', { name: 'hr tool', url, format: 'standard', events: ['employee.created'] });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id as string;
}

describe('events of two tenants', () => {
  test('the same event id in two tenants: two events, two workflows, each body to its own tenant only', async () => {
    const subA = await subscribe(keys['acme-nz:admin']!, `${h.receiver.url}/acme`);
    const subB = await subscribe(keys['globex:admin']!, `${receiverB.url}/globex`);
    const shared = `evt-shared-${Date.now()}`;
    const eventA = { ...employeeEvent('employee.created', shared), data: { id: 1, firstName: 'Aroha', lastName: 'Acme' } };
    const eventB = { ...employeeEvent('employee.created', shared), data: { id: 2, firstName: 'Gina', lastName: 'Globex' } };

    const postedA = await api(h.app, keys['acme-nz:producer']!).post('/v1/events', eventA);
    assert.equal(postedA.status, 202, JSON.stringify(postedA.body));
    const postedB = await api(h.app, keys.platform!).post('/v1/tenants/globex/events', eventB);
    assert.equal(postedB.status, 202, JSON.stringify(postedB.body));
    assert.equal(postedB.headers['idempotent-replayed'], 'false', "globex's evt is not a replay of acme's");
    assert.deepEqual(postedA.body.deliveries.map((d: { subscriptionId: string }) => d.subscriptionId), [subA]);
    assert.deepEqual(postedB.body.deliveries.map((d: { subscriptionId: string }) => d.subscriptionId), [subB]);

    const [gotA] = await h.receiver.waitForRequests(1);
    const [gotB] = await receiverB.waitForRequests(1);
    assert.match(gotA!.body.toString(), /Aroha/);
    assert.doesNotMatch(gotA!.body.toString(), /Gina/);
    assert.match(gotB!.body.toString(), /Gina/);
    assert.doesNotMatch(gotB!.body.toString(), /Aroha/);

    const workflowA = eventWorkflowIdFor(shared, 'acme-nz');
    const workflowB = eventWorkflowIdFor(shared, 'globex');
    assert.notEqual(workflowA, workflowB);
    for (const [workflowId, tenant] of [[workflowA, 'acme-nz'], [workflowB, 'globex']] as const) {
      const described = await h.temporal.workflow.getHandle(workflowId).describe();
      assert.equal(described.typedSearchAttributes.get(tenantKey), tenant, `HrhooksTenant of ${workflowId}`);
    }
    // the same body again to the same tenant is a replay; its deliveries are that tenant's
    const again = await api(h.app, keys['acme-nz:producer']!).post('/v1/events', eventA);
    assert.equal(again.status, 202, JSON.stringify(again.body));
    assert.equal(again.headers['idempotent-replayed'], 'true');
  });

  test("a tenant's producer key cannot post to another tenant; a platform key naming an unknown tenant gets 404", async () => {
    const event = employeeEvent();
    const cross = await api(h.app, keys['acme-nz:producer']!).post('/v1/tenants/globex/events', event);
    assert.equal(cross.status, 404);
    const unknown = await api(h.app, keys.platform!).post('/v1/tenants/nobody/events', event);
    assert.equal(unknown.status, 404);
    const { rows } = await h.db.pool.query('SELECT tenant_id FROM events WHERE id = $1', [event.id]);
    assert.deepEqual(rows, [], 'nothing stored for either');
  });

  test('a platform key on routes that name no tenant acts in default; a tenant key sees its own subscriptions only', async () => {
    const subDefault = await subscribe(keys.platform!, `${h.receiver.url}/default`);
    const listedA = await api(h.app, keys['acme-nz:admin']!).get('/v1/subscriptions');
    assert.equal(listedA.status, 200);
    assert.ok(!listedA.body.items.some((s: { id: string }) => s.id === subDefault), "acme does not see default's subscription");
    const listedDefault = await api(h.app, keys.platform!).get('/v1/subscriptions');
    assert.ok(listedDefault.body.items.some((s: { id: string }) => s.id === subDefault));
    assert.ok(listedDefault.body.items.every((s: { tenantId?: string }) => s.tenantId === undefined || s.tenantId === 'default'));
    const viaPath = await api(h.app, keys.platform!).get('/v1/tenants/acme-nz/subscriptions');
    assert.ok(!viaPath.body.items.some((s: { id: string }) => s.id === subDefault));
    assert.equal((await api(h.app, keys['acme-nz:admin']!).get(`/v1/subscriptions/${subDefault}`)).status, 404);
  });
});
