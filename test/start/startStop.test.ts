// `hrhooks start` stopped every way a user stops it, on one data dir: Ctrl-C
// (SIGINT to its process group, as a terminal sends it) twice, a fast double
// Ctrl-C (a relayed signal, then a forcing one), SIGKILL of its process group,
// SIGKILL of it and its watchdog (servers orphaned), SIGKILL of everything
// (stale postmaster.pid). After each stop no process of the data dir remains
// (or, after a crash, the next start removes them) and every port is free;
// each start answers /healthz.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Shutdown } from '../../src/interfaces/cli/shutdown';
import { createLogger } from '../../src/infra/observability/log';
import { portIsOpen } from '../../src/local/devServer';
import { freePort } from '../../dev-support/ports';
import { waitFor } from '../support/waitFor';

const ROOT = path.resolve(__dirname, '..', '..');
let dataDir: string;
let env: NodeJS.ProcessEnv;
let ports: { gateway: number; temporal: number; ui: number; pg: number };

interface Started {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => string;
}

/** Processes whose command line names the data dir (postgres -D, temporal --db-filename, the watchdog). */
function processesOfDataDir(): Array<{ pid: number; cmd: string }> {
  const found: Array<{ pid: number; cmd: string }> = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ');
      if (cmd.includes(dataDir)) found.push({ pid: Number(name), cmd });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

const servers = (procs: Array<{ pid: number; cmd: string }>) => procs.filter((p) => / -D |--db-filename/.test(p.cmd));
const show = (procs: Array<{ pid: number; cmd: string }>) => procs.map((p) => `${p.pid} ${p.cmd.slice(0, 100)}`).join('\n');

function postgresLogTail(): string {
  try {
    return `embedded Postgres log:\n${fs.readFileSync(path.join(dataDir, 'postgres', 'server.log'), 'utf8').split('\n').slice(-15).join('\n')}`;
  } catch {
    return '';
  }
}

async function start(): Promise<Started> {
  const child = spawn(path.join(ROOT, 'bin', 'hrhooks'), ['start'], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  await waitFor('hrhooks start to print its keys', async () => {
    if (child.exitCode !== null) throw new Error(`hrhooks start exited ${child.exitCode}: ${out}\n${postgresLogTail()}`);
    return /producer key\s+\S+/.test(out);
  }, 120_000, 200);
  const health = await fetch(`http://127.0.0.1:${ports.gateway}/healthz`);
  assert.equal(health.status, 200, 'gateway answers /healthz');
  return { child, exited, output: () => out };
}

function signalGroup(s: Started, signal: NodeJS.Signals, { mayBeGone = false } = {}): void {
  try {
    process.kill(-s.child.pid!, signal);
  } catch (err) {
    if (!(mayBeGone && (err as NodeJS.ErrnoException).code === 'ESRCH')) throw err;
  }
}

async function assertPortsFree(): Promise<void> {
  for (const [what, port] of Object.entries(ports)) assert.equal(await portIsOpen('127.0.0.1', port), false, `${what} port ${port} free`);
}

/** After a stop by signal: the servers were verified gone before start exited; its watchdog follows within seconds. */
async function assertNothingLeft(s: Started): Promise<void> {
  const left = servers(processesOfDataDir());
  assert.equal(left.length, 0, `no server of the data dir left:\n${show(left)}\n${s.output()}`);
  await assertPortsFree();
  await waitFor('the watchdog to exit', async () => processesOfDataDir().length === 0, 15_000);
}

let stage = '';
before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hrhooks-startstop-'));
  fs.chmodSync(dataDir, 0o755);
  ports = { gateway: await freePort(), temporal: await freePort(), ui: await freePort(), pg: await freePort() };
  env = {
    ...process.env,
    HRHOOKS_DATA_DIR: dataDir,
    PORT: String(ports.gateway),
    TEMPORAL_PORT: String(ports.temporal),
    TEMPORAL_UI_PORT: String(ports.ui),
    HRHOOKS_PG_PORT: String(ports.pg),
    LOG_LEVEL: 'warn',
  };
  delete env.DATABASE_URL;
  delete env.TEMPORAL_ADDRESS;
  delete env.TEMPORAL_UI_URL;
});
after(() => {
  for (const p of processesOfDataDir()) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('hrhooks start / stop, every way, on one data dir', () => {
  it('leaves nothing running after each stop and recovers after each crash', async () => {
    try {
      stage = 'Ctrl-C on a fresh data dir';
      const first = await start();
      signalGroup(first, 'SIGINT');
      assert.deepEqual(await first.exited, { code: 0, signal: null }, `${stage}:\n${first.output()}`);
      await assertNothingLeft(first);

      stage = 'Ctrl-C on the same data dir, relayed again at once by a wrapper (not a second Ctrl-C)';
      const second = await start();
      signalGroup(second, 'SIGINT');
      signalGroup(second, 'SIGINT');
      assert.deepEqual(await second.exited, { code: 0, signal: null }, `${stage}:\n${second.output()}`);
      await assertNothingLeft(second);

      stage = 'Ctrl-C, then a second Ctrl-C a second later (forced)';
      const third = await start();
      signalGroup(third, 'SIGINT');
      await new Promise((r) => setTimeout(r, 1_000));
      if (third.child.exitCode === null) signalGroup(third, 'SIGINT', { mayBeGone: true });
      const thirdExit = await third.exited;
      // Whether the second Ctrl-C forced is decided by start, not by this test's clock: it may land after the
      // graceful stop finished, or, on a loaded machine, be handled right after the first (a relayed signal).
      const forced = /forced stop/.test(third.output());
      assert.deepEqual(thirdExit, { code: forced ? 130 : 0, signal: null }, `${stage} (forced: ${forced}):\n${third.output()}`);
      await assertNothingLeft(third);

      stage = 'SIGKILL of the process group';
      const fourth = await start();
      signalGroup(fourth, 'SIGKILL');
      await fourth.exited;
      await waitFor('the watchdog to stop the servers of the killed start', async () => processesOfDataDir().length === 0, 60_000);
      await assertPortsFree();

      stage = 'SIGKILL of start and its watchdog: servers orphaned';
      const fifth = await start();
      const watchdogs = processesOfDataDir().filter((p) => p.cmd.includes('watchdog'));
      assert.equal(watchdogs.length, 1, `one watchdog:\n${show(processesOfDataDir())}`);
      process.kill(watchdogs[0]!.pid, 'SIGKILL');
      signalGroup(fifth, 'SIGKILL');
      await fifth.exited;
      await waitFor('the watchdog to be gone', async () => processesOfDataDir().every((p) => !p.cmd.includes('watchdog')), 10_000);
      assert.equal(servers(processesOfDataDir()).length, 2, `Postgres and Temporal orphaned:\n${show(processesOfDataDir())}`);

      stage = 'start over orphans; then SIGKILL of everything (stale postmaster.pid)';
      const sixth = await start();
      assert.match(sixth.output(), /left running/, 'the orphans were stopped');
      for (const p of processesOfDataDir()) process.kill(p.pid, 'SIGKILL');
      signalGroup(sixth, 'SIGKILL');
      await sixth.exited;
      await waitFor('every process of the data dir to die', async () => processesOfDataDir().length === 0, 10_000);
      assert.ok(fs.existsSync(path.join(dataDir, 'postgres', 'postmaster.pid')), 'a stale postmaster.pid is left');

      stage = 'start after a crash of everything';
      const last = await start();
      signalGroup(last, 'SIGINT');
      assert.deepEqual(await last.exited, { code: 0, signal: null }, `${stage}:\n${last.output()}`);
      await assertNothingLeft(last);
      assert.equal(fs.existsSync(path.join(dataDir, 'postgres', 'postmaster.pid')), false);
    } catch (err) {
      // Any failure names the stop it happened in.
      if (err instanceof Error) err.message = `at stage "${stage}": ${err.message}`;
      throw err;
    }
  });
});

describe('the stop sequence', () => {
  it('runs every step newest first within its bound; a failing or hanging step is logged with its cause and skips nothing', async () => {
    const lines: string[] = [];
    const log = createLogger('info', 'test', { write: (l: string) => void lines.push(l) });
    const shutdown = new Shutdown(log, () => undefined);
    const ran: string[] = [];
    shutdown.add({ name: 'postgres', timeoutMs: 1_000, stop: async () => void ran.push('postgres') });
    shutdown.add({
      name: 'temporal',
      timeoutMs: 1_000,
      stop: async () => {
        ran.push('temporal');
        throw new Error('SIGTERM refused', { cause: new Error('EPERM') });
      },
      kill: async () => void ran.push('temporal killed'),
    });
    shutdown.add({ name: 'worker', timeoutMs: 200, stop: () => (ran.push('worker'), new Promise(() => undefined)) });
    shutdown.add({ name: 'gateway', timeoutMs: 1_000, stop: async () => void ran.push('gateway') });
    assert.equal(await shutdown.stopAll(), false);
    assert.deepEqual(ran, ['gateway', 'worker', 'temporal', 'temporal killed', 'postgres']);
    const errors = lines.map((l) => JSON.parse(l)).filter((l) => l.level === 50);
    assert.deepEqual(errors.map((e) => e.msg), ['stopping worker failed', 'stopping temporal failed']);
    assert.match(errors[0].err.message, /within 200 ms/);
    assert.deepEqual([errors[1].err.message, errors[1].err.cause.message], ['SIGTERM refused', 'EPERM']);
    assert.equal(await shutdown.stopAll(), false, 'a second call waits for the same run');
    assert.equal(ran.length, 5);
  });
});
