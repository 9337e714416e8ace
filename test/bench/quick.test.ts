// Keeps the benchmark harness from rotting: runs `bench/run.ts --quick` once as a child process
// (its own Postgres, Temporal dev server, receiver, worker and gateway; the worker CPU-profiled) and
// checks that every scenario completed and reported numeric figures, CPU time per process group
// included, and that the worker's profile was summarised. Never asserts on speed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

const ROOT = path.resolve(__dirname, '..', '..');
const SCENARIOS = ['idle', 'raw', 'engine', 'throughput', 'latency', 'fan-out', 'fan-out-10', 'producers', 'backlog', 'retry accuracy', 'dead endpoint', 'tenant-scope', 'noisy-neighbour', 'retention-expiry'];
const CPU_GROUPS = ['worker', 'gateway', 'receiver', 'temporal', 'postgres', 'engine', 'bench'];

function assertFinite(value: unknown, what: string): void {
  assert.equal(typeof value, 'number', what);
  assert.ok(Number.isFinite(value as number), `${what} is ${value}`);
}

test('npm run bench -- --quick runs every scenario and reports numbers', { timeout: 420_000 }, async () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hrhooks-bench-test-')), 'quick.json');
  const env = { ...process.env };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'run.ts'), '--quick', '--profile', 'worker', '--out', out], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  try {
    assert.equal(code, 0, `bench exited with ${code}:\n${output.slice(-4000)}`);
    const report = JSON.parse(fs.readFileSync(out, 'utf8'));
    assert.equal(report.mode, 'quick');
    assert.equal(report.machine.cores, os.cpus().length);
    for (const key of ['node', 'temporalCli', 'postgres']) assert.ok(report.versions[key], `version of ${key}`);
    assert.deepEqual(report.scenarios.map((s: { scenario: string }) => s.scenario), SCENARIOS);
    for (const s of report.scenarios) {
      assert.ok(s.ok, `${s.scenario} failed: ${s.error}`);
      const values = Object.values(s.figures);
      assert.ok(values.length > 0, `${s.scenario} reported no figures`);
      for (const [figure, value] of Object.entries(s.figures)) assertFinite(value, `${s.scenario}.${figure}`);
      for (const key of ['wallSeconds', 'coresUsed', 'machineCoresBusy']) assertFinite(s.cpu[key], `${s.scenario} cpu.${key}`);
      assert.deepEqual(Object.keys(s.cpu.seconds).sort(), [...CPU_GROUPS].sort(), `${s.scenario} CPU groups`);
      for (const group of CPU_GROUPS) {
        assertFinite(s.cpu.seconds[group], `${s.scenario} cpu.seconds.${group}`);
        assertFinite(s.cpu.share[group], `${s.scenario} cpu.share.${group}`);
      }
      assert.ok(s.profiles?.some((p: { role: string }) => p.role === 'worker'), `${s.scenario} has the worker's profile`);
    }
    const mainThread = report.profiles.find((p: { role: string; thread: string }) => p.role === 'worker' && p.thread === 'main');
    assert.ok(mainThread, `profiles: ${JSON.stringify(report.profiles.map((p: { role: string; thread: string }) => `${p.role} ${p.thread}`))}`);
    assert.ok(mainThread.top.length > 0, 'the worker main thread has top functions');
    for (const f of mainThread.top) assertFinite(f.selfMs, `self time of ${f.function}`);
    assert.ok(fs.existsSync(path.join(path.dirname(out), 'worker-main.cpuprofile')), 'the profile is copied next to the report');
    assert.match(output, /CPU seconds per process group/);
    const ratioNames = report.ratios.map((r: { name: string }) => r.name);
    assert.ok(ratioNames.includes('hrhooks / engine'), `ratios: ${ratioNames.join(', ')}`);
    for (const r of report.ratios) {
      assert.ok(Number.isFinite(r.value), `ratio ${r.name} is ${r.value}`);
      assert.equal(typeof r.met, 'boolean', `ratio ${r.name} has a verdict`);
    }
    assert.match(output, /hrhooks \/ engine/);
  } finally {
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
  }
});
