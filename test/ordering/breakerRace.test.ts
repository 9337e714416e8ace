// The breaker's count under concurrency: attempts of one subscription that load their context together
// (a burst after a worker restart, or a busy machine) and then alternate failure and success must never
// add up to "N consecutive failures". Each success resets the count even when the context it loaded said
// there was nothing to reset (the soak on the real server was paused by exactly that: every success of a
// burst was skipped and its failures piled up). Real Postgres, real HTTP receiver, the send activity called
// directly (no Temporal needed: the pause itself is what is checked).
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, it } from 'node:test';
import type { ActivityDeps } from '../../activities/deps';
import { sendAttempts } from '../../activities/send';
import { flowState } from '../../src/infra/db/flowControl';
import { parseAllowlist } from '../../src/infra/http/ssrfGuard';
import { createLogger } from '../../src/infra/observability/log';
import { insertFixtureEvent, insertSubscription, sampleEvent } from '../support/fixtures';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { testBox } from '../support/temporal';

const ATTEMPTS = 12;
const PAUSE_AFTER = 4;
const GAP_MS = 60;

let db: TestDatabase;
let server: http.Server;
let url: string;
const answered: number[] = [];

before(async () => {
  db = await createTestDatabase();
  // Holds every request until all have arrived (so every attempt loaded its context before any result was
  // counted), then answers them in arrival order, GAP_MS apart: 503, 200, 503, 200, …
  const waiting: http.ServerResponse[] = [];
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      waiting.push(res);
      if (waiting.length < ATTEMPTS) return;
      waiting.forEach((r, i) => setTimeout(() => {
        const status = i % 2 === 0 ? 503 : 200;
        answered.push(status);
        r.writeHead(status).end();
      }, i * GAP_MS));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await db.drop();
});

it(`${ATTEMPTS} concurrent attempts alternating 503 and 200 do not pause a subscription that pauses after ${PAUSE_AFTER} consecutive failures`, async () => {
  const sub = await insertSubscription(db.pool, { format: 'standard', url, retrySchedule: ['1m'] });
  await db.pool.query('UPDATE subscriptions SET pause_after_failures = $2 WHERE id = $1', [sub.id, PAUSE_AFTER]);
  const ids: string[] = [];
  for (let i = 0; i < ATTEMPTS; i += 1) ids.push(...(await insertFixtureEvent(db.pool, [sub], sampleEvent('employee.updated', { id: `race-${i}` }))));
  const deps: ActivityDeps = {
    pool: db.pool, box: testBox, allow: parseAllowlist('127.0.0.1/32'), attemptTimeoutMs: 10_000, connectTimeoutMs: 2_000, log: createLogger('silent'),
  };

  const results = (await Promise.all(ids.map((deliveryId) => sendAttempts(deps, [{ deliveryId, attempt: 1, ladderDelayMs: 60_000 }])))).flat();

  assert.deepEqual(results.map((r) => r.outcome).sort(), [...Array(ATTEMPTS / 2).fill('retry'), ...Array(ATTEMPTS / 2).fill('success')].sort(),
    'every attempt went out (none held) and half failed');
  assert.equal(answered.length, ATTEMPTS);
  const state = await flowState(db.pool, sub.id);
  assert.equal(state.pausedAt, null, `not paused (${ATTEMPTS / 2} failures, each followed by a success); count ${state.consecutiveFailures}`);
  assert.ok(state.consecutiveFailures < PAUSE_AFTER, `the count was reset by the successes: ${state.consecutiveFailures}`);
});
