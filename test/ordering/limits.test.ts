// Per-subscription rate limit and concurrency across several workers (issue 15): three worker processes on
// one task queue share the subscription's budget through Postgres; the receiver's clock is the evidence
// (the receiver runs in this process, the workers each in their own, as in production).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { api, eventually, startHarness, type Harness } from '../gateway/harness';
import { spawnWorker, type WorkerChild } from '../support/processes';

let h: Harness;
const workers: WorkerChild[] = [];
let admin: ReturnType<typeof api>;
let producer: ReturnType<typeof api>;

before(async () => {
  h = await startHarness();
  await h.worker.stop();
  for (let i = 0; i < 3; i += 1) workers.push(spawnWorker({ databaseUrl: h.db.url, temporalAddress: h.address, taskQueue: h.taskQueue }));
  await Promise.all(workers.map((w) => w.ready));
  admin = api(h.app, h.adminKey);
  producer = api(h.app, h.producerKey);
});
after(async () => {
  await Promise.all(workers.map((w) => w.kill('SIGTERM')));
  await h.close();
});

let n = 0;
async function postMany(count: number, prefix: string) {
  const ids: string[] = [];
  await Promise.all(Array.from({ length: count }, async (_, i) => {
    n += 1;
    const res = await producer.post('/v1/events', {
      id: `${prefix}-${process.pid}-${n}`, type: 'employee.updated', occurredAt: new Date().toISOString(), data: { id: `${prefix}${i}`, name: `E ${i}` },
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    ids.push(...(res.body.deliveries as { id: string }[]).map((d) => d.id));
  }));
  return ids;
}

async function allDelivered(ids: string[], timeoutMs: number) {
  await eventually(async () => {
    const { rows } = await h.db.pool.query(`SELECT count(*)::int AS n FROM deliveries WHERE id = ANY($1) AND status = 'delivered'`, [ids]);
    return rows[0].n === ids.length ? true : undefined;
  }, timeoutMs, `${ids.length} delivered`);
}

describe('limits across workers', () => {
  it('a receiver limited to 5 requests/s never sees more than 5 in any second from 3 workers', async () => {
    const sub = await admin.post('/v1/subscriptions', {
      name: 'rate', url: `${h.receiver.url}/rate`, format: 'standard', events: ['employee.updated'], ordering: 'none', maxPerSecond: 5,
    });
    assert.equal(sub.status, 201, JSON.stringify(sub.body));
    const ids = await postMany(30, 'rate');
    await allDelivered(ids, 40_000);
    const times = h.receiver.requests.filter((r) => r.path === '/rate').map((r) => r.receivedAt).sort((a, b) => a - b);
    assert.equal(times.length, 30);
    const busiest = Math.max(...times.map((t, i) => times.filter((u, j) => j >= i && u < t + 1000).length));
    assert.ok(busiest <= 5, `busiest second held ${busiest} requests; gaps ms: ${times.slice(1).map((t, i) => Math.round(t - times[i]!)).join(' ')}`);
    const spanS = (times.at(-1)! - times[0]!) / 1000;
    assert.ok(spanS >= 5, `30 requests at 5/s take at least 5 s (took ${spanS} s)`);
    const { rows } = await h.db.pool.query('SELECT max(attempts) AS m FROM deliveries WHERE id = ANY($1)', [ids]);
    assert.equal(rows[0].m, 1, 'waiting for the rate burnt no attempt');
  });

  it('maxInFlight 2: never more than 2 requests open at the receiver at once', async () => {
    const sub = await admin.post('/v1/subscriptions', {
      name: 'inflight', url: `${h.receiver.url}/slow`, format: 'standard', events: ['employee.updated'], ordering: 'none', maxInFlight: 2,
    });
    assert.equal(sub.status, 201);
    h.receiver.respondWith((req) => (req.path === '/slow' ? { status: 200, delayMs: 300 } : { status: 200 }));
    const ids = await postMany(10, 'slow');
    await allDelivered(ids, 40_000);
    const spans = h.receiver.requests.filter((r) => r.path === '/slow').map((r) => [r.receivedAt, r.receivedAt + 300] as const);
    const open = Math.max(...spans.map(([start]) => spans.filter(([s, e]) => s <= start && start < e - 20).length));
    assert.ok(open <= 2, `${open} requests were open at once`);
  });

  it('a 429 with Retry-After holds the whole subscription back, not only the delivery that got it', async () => {
    const sub = await admin.post('/v1/subscriptions', {
      name: 'hold', url: `${h.receiver.url}/hold`, format: 'standard', events: ['employee.updated'], ordering: 'none', retrySchedule: ['1s'],
    });
    assert.equal(sub.status, 201);
    let first = true;
    h.receiver.respondWith((req) => {
      if (req.path !== '/hold') return { status: 200 };
      if (!first) return { status: 200 };
      first = false;
      return { status: 429, headers: { 'retry-after': '4' } };
    });
    const [limited] = await postMany(1, 'hold');
    await eventually(async () => (h.receiver.requests.some((r) => r.path === '/hold') ? true : undefined), 15_000, 'the 429');
    const heldAt = h.receiver.requests.find((r) => r.path === '/hold')!.receivedAt;
    const others = await postMany(4, 'held');
    await allDelivered([limited!, ...others], 40_000);
    const later = h.receiver.requests.filter((r) => r.path === '/hold').slice(1).map((r) => r.receivedAt - heldAt);
    assert.equal(later.length, 5);
    assert.ok(later.every((ms) => ms >= 3_900), `requests came ${later.join(', ')} ms after the 429 with Retry-After: 4`);
  });
});
