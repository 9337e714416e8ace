// Issue 20 item 18 against real Postgres, Temporal, worker and receiver: a subscription the circuit breaker paused
// says so outside the UI (GET, list, `hrhooks subscriptions list` table and --json: since, why, deliveries
// waiting), and marking a delivery processed resets its subscription's failure streak.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CliIo } from '../../src/interfaces/cli/context';
import { main } from '../../src/interfaces/cli/main';
import { TEST_SECRET_KEY } from '../support/temporal';
import { api, employeeEvent, eventually, startHarness, type Harness } from './harness';

let h: Harness;
const admin = () => api(h.app, h.adminKey);

async function createFailing(pathName: string, eventType: string, pauseAfterFailures: number): Promise<string> {
  const res = await admin().post('/v1/subscriptions', {
    name: `failing ${pathName}`, url: `${h.receiver.url}${pathName}`, format: 'standard', events: [eventType],
    retrySchedule: ['1s'], pauseAfterFailures,
  });
  assert.equal(res.status, 201, res.text);
  return res.body.id as string;
}

async function post(type: string): Promise<string> {
  const res = await api(h.app, h.producerKey).post('/v1/events', employeeEvent(type));
  assert.equal(res.status, 202, res.text);
  assert.equal(res.body.deliveries.length, 1, res.text);
  return res.body.deliveries[0].id as string;
}

async function flow(subscriptionId: string): Promise<{ consecutive_failures: number; paused_at: Date | null } | undefined> {
  return (await h.db.pool.query('SELECT consecutive_failures, paused_at FROM flow_control WHERE subscription_id = $1', [subscriptionId])).rows[0];
}

const statusOf = async (id: string) => (await h.db.pool.query('SELECT status FROM deliveries WHERE id = $1', [id])).rows[0]?.status;
const waitStatus = (id: string, status: string) =>
  eventually(async () => ((await statusOf(id)) === status ? true : undefined), 20_000, `${id} ${status}`);
const waitFailures = (id: string, n: number) =>
  eventually(async () => ((await flow(id))?.consecutive_failures === n ? true : undefined), 20_000, `${id}: ${n} failures in a row`);

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const env = {
    PATH: process.env.PATH, DATABASE_URL: h.db.url, HRHOOKS_SECRET_KEY: TEST_SECRET_KEY,
    HRHOOKS_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'hrhooks-pause-')),
  };
  const io: CliIo = { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), readFile: (p) => fs.readFileSync(p), readStdin: () => '', env };
  return { code: await main(args, io), stdout, stderr };
}

describe('a paused subscription, outside the UI', () => {
  before(async () => {
    h = await startHarness();
    h.receiver.respondWith((req) => ({ status: req.path.startsWith('/down') ? 500 : 200 }));
  });
  after(async () => h.close());

  test('GET, the list and `subscriptions list` (table and --json) show the pause: since, why, deliveries waiting', async () => {
    const id = await createFailing('/down', 'employee.updated', 2);
    const first = await post('employee.updated');
    await eventually(async () => ((await flow(id))?.paused_at ? true : undefined), 20_000, 'paused after 2 failed attempts');
    await waitStatus(first, 'failed');
    const held = await post('employee.updated');
    await waitStatus(held, 'queued');

    const shown = await eventually(async () => {
      const res = await admin().get(`/v1/subscriptions/${id}`);
      return res.body.pause?.waiting === 1 ? res.body : undefined;
    }, 20_000, 'one delivery waiting');
    assert.equal(shown.enabled, true);
    assert.equal(shown.state, 'paused');
    assert.equal(shown.pause.since, (await flow(id))!.paused_at!.toISOString());
    assert.equal(shown.pause.consecutiveFailures, 2);
    assert.match(shown.pause.reason, /^2 failed attempts in a row \(pauseAfterFailures 2\); last: HTTP 500$/);
    const listed = (await admin().get('/v1/subscriptions')).body.items.find((s: { id: string }) => s.id === id);
    assert.deepEqual([listed.state, listed.pause], ['paused', shown.pause]);

    const json = await cli(['subscriptions', 'list', '--json']);
    assert.equal(json.code, 0, json.stderr);
    const item = JSON.parse(json.stdout).items.find((s: { id: string }) => s.id === id);
    assert.deepEqual([item.state, item.pause], ['paused', shown.pause]);
    const table = await cli(['subscriptions', 'list']);
    assert.equal(table.code, 0, table.stderr);
    const line = table.stdout.split('\n').find((l) => l.startsWith(id))!;
    assert.match(line, new RegExp(`paused since ${shown.pause.since.slice(0, 16).replace('T', ' ')}Z, 1 waiting`));
    assert.match(line, /paused: 2 failed attempts in a row \(pauseAfterFailures 2\); last: HTTP 500/);

    // A rotation's answer is the same view: the pause is still shown.
    const rotated = await admin().post(`/v1/subscriptions/${id}/rotate-secret`, {});
    assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
    assert.deepEqual([rotated.body.state, rotated.body.pause], ['paused', shown.pause]);

    const resumed = await admin().post(`/v1/subscriptions/${id}/resume`);
    assert.equal(resumed.status, 202);
    const after = (await admin().get(`/v1/subscriptions/${id}`)).body;
    assert.deepEqual([after.state, after.pause], ['enabled', null]);
    await admin().patch(`/v1/subscriptions/${id}`, { enabled: false });
    assert.equal((await admin().get(`/v1/subscriptions/${id}`)).body.state, 'disabled');
  });

  test('marking the failed deliveries processed resets the failure streak: the next failure does not pause', async () => {
    const id = await createFailing('/down-streak', 'employee.terminated', 5);
    const failed = [await post('employee.terminated'), await post('employee.terminated')];
    for (const d of failed) await waitStatus(d, 'failed');
    await waitFailures(id, 4);
    for (const d of failed) {
      const res = await admin().post(`/v1/deliveries/${d}/mark-processed`, { note: 'entered by hand in the payroll tool' });
      assert.equal(res.status, 202, res.text);
    }
    await waitFailures(id, 0);
    const next = await post('employee.terminated');
    await waitStatus(next, 'failed');
    await waitFailures(id, 2);
    assert.equal((await flow(id))!.paused_at, null, 'a new streak of 2 < 5: not paused');
    assert.equal((await admin().get(`/v1/subscriptions/${id}`)).body.state, 'enabled');
  });
});
