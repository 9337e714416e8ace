// A data dir stays on the Temporal (HRHOOKS_TEMPORAL dev or server) its open deliveries live in: the
// mode is recorded at the first start; starting the other one while a delivery is open is refused with
// one line saying how to switch back (a data dir from before the record: its Temporal files decide);
// with nothing open the switch is allowed.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkTemporalMode, modeFile, recordedMode } from '../../src/local/temporalMode';
import { portIsOpen } from '../../src/local/devServer';
import { startReceiver, type Receiver } from '../support/receiver';
import { waitFor } from '../support/waitFor';
import { build, exitWithin, killAll, processesOf, spawnHrhooks, startSetup, type StartSetup } from './startProcess';

const scratch: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hrhooks-mode-'));
  scratch.push(dir);
  return dir;
};
after(() => {
  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the Temporal mode of a data dir (rules)', () => {
  it('is recorded at the first start, kept while deliveries are open, and may change once none is', async () => {
    const dir = tempDir();
    await checkTemporalMode(dir, 'dev', async () => assert.fail('a new data dir has nothing to count'));
    assert.equal(fs.readFileSync(modeFile(dir), 'utf8'), 'dev\n');
    await assert.rejects(checkTemporalMode(dir, 'server', async () => 3), (err: Error) => {
      assert.doesNotMatch(err.message, /\n/, 'one line');
      assert.match(err.message, /^HRHOOKS_TEMPORAL=server refused: 3 open deliveries of .+ live in the Temporal dev server .*start with HRHOOKS_TEMPORAL=dev/);
      return true;
    });
    assert.equal(recordedMode(dir), 'dev', 'a refused start changes nothing');
    await checkTemporalMode(dir, 'server', async () => 0);
    assert.equal(recordedMode(dir), 'server', 'nothing open: switched');
  });

  it('reads a data dir from before the record by the Temporal state it holds, the latest written when both', async () => {
    const dir = tempDir();
    assert.equal(recordedMode(dir), null);
    fs.writeFileSync(path.join(dir, 'temporal.sqlite'), '');
    assert.equal(recordedMode(dir), 'dev');
    fs.mkdirSync(path.join(dir, 'temporal-server'));
    const config = path.join(dir, 'temporal-server', 'temporal-server.yaml');
    fs.writeFileSync(config, '{}');
    fs.utimesSync(path.join(dir, 'temporal.sqlite'), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    assert.equal(recordedMode(dir), 'server');
    fs.utimesSync(config, new Date(Date.now() - 120_000), new Date(Date.now() - 120_000));
    assert.equal(recordedMode(dir), 'dev');
  });
});

describe('hrhooks start on a data dir whose deliveries are open in the dev server', () => {
  let setup: StartSetup;
  let receiver: Receiver;
  before(async () => {
    build();
    receiver = await startReceiver();
    receiver.respondWith({ status: 500 });
    setup = await startSetup('hrhooks-mode-start-');
    scratch.push(setup.dataDir);
  });
  after(async () => {
    killAll(processesOf(setup.dataDir));
    await receiver.close();
  });

  it('refuses HRHOOKS_TEMPORAL=server with one line, also for a data dir from before the record, and resumes with dev', async () => {
    const first = spawnHrhooks(['start'], setup.env);
    const admin = (await first.waitForOutput(/admin key\s+(\S+)/))[1]!;
    const producer = (await first.waitForOutput(/producer key\s+(\S+)/))[1]!;
    const api = async (method: string, route: string, key: string, body?: unknown) => {
      const res = await fetch(`http://127.0.0.1:${setup.ports.gateway}${route}`, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as any };
    };
    const sub = await api('POST', '/v1/subscriptions', admin, { name: 'failing', url: `${receiver.url}/fail`, format: 'standard', events: '*' });
    assert.equal(sub.status, 201, JSON.stringify(sub.body));
    const accepted = await api('POST', '/v1/events', producer, {
      id: 'evt-mode-1', type: 'employee.created', occurredAt: new Date().toISOString(), data: { id: 1, name: 'Ada' },
    });
    assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
    const deliveryId = accepted.body.deliveries[0].id as string;
    await waitFor('the delivery to be retrying', async () => (await api('GET', `/v1/deliveries/${deliveryId}`, admin)).body.status === 'retrying', 60_000);
    process.kill(first.child.pid!, 'SIGINT');
    assert.deepEqual(await exitWithin(first, 90_000, 'first start'), { code: 0, signal: null }, first.output());
    assert.equal(fs.readFileSync(modeFile(setup.dataDir), 'utf8'), 'dev\n');

    const refused = async (what: string) => {
      const s = spawnHrhooks(['start'], { ...setup.env, HRHOOKS_TEMPORAL: 'server' });
      assert.deepEqual(await exitWithin(s, 90_000, what), { code: 1, signal: null }, s.output());
      const lines = s.output().trim().split('\n');
      assert.equal(lines.length, 1, `one line: ${s.output()}`);
      assert.match(lines[0]!, /^hrhooks start: HRHOOKS_TEMPORAL=server refused: 1 open deliveries of \S+ live in the Temporal dev server it was started with.*start with HRHOOKS_TEMPORAL=dev/);
      await waitFor('every process of the data dir to end', async () => processesOf(setup.dataDir).length === 0, 20_000);
      assert.equal(await portIsOpen('127.0.0.1', setup.ports.pg), false);
    };
    await refused('start with the real server');
    assert.equal(fs.readFileSync(modeFile(setup.dataDir), 'utf8'), 'dev\n', 'still dev');
    fs.rmSync(modeFile(setup.dataDir));
    await refused('start with the real server on a data dir from before the record');

    const again = spawnHrhooks(['start'], setup.env);
    await again.waitForOutput(/producer key\s+\S+/);
    try {
      const state = await api('GET', `/v1/deliveries/${deliveryId}`, admin);
      assert.equal(state.body.status, 'retrying', 'the open delivery is still there, still retried');
      assert.ok(state.body.nextAttemptAt, JSON.stringify(state.body));
    } finally {
      process.kill(again.child.pid!, 'SIGINT');
      assert.deepEqual(await exitWithin(again, 90_000, 'start with dev again'), { code: 0, signal: null }, again.output());
    }
  });
});
