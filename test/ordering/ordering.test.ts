// Per-resource ordering and collapse (issue 15), end to end: the gateway's API, the real dev server, a
// worker, Postgres and a recording receiver. The receiver's log is the evidence: what it saw, in order.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { api, eventually, startHarness, type Harness } from '../gateway/harness';
import { specAbsence } from '../../dev-support/absence';

let h: Harness;
let admin: ReturnType<typeof api>;
let producer: ReturnType<typeof api>;

before(async () => {
  h = await startHarness();
  admin = api(h.app, h.adminKey);
  producer = api(h.app, h.producerKey);
});
after(async () => h.close());

let n = 0;
const stamp = (offsetSeconds: number) => new Date(Date.UTC(2026, 10, 1, 9, 0, offsetSeconds)).toISOString();

function leave(type: string, absenceId: string, offsetSeconds: number) {
  n += 1;
  return { id: `ord-${process.pid}-${n}`, type, occurredAt: stamp(offsetSeconds), data: { ...specAbsence(), id: absenceId } };
}

function employee(type: string, employeeId: string, offsetSeconds: number, name: string) {
  n += 1;
  return { id: `ord-${process.pid}-${n}`, type, occurredAt: stamp(offsetSeconds), data: { id: employeeId, name } };
}

/** What the receiver saw at `path`, as "type id" lines in arrival order. */
function seen(path: string): string[] {
  return h.receiver.requests
    .filter((r) => r.path === path)
    .map((r) => JSON.parse(r.body.toString('utf8')) as { type: string; data: { id: string; name?: string } })
    .map((b) => `${b.type} ${b.data.id}${b.data.name ? ` ${b.data.name}` : ''}`);
}

async function subscribe(path: string, extra: Record<string, unknown> = {}) {
  if (current) assert.equal((await admin.delete(`/v1/subscriptions/${current}`)).status, 204);
  const res = await admin.post('/v1/subscriptions', {
    name: `ordered ${path}`, url: `${h.receiver.url}${path}`, format: 'standard', events: '*', ordering: 'resource', retrySchedule: ['1s', '1s', '1s'], ...extra,
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  current = res.body.id as string;
  return current;
}

/** The subscription the current test made; earlier tests' subscriptions are deleted. */
let current = '';

/** Posts the event; answers its delivery to the current test's subscription. */
async function post(event: object): Promise<string> {
  const res = await producer.post('/v1/events', event);
  assert.equal(res.status, 202, JSON.stringify(res.body));
  const mine = (res.body.deliveries as { id: string; subscriptionId: string }[]).find((d) => d.subscriptionId === current);
  assert.ok(mine, `no delivery to ${current}: ${JSON.stringify(res.body)}`);
  return mine.id;
}

const delivery = async (id: string) => (await admin.get(`/v1/deliveries/${id}`)).body;

async function statusIs(id: string, status: string, timeoutMs = 45_000) {
  return eventually(async () => {
    const d = await delivery(id);
    return d.status === status ? d : undefined;
  }, timeoutMs, `${id} ${status}`).catch(async (err: Error) => {
    const { rows } = await h.db.pool.query(
      `SELECT id, event_type, status, waiting_for, resource_key, attempts, last_error FROM deliveries
        WHERE resource_key = (SELECT resource_key FROM deliveries WHERE id = $1) AND subscription_id = (SELECT subscription_id FROM deliveries WHERE id = $1) ORDER BY seq`, [id]);
    throw new Error(`${err.message}; deliveries: ${JSON.stringify(rows)}`);
  });
}

describe('ordering per resource', () => {
  it('created (503) → approved → deleted of one absence arrive in order after the receiver recovers; another absence flows meanwhile', async () => {
    let aDown = true;
    h.receiver.respondWith((req) => {
      if (req.path !== '/order') return { status: 200 };
      const body = JSON.parse(req.body.toString('utf8')) as { data: { id: string } };
      return { status: aDown && body.data.id === 'A-1' ? 503 : 200 };
    });
    const sub = await subscribe('/order', { retrySchedule: ['2s', '2s', '2s', '2s', '2s'] });
    const createdA = await post(leave('leave.created', 'A-1', 0));
    await statusIs(createdA, 'retrying');
    const approvedA = await post(leave('leave.approved', 'A-1', 10));
    const deletedA = await post(leave('leave.deleted', 'A-1', 20));
    await post(leave('leave.created', 'B-2', 5));
    await post(leave('leave.approved', 'B-2', 15));

    // A's successors wait, named and visible; B is delivered in the meantime.
    const waiting = await statusIs(approvedA, 'queued');
    assert.equal(waiting.waitingFor, createdA);
    assert.equal((await statusIs(deletedA, 'queued')).waitingFor, approvedA);
    await eventually(async () => (seen('/order').filter((s) => s.endsWith('B-2')).length === 2 ? true : undefined), 15_000, 'B delivered');
    assert.deepEqual(seen('/order').filter((s) => s.endsWith('B-2')), ['leave.created B-2', 'leave.approved B-2']);
    assert.ok(seen('/order').filter((s) => s === 'leave.approved A-1').length === 0, 'approved A never overtook created A');
    const resync = await admin.post(`/v1/deliveries/${deletedA}/resync`, {});
    assert.equal(resync.status, 409, 'a successor cannot be resynced ahead of its predecessor');
    assert.match(resync.body.detail, new RegExp(`waiting for ${approvedA}`));

    aDown = false;
    await statusIs(deletedA, 'delivered', 30_000);
    const a = seen('/order').filter((s) => s.endsWith('A-1'));
    assert.deepEqual(a.filter((s, i) => a.indexOf(s) === i), ['leave.created A-1', 'leave.approved A-1', 'leave.deleted A-1']);
    assert.equal(a.filter((s) => s !== 'leave.created A-1').length, 2, 'approved and deleted sent once each');
    assert.equal((await delivery(approvedA)).attempts.length, 1, 'waiting burnt no ladder step');
    void sub;
  });

  it('a failed head blocks only its resource until an operator marks it processed or resyncs it', async () => {
    let down = true;
    h.receiver.respondWith((req) => {
      if (req.path !== '/head') return { status: 200 };
      const body = JSON.parse(req.body.toString('utf8')) as { type: string; data: { id: string } };
      return { status: down && body.type === 'leave.created' && body.data.id === 'H-1' ? 500 : 200 };
    });
    await subscribe('/head', { retrySchedule: ['1s'] });
    const head = await post(leave('leave.created', 'H-1', 0));
    const next = await post(leave('leave.approved', 'H-1', 10));
    await statusIs(head, 'failed');
    await post(leave('leave.created', 'K-9', 30));
    assert.equal((await admin.post(`/v1/deliveries/${next}/resync`, {})).status, 409);
    await eventually(async () => (seen('/head').includes('leave.created K-9') ? true : undefined), 15_000, 'other resource delivered');
    assert.equal((await statusIs(next, 'queued')).waitingFor, head);

    const closed = await admin.post(`/v1/deliveries/${head}/mark-processed`, { note: 'entered by hand in the leave tool' });
    assert.ok([200, 202].includes(closed.status), JSON.stringify(closed.body));
    await statusIs(next, 'delivered');
    assert.deepEqual(seen('/head').filter((s) => s.endsWith('H-1')).slice(-1), ['leave.approved H-1']);

    // The resync way: a failed head, fixed receiver, resync: head then successor.
    const head2 = await post(leave('leave.created', 'H-2', 0));
    const next2 = await post(leave('leave.updated', 'H-2', 10));
    h.receiver.respondWith((req) => {
      const body = JSON.parse(req.body.toString('utf8')) as { data: { id: string } };
      return { status: req.path === '/head' && body.data.id === 'H-2' && down ? 500 : 200 };
    });
    await statusIs(head2, 'failed');
    await statusIs(next2, 'queued');
    down = false;
    assert.equal((await admin.post(`/v1/deliveries/${head2}/resync`, {})).status, 202);
    await statusIs(next2, 'delivered');
    assert.deepEqual(seen('/head').filter((s) => s.endsWith('H-2')).slice(-2), ['leave.created H-2', 'leave.updated H-2']);
  });
});

describe('collapse', () => {
  it('closes the intermediate employee.updated as superseded and sends the last', async () => {
    let down = true;
    h.receiver.respondWith((req) => ({ status: req.path === '/collapse' && down ? 503 : 200 }));
    // the circuit breaker is not what this test is about: on a slow machine 10 failures of `created` would pause
    // the subscription before the updates arrive, and a paused chain collapses nothing until it resumes
    await subscribe('/collapse', { collapse: true, retrySchedule: Array(20).fill('2s'), pauseAfterFailures: 1000 });
    const created = await post(employee('employee.created', 'E-7', 0, 'Grace'));
    await statusIs(created, 'retrying');
    const first = await post(employee('employee.updated', 'E-7', 10, 'Grace H.'));
    const second = await post(employee('employee.updated', 'E-7', 20, 'Grace Hopper'));
    // The first update is closed unsent as soon as its turn would come, the last one waits for `created`.
    const closed = await statusIs(first, 'superseded');
    assert.equal(closed.supersededBy, second);
    // Once the first update is superseded, the last one names what it really waits for: `created`.
    const waiting = await eventually(async () => {
      const d = await delivery(second);
      return d.status === 'queued' && d.waitingFor !== first ? d : undefined;
    }, 45_000, `${second} queued, no longer waiting for the superseded ${first}`);
    assert.equal(waiting.waitingFor, created);
    down = false;
    await statusIs(second, 'delivered', 30_000);
    assert.equal(closed.attempts.length, 0);
    const e7 = seen('/collapse').filter((s) => s.includes('E-7'));
    assert.deepEqual(e7.slice(-2), ['employee.created E-7 Grace', 'employee.updated E-7 Grace Hopper']);
    assert.ok(!e7.includes('employee.updated E-7 Grace H.'), 'the superseded update was never sent');
    const row = await h.db.pool.query('SELECT superseded_by FROM deliveries WHERE id = $1', [first]);
    assert.equal(row.rows[0].superseded_by, second);
  });

  it('is refused for the lucca format, which never collapses', async () => {
    const res = await admin.post('/v1/subscriptions', {
      name: 'lucca', url: `${h.receiver.url}/l`, format: 'lucca', events: ['leave.approved'], authorization: 'Basic eDp5', collapse: true,
    });
    assert.equal(res.status, 400);
    assert.match(JSON.stringify(res.body), /collapse/);
  });
});
