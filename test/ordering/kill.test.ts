// Order and the breaker survive a worker SIGKILL (issue 15): the worker process dies while one resource's
// chain waits behind a retrying head, another's head hangs mid-request, and a paused subscription holds
// deliveries back. A new worker process finishes everything: nothing lost, every chain in event order.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { api, eventually, startHarness, type Harness } from '../gateway/harness';
import { spawnWorker, type WorkerChild } from '../support/processes';

let h: Harness;
const children: WorkerChild[] = [];

before(async () => {
  h = await startHarness();
  await h.worker.stop(); // worker processes take over the harness's task queue
});
after(async () => {
  for (const c of children) await c.kill('SIGKILL');
  await h.close();
});

let n = 0;
const at = (s: number) => new Date(Date.UTC(2026, 10, 2, 8, 0, s)).toISOString();
const event = (type: string, id: string, s: number) => {
  n += 1;
  return { id: `kill-${process.pid}-${n}`, type, occurredAt: at(s), data: { id, name: `${type} ${id}` } };
};

test('SIGKILL of the worker with chains queued, a request in flight and a subscription paused: order kept, nothing lost', { timeout: 240_000 }, async () => {
  const admin = api(h.app, h.adminKey);
  const producer = api(h.app, h.producerKey);
  const spawnOne = () => {
    const w = spawnWorker({ databaseUrl: h.db.url, temporalAddress: h.address, taskQueue: h.taskQueue, env: { HRHOOKS_ATTEMPT_TIMEOUT: '90s', HRHOOKS_PROBE_SCHEDULE: '2s' } });
    children.push(w);
    return w;
  };
  let down = true;
  let hungOnce = false;
  h.receiver.respondWith((req) => {
    const body = JSON.parse(req.body.toString('utf8')) as { type: string; data: { id: string } };
    if (req.path === '/ordered' && body.data.id === 'Y' && !hungOnce) {
      hungOnce = true;
      return { hang: true };
    }
    if (req.path === '/ordered' && body.data.id === 'X' && down) return { status: 503 };
    if (req.path === '/paused' && down) return { status: 503 };
    return { status: 200 };
  });
  const make = async (path: string, extra: object) => {
    const res = await admin.post('/v1/subscriptions', { name: path, url: `${h.receiver.url}${path}`, format: 'standard', events: '*', retrySchedule: Array(20).fill('2s'), ...extra });
    assert.equal(res.status, 201, JSON.stringify(res.body));
  };
  await make('/ordered', { ordering: 'resource', events: ['employee.created', 'employee.updated', 'employee.terminated'] });
  await make('/paused', { ordering: 'none', pauseAfterFailures: 2, events: ['payrun.finalised'] });
  const post = async (e: object) => {
    const res = await producer.post('/v1/events', e);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    return (res.body.deliveries as { id: string }[]).map((d) => d.id);
  };

  const first = spawnOne();
  await first.ready;
  const ids: string[] = [];
  ids.push(...await post(event('employee.created', 'X', 0)));
  ids.push(...await post(event('employee.created', 'Y', 1)));
  ids.push(...await post(event('employee.updated', 'X', 2)), ...await post(event('employee.terminated', 'X', 3)));
  ids.push(...await post(event('employee.updated', 'Y', 4)));
  ids.push(...await post(event('payrun.finalised', 'P1', 5)), ...await post(event('payrun.finalised', 'P2', 6)));
  const statusOf = async () => Object.fromEntries((await h.db.pool.query('SELECT id, status FROM deliveries WHERE id = ANY($1)', [ids])).rows.map((r) => [r.id, r.status]));
  await eventually(async () => ((await h.db.pool.query(
    `SELECT 1 FROM flow_control f JOIN subscriptions s ON s.id = f.subscription_id WHERE s.url LIKE '%/paused' AND f.paused_at IS NOT NULL`)).rowCount ? true : undefined), 30_000, 'paused');
  ids.push(...await post(event('payrun.finalised', 'P3', 7)), ...await post(event('payrun.finalised', 'P4', 8)));
  await eventually(async () => {
    const queued = Object.values(await statusOf()).filter((s) => s === 'queued').length;
    return queued >= 4 && h.receiver.requests.some((r) => r.closedEarlyAt === null && r.path === '/ordered') ? true : undefined;
  }, 30_000, 'chains and paused deliveries queued, Y in flight');

  const killed = await first.kill('SIGKILL');
  assert.equal(killed.signal, 'SIGKILL');
  down = false;
  h.receiver.releaseHung();
  const second = spawnOne();
  await second.ready;

  await eventually(async () => (Object.values(await statusOf()).every((s) => s === 'delivered') ? true : undefined), 180_000, 'every delivery delivered');
  // In order: every request of a step (the last one is its success) comes before any request of the next.
  const typesSent = (id: string) => h.receiver.requests
    .filter((r) => r.path === '/ordered')
    .map((r) => JSON.parse(r.body.toString('utf8')) as { type: string; data: { id: string } })
    .filter((b) => b.data.id === id)
    .map((b) => b.type);
  const inOrder = (sent: string[], steps: string[]) => steps.slice(1).every((step, i) => sent.lastIndexOf(steps[i]!) < sent.indexOf(step));
  const x = typesSent('X');
  const y = typesSent('Y');
  assert.ok(inOrder(x, ['employee.created', 'employee.updated', 'employee.terminated']), `X arrived as ${x.join(', ')}`);
  assert.ok(inOrder(y, ['employee.created', 'employee.updated']), `Y arrived as ${y.join(', ')}`);
  assert.ok(y.filter((t) => t === 'employee.created').length >= 2, 'the request cut off by the kill was sent again');
  assert.equal(ids.length, 9);
  await second.kill('SIGTERM');
});
