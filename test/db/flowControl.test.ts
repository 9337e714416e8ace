// The flow-control store on a real Postgres: the rate limit across three pools (as three workers), the
// maxInFlight leases and their expiry, Retry-After holds, the breaker's count, pause, probe and resume.
// Grant times and live-lease counts are recorded by a trigger, on the Postgres clock.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Pool } from 'pg';
import { createPool } from '../../src/infra/db/pool';
import { acquireSlots, RATE_WINDOW_MS, flowState, releaseSlots, resumeSubscription, tallyAttempts, type FlowLimits, type SlotRequest } from '../../src/infra/db/flowControl';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

let db: TestDatabase;
const generous: FlowLimits = { maxPerSecond: 10_000, maxInFlight: 1_000 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ask = (subscriptionId: string, deliveryId: string, limits: FlowLimits = generous, probe = false): SlotRequest =>
  ({ subscriptionId, deliveryId, limits, probe });
const failure = (subscriptionId: string, pauseAfterFailures = 3, holdMs: number | null = null) => ({ subscriptionId, success: false, holdMs, pauseAfterFailures });
const success = (subscriptionId: string) => ({ subscriptionId, success: true, holdMs: null, pauseAfterFailures: 3 });

/** Hammers acquire for one subscription from several loops on one pool until the deadline, releasing every grant after holdMs. */
async function hammer(pool: Pool, sub: string, limits: FlowLimits, tag: string, until: number, holdMs: () => number): Promise<number> {
  let granted = 0;
  await Promise.all([0, 1, 2, 3].map(async (loop) => {
    for (let n = 0; Date.now() < until; n++) {
      const id = `${tag}-${loop}-${n}`;
      const [answer] = await acquireSlots(pool, [ask(sub, id, limits)]);
      if (answer!.kind === 'granted') {
        granted++;
        const hold = holdMs();
        if (hold > 0) await sleep(hold);
        await releaseSlots(pool, [id]);
      } else if (answer!.kind === 'wait') {
        await sleep(Math.min(answer!.waitMs, 1 + Math.random() * 5));
      } else {
        assert.fail(`unexpected ${answer!.kind}`);
      }
    }
  }));
  return granted;
}

describe('flow control store', () => {
  before(async () => {
    db = await createTestDatabase();
    await db.pool.query(`
      CREATE TABLE test_grants (subscription_id text, delivery_id text, at timestamptz, live integer);
      CREATE FUNCTION test_record_grant() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO test_grants VALUES (NEW.subscription_id, NEW.delivery_id, NEW.granted_at,
          (SELECT count(*) FROM flow_leases l WHERE l.subscription_id = NEW.subscription_id AND l.expires_at > NEW.granted_at));
        RETURN NULL;
      END $$;
      CREATE TRIGGER test_record_grant AFTER INSERT OR UPDATE ON flow_leases FOR EACH ROW EXECUTE FUNCTION test_record_grant();
    `);
  });
  after(async () => {
    await db.drop();
  });

  test('a 5/s subscription hammered from three pools never has more than 5 grants in any one-second window', async () => {
    const pools = [0, 1, 2].map(() => createPool(db.url, 4));
    try {
      const limits = { maxPerSecond: 5, maxInFlight: 100 };
      const until = Date.now() + 3_000;
      const counts = await Promise.all(pools.map((pool, w) => hammer(pool, 'rate', limits, `w${w}`, until, () => 0)));
      const { rows } = await db.pool.query<{ grants: number; most_in_a_second: number; closest_six_ms: number | null }>(`
        SELECT (SELECT count(*)::integer FROM test_grants WHERE subscription_id = 'rate') AS grants,
               (SELECT max((SELECT count(*) FROM test_grants b WHERE b.subscription_id = 'rate' AND b.at >= a.at AND b.at <= a.at + interval '1 second'))::integer
                  FROM test_grants a WHERE a.subscription_id = 'rate') AS most_in_a_second,
               (SELECT min(extract(epoch FROM sixth - at) * 1000)::float8
                  FROM (SELECT at, lead(at, 5) OVER (ORDER BY at) AS sixth FROM test_grants WHERE subscription_id = 'rate') g) AS closest_six_ms`);
      const r = rows[0]!;
      console.log(`rate: ${r.grants} grants in ~3 s from 3 pools (per pool ${counts.join('/')}), at most ${r.most_in_a_second} in any closed 1 s window, 6 consecutive grants span >= ${r.closest_six_ms?.toFixed(3)} ms`);
      assert.equal(r.grants, counts.reduce((a, b) => a + b, 0));
      assert.ok(r.grants > 5, `only ${r.grants} grants: the window check would prove nothing`);
      assert.ok(counts.filter((c) => c > 0).length >= 2, 'grants went to more than one pool');
      assert.ok(r.most_in_a_second <= 5, `${r.most_in_a_second} grants within one second`);
      assert.ok(r.closest_six_ms! > 1_000);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  test('the rate answers wait until the next grant is due', async () => {
    const limits = { maxPerSecond: 2, maxInFlight: 10 };
    const answers = await acquireSlots(db.pool, [ask('slow', 's1', limits), ask('slow', 's2', limits), ask('slow', 's3', limits)]);
    assert.equal(answers[0]!.kind, 'granted');
    assert.equal(answers[1]!.kind, 'wait');
    assert.equal(answers[2]!.kind, 'wait');
    const [w2, w3] = [answers[1] as { waitMs: number }, answers[2] as { waitMs: number }];
    assert.ok(w2.waitMs > 0 && w2.waitMs <= RATE_WINDOW_MS / 2, `s2 waits ${w2.waitMs} ms`);
    assert.ok(w3.waitMs > w2.waitMs && w3.waitMs <= RATE_WINDOW_MS, `s3 waits ${w3.waitMs} ms, behind s2`);
    await sleep(w2.waitMs);
    const [again] = await acquireSlots(db.pool, [ask('slow', 's2', limits)]);
    assert.deepEqual(again, { kind: 'granted' });
    await releaseSlots(db.pool, ['s1', 's2']);
  });

  test('at most maxInFlight live leases, across pools and concurrent batches', async () => {
    const limits = { maxPerSecond: 10_000, maxInFlight: 4 };
    const pools = [0, 1, 2].map(() => createPool(db.url, 4));
    try {
      const answers = (await Promise.all(pools.flatMap((pool, w) => [0, 1, 2].map((b) =>
        acquireSlots(pool, [0, 1, 2, 3].map((k) => ask('inflight', `c-${w}-${b}-${k}`, limits))))))).flat();
      assert.equal(answers.filter((a) => a.kind === 'granted').length, 4);
      for (const a of answers.filter((x) => x.kind === 'wait')) assert.ok((a as { waitMs: number }).waitMs > 0 && (a as { waitMs: number }).waitMs <= 200);
      assert.equal((await flowState(db.pool, 'inflight')).inFlight, 4);
      await db.pool.query(`DELETE FROM flow_leases WHERE subscription_id = 'inflight'`);

      const until = Date.now() + 1_500;
      const counts = await Promise.all(pools.map((pool, w) => hammer(pool, 'inflight', limits, `h${w}`, until, () => Math.random() * 15)));
      const { rows } = await db.pool.query<{ grants: number; most_live: number }>(
        `SELECT count(*)::integer AS grants, max(live)::integer AS most_live FROM test_grants WHERE subscription_id = 'inflight'`);
      console.log(`maxInFlight 4: ${rows[0]!.grants} grants from 3 pools (${counts.join('/')}), at most ${rows[0]!.most_live} live leases`);
      assert.ok(rows[0]!.most_live <= 4, `${rows[0]!.most_live} live leases`);
      assert.ok(counts.reduce((a, b) => a + b, 0) > 4);
      assert.equal((await flowState(db.pool, 'inflight')).inFlight, 0);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  test('a delivery re-acquiring keeps its lease; a release frees the slot; an expired lease is reclaimed', async () => {
    const limits = { maxPerSecond: 10_000, maxInFlight: 2 };
    assert.deepEqual(await acquireSlots(db.pool, [ask('lease', 'l1', limits)], { leaseMs: 400 }), [{ kind: 'granted' }]);
    assert.deepEqual(await acquireSlots(db.pool, [ask('lease', 'l2', limits)], { leaseMs: 400 }), [{ kind: 'granted' }]);
    assert.equal((await acquireSlots(db.pool, [ask('lease', 'l3', limits)]))[0]!.kind, 'wait');
    assert.deepEqual(await acquireSlots(db.pool, [ask('lease', 'l1', limits)], { leaseMs: 400 }), [{ kind: 'granted' }], 'l1 reuses its own lease');
    assert.equal((await flowState(db.pool, 'lease')).inFlight, 2);

    await releaseSlots(db.pool, ['l2', 'l2', 'never-granted']);
    await releaseSlots(db.pool, ['l2']);
    assert.deepEqual(await acquireSlots(db.pool, [ask('lease', 'l3', limits)]), [{ kind: 'granted' }]);
    assert.deepEqual(await acquireSlots(db.pool, [ask('lease', 'l4', limits)]), [{ kind: 'wait', waitMs: 100 }]);

    await sleep(500);
    assert.equal((await flowState(db.pool, 'lease')).inFlight, 1, 'l1 expired, l3 (3 min) lives');
    assert.deepEqual(await acquireSlots(db.pool, [ask('lease', 'l4', limits)]), [{ kind: 'granted' }]);
    assert.equal((await db.pool.query(`SELECT 1 FROM flow_leases WHERE delivery_id = 'l1'`)).rowCount, 0, 'the expired lease row is gone');
    await releaseSlots(db.pool, ['l3', 'l4']);
    assert.equal((await flowState(db.pool, 'lease')).inFlight, 0);
  });

  test('the breaker counts consecutive failures, a success resets them, the threshold pauses once', async () => {
    assert.deepEqual(await flowState(db.pool, 'never-seen'), { subscriptionId: 'never-seen', consecutiveFailures: 0, pausedAt: null, heldUntil: null, inFlight: 0 });
    assert.deepEqual(await tallyAttempts(db.pool, [failure('brk'), failure('brk')]), { paused: [], resumed: [] });
    assert.equal((await flowState(db.pool, 'brk')).consecutiveFailures, 2);
    assert.deepEqual(await tallyAttempts(db.pool, [success('brk')]), { paused: [], resumed: [] });
    assert.equal((await flowState(db.pool, 'brk')).consecutiveFailures, 0);

    assert.deepEqual(await tallyAttempts(db.pool, [failure('brk'), failure('brk'), failure('brk')]), { paused: ['brk'], resumed: [] });
    const state = await flowState(db.pool, 'brk');
    assert.equal(state.consecutiveFailures, 3);
    assert.ok(state.pausedAt instanceof Date);
    assert.deepEqual(await tallyAttempts(db.pool, [failure('brk')]), { paused: [], resumed: [] }, 'already paused');
    assert.equal((await flowState(db.pool, 'brk')).consecutiveFailures, 4);
    assert.deepEqual((await flowState(db.pool, 'brk')).pausedAt, state.pausedAt);
  });

  test('paused: a plain request is answered paused, a probe goes through the normal checks; a success resumes', async () => {
    const limits = { maxPerSecond: 1, maxInFlight: 5 };
    await tallyAttempts(db.pool, [failure('probe', 1)]);
    assert.deepEqual(await acquireSlots(db.pool, [ask('probe', 'p1', limits)]), [{ kind: 'paused' }]);
    assert.deepEqual(await acquireSlots(db.pool, [ask('probe', 'p2', limits, true), ask('probe', 'p3', limits, true)]).then((a) => a.map((x) => x.kind)),
      ['granted', 'wait'], 'the second probe waits for the rate');
    assert.equal((await flowState(db.pool, 'probe')).inFlight, 1);
    await releaseSlots(db.pool, ['p2']);
    assert.deepEqual(await tallyAttempts(db.pool, [success('probe')]), { paused: [], resumed: ['probe'] });
    const state = await flowState(db.pool, 'probe');
    assert.equal(state.pausedAt, null);
    assert.equal(state.consecutiveFailures, 0);
  });

  test('a tally batch reports the net change per subscription', async () => {
    assert.deepEqual(await tallyAttempts(db.pool, [failure('net-b', 2), failure('net-a', 1), failure('net-b', 2), success('net-a')]),
      { paused: ['net-b'], resumed: [] }, 'net-a paused then recovered within the batch');
    assert.equal((await flowState(db.pool, 'net-a')).pausedAt, null);
    assert.deepEqual(await tallyAttempts(db.pool, [success('net-b'), failure('net-c', 1)]), { paused: ['net-c'], resumed: ['net-b'] });
  });

  test('resumeSubscription clears the pause and the count, true only if it was paused', async () => {
    await tallyAttempts(db.pool, [failure('res', 2), failure('res', 2)]);
    assert.equal(await resumeSubscription(db.pool, 'res'), true);
    assert.deepEqual(await flowState(db.pool, 'res'), { subscriptionId: 'res', consecutiveFailures: 0, pausedAt: null, heldUntil: null, inFlight: 0 });
    assert.equal(await resumeSubscription(db.pool, 'res'), false);
    assert.equal(await resumeSubscription(db.pool, 'res-never-seen'), false);
    assert.deepEqual(await acquireSlots(db.pool, [ask('res', 'r1')]), [{ kind: 'granted' }]);
    await releaseSlots(db.pool, ['r1']);
  });

  test('a release that names a success resets a count raised meanwhile, leaves a pause to the probe, and still frees the lease', async () => {
    assert.deepEqual(await acquireSlots(db.pool, [ask('quiet', 'q1')]), [{ kind: 'granted' }]);
    await tallyAttempts(db.pool, [failure('quiet', 3), failure('quiet', 3)]);
    await releaseSlots(db.pool, ['q1'], ['quiet', 'quiet-never-seen']);
    assert.deepEqual(await flowState(db.pool, 'quiet'), { subscriptionId: 'quiet', consecutiveFailures: 0, pausedAt: null, heldUntil: null, inFlight: 0 });
    await tallyAttempts(db.pool, [failure('quiet', 1)]);
    await releaseSlots(db.pool, [], ['quiet']);
    const paused = await flowState(db.pool, 'quiet');
    assert.ok(paused.pausedAt instanceof Date, 'still paused');
    assert.equal(paused.consecutiveFailures, 1);
  });

  test('a Retry-After hold keeps the whole subscription (probes too) waiting until it ends, never shortened', async () => {
    await tallyAttempts(db.pool, [failure('hold', 100, 2_000)]);
    await tallyAttempts(db.pool, [failure('hold', 100, 500)]);
    const state = await flowState(db.pool, 'hold');
    assert.ok(state.heldUntil instanceof Date);
    const answers = await acquireSlots(db.pool, [ask('hold', 'h1'), ask('hold', 'h2', generous, true), ask('other', 'o1')]);
    for (const a of answers.slice(0, 2)) {
      assert.equal(a.kind, 'wait');
      const waitMs = (a as { waitMs: number }).waitMs;
      assert.ok(waitMs > 1_000 && waitMs <= 2_000, `waits ${waitMs} ms`);
    }
    assert.deepEqual(answers[2], { kind: 'granted' }, 'another subscription is not held');
    assert.equal((await flowState(db.pool, 'hold')).inFlight, 0);

    await tallyAttempts(db.pool, [failure('hold-short', 100, 200)]);
    assert.equal((await acquireSlots(db.pool, [ask('hold-short', 'hs1')]))[0]!.kind, 'wait');
    await sleep(300);
    assert.deepEqual(await acquireSlots(db.pool, [ask('hold-short', 'hs1')]), [{ kind: 'granted' }]);
    assert.equal((await flowState(db.pool, 'hold-short')).heldUntil, null);
    await releaseSlots(db.pool, ['o1', 'hs1']);
  });

  test('a batch across subscriptions answers in request order, each subscription on its own limits', async () => {
    const one = { maxPerSecond: 1, maxInFlight: 5 };
    await tallyAttempts(db.pool, [failure('ord-c', 1)]);
    const answers = await acquireSlots(db.pool, [
      ask('ord-b', 'b1', one), ask('ord-a', 'a1', { maxPerSecond: 100, maxInFlight: 1 }), ask('ord-c', 'c1'),
      ask('ord-b', 'b2', one), ask('ord-a', 'a2', { maxPerSecond: 100, maxInFlight: 1 }), ask('ord-d', 'd1'),
    ]);
    assert.deepEqual(answers.map((a) => a.kind), ['granted', 'granted', 'paused', 'wait', 'wait', 'granted']);
    assert.ok((answers[3] as { waitMs: number }).waitMs > 500, 'b2 waits for the 1/s rate');
    assert.equal((answers[4] as { waitMs: number }).waitMs, 100, 'a2 polls for a free slot');
    await releaseSlots(db.pool, ['b1', 'a1', 'd1']);
  });

  test('an answer other than granted gives back the lease its delivery held', async () => {
    const limits = { maxPerSecond: 10_000, maxInFlight: 1 };
    assert.deepEqual(await acquireSlots(db.pool, [ask('drop', 'x1', limits)]), [{ kind: 'granted' }]);
    await tallyAttempts(db.pool, [failure('drop', 1)]);
    assert.deepEqual(await acquireSlots(db.pool, [ask('drop', 'x1', limits)]), [{ kind: 'paused' }]);
    assert.equal((await flowState(db.pool, 'drop')).inFlight, 0);
  });

  test('timing: acquire + release, batch of 1 and of 10 (printed, not asserted)', async () => {
    const rounds = 500;
    for (const size of [1, 10]) {
      for (let i = 0; i < 20; i++) {
        const ids = Array.from({ length: size }, (_, k) => `warm-${size}-${i}-${k}`);
        await acquireSlots(db.pool, ids.map((id, k) => ask(`t${size}-${k}`, id)));
        await releaseSlots(db.pool, ids);
      }
      let acquireNs = 0n;
      let releaseNs = 0n;
      let granted = 0;
      for (let i = 0; i < rounds; i++) {
        const ids = Array.from({ length: size }, (_, k) => `t-${size}-${i}-${k}`);
        const t0 = process.hrtime.bigint();
        const answers = await acquireSlots(db.pool, ids.map((id, k) => ask(`t${size}-${k}`, id)));
        const t1 = process.hrtime.bigint();
        await releaseSlots(db.pool, ids);
        acquireNs += t1 - t0;
        releaseNs += process.hrtime.bigint() - t1;
        granted += answers.filter((a) => a.kind === 'granted').length;
      }
      const ms = (ns: bigint) => (Number(ns) / 1e6 / rounds).toFixed(2);
      console.log(`timing: batch of ${size} (one delivery per subscription): acquire ${ms(acquireNs)} ms + release ${ms(releaseNs)} ms = ${ms(acquireNs + releaseNs)} ms per round (${rounds} rounds, ${granted} grants)`);
    }
  });
});
