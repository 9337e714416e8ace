// Keeps the benchmark harness from rotting: runs `bench/run.ts --quick` once as a child process
// (its own Postgres, Temporal dev server, receiver, worker and gateway) and checks that every
// scenario completed and reported numeric figures. Never asserts on speed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

const ROOT = path.resolve(__dirname, '..', '..');
const SCENARIOS = ['idle', 'raw', 'engine', 'throughput', 'latency', 'fan-out', 'fan-out-10', 'producers', 'backlog', 'retry accuracy'];

test('npm run bench -- --quick runs every scenario and reports numbers', { timeout: 420_000 }, async () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hrhooks-bench-test-')), 'quick.json');
  const env = { ...process.env };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'run.ts'), '--quick', '--out', out], {
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
      for (const [figure, value] of Object.entries(s.figures)) {
        assert.equal(typeof value, 'number', `${s.scenario}.${figure}`);
        assert.ok(Number.isFinite(value as number), `${s.scenario}.${figure} is ${value}`);
      }
    }
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
