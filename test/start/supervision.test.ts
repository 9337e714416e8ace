// `hrhooks start` notices an embedded server that dies while it runs: killing the Temporal dev server, or
// the embedded Postgres, stops everything else with one clear line and exit 1 (no uncaught error, no
// forced kill of the survivor, nothing left running). SIGTERM ends it cleanly. The Temporal frontend and
// Web UI listen on 127.0.0.1 only; the CLI next to it connects to the password-protected Postgres.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { portIsOpen } from '../../src/local/devServer';
import { waitFor } from '../support/waitFor';
import { build, exitWithin, HRHOOKS, killAll, listeningAddresses, processesOf, servers, spawnHrhooks, startSetup, type Spawned, type StartSetup } from './startProcess';

let setup: StartSetup;

async function start(): Promise<Spawned> {
  const s = spawnHrhooks(['start'], setup.env);
  await s.waitForOutput(/producer key\s+\S+/);
  return s;
}

/** Stopped without an uncaught error or a forced kill, every server of the data dir gone, every port free. */
async function assertCleanStop(s: Spawned): Promise<void> {
  assert.doesNotMatch(s.output(), /uncaught|Channel has been shut down|forced stop|killing|failed/i, s.output());
  assert.deepEqual(servers(processesOf(setup.dataDir)), [], `servers left after:\n${s.output()}`);
  for (const [what, port] of Object.entries(setup.ports)) assert.equal(await portIsOpen('127.0.0.1', port), false, `${what} port ${port} free`);
  assert.equal(fs.existsSync(path.join(setup.dataDir, 'postgres', 'postmaster.pid')), false, 'Postgres shut down, not killed');
  await waitFor('the watchdog to exit', async () => processesOf(setup.dataDir).length === 0, 15_000);
}

before(async () => {
  build();
  setup = await startSetup('hrhooks-supervise-');
});
after(() => {
  killAll(processesOf(setup.dataDir));
  fs.rmSync(setup.dataDir, { recursive: true, force: true });
});

describe('hrhooks start supervises its embedded servers', () => {
  it('binds Temporal to 127.0.0.1, lets the CLI in, and stops everything with a clear message when the dev server dies', async () => {
    const s = await start();
    const devServer = processesOf(setup.dataDir).find((p) => p.cmd.includes('--db-filename'));
    assert.ok(devServer, 'the dev server runs');
    const addresses = listeningAddresses(devServer.pid);
    assert.ok(addresses.includes(`127.0.0.1:${setup.ports.temporal}`) && addresses.includes(`127.0.0.1:${setup.ports.ui}`), addresses.join(' '));
    assert.deepEqual(addresses.filter((a) => !a.startsWith('127.0.0.1:')), [], 'every port of the dev server on 127.0.0.1');

    const cli = spawnSync(HRHOOKS, ['deliveries', 'list', '--json'], { env: setup.env, encoding: 'utf8' });
    assert.equal(cli.status, 0, `the CLI reaches the embedded Postgres: ${cli.stderr}`);

    process.kill(devServer.pid, 'SIGKILL');
    assert.deepEqual(await exitWithin(s, 90_000, 'start after its dev server died'), { code: 1, signal: null }, s.output());
    assert.match(s.output(), /the Temporal dev server exited unexpectedly \(code null, signal SIGKILL\); its log: \S+temporal\.log: stopping everything/);
    await assertCleanStop(s);
  });

  it('stops everything with a clear message when the embedded Postgres dies', async () => {
    const s = await start();
    const postmaster = processesOf(setup.dataDir).find((p) => / -D /.test(p.cmd) && p.cmd.startsWith('/'));
    assert.ok(postmaster, 'the postmaster runs');
    process.kill(postmaster.pid, 'SIGKILL');
    assert.deepEqual(await exitWithin(s, 90_000, 'start after its Postgres died'), { code: 1, signal: null }, s.output());
    assert.match(s.output(), /the embedded Postgres \(pid \d+\) stopped unexpectedly; its log: \S+server\.log: stopping everything/);
    assert.doesNotMatch(s.output(), /uncaught|Channel has been shut down/i, s.output());
    // The postmaster was SIGKILLed by the test: its children are gone, its postmaster.pid is stale (the next start clears it).
    assert.deepEqual(servers(processesOf(setup.dataDir)).filter((p) => / -D /.test(p.cmd)), []);
    await waitFor('the watchdog to exit', async () => processesOf(setup.dataDir).length === 0, 15_000);
  });

  it('ends on SIGTERM, cleanly, after a crash of Postgres', async () => {
    const s = await start();
    process.kill(s.child.pid!, 'SIGTERM');
    assert.deepEqual(await exitWithin(s, 90_000, 'start on SIGTERM'), { code: 0, signal: null }, s.output());
    await assertCleanStop(s);
  });
});
