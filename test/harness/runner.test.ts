// The test runner itself (scripts/runTests.ts) on a file whose test never ends and whose process ignores
// SIGTERM: the test fails at its timeout, and the run still ends (exit 1, the process gone) instead of
// waiting for that process for ever. It uses the Postgres and dev server this run already has.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { it } from 'node:test';

const ROOT = path.resolve(__dirname, '..', '..');

function processesNaming(text: string): number[] {
  return fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n)).flatMap((n) => {
    try {
      return fs.readFileSync(`/proc/${n}/cmdline`, 'utf8').includes(text) ? [Number(n)] : [];
    } catch {
      return [];
    }
  });
}

it('a test file that outlives its timeout fails the run and is killed; the run ends', { timeout: 120_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hrhooks-runner-'));
  fs.writeFileSync(path.join(dir, 'stuck.test.ts'), [
    "import { test } from 'node:test';",
    'process.on(\'SIGTERM\', () => undefined);',
    'setInterval(() => undefined, 1_000);',
    "test('never ends', () => new Promise(() => undefined));",
    '',
  ].join('\n'));
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/runTests.ts'], {
    cwd: ROOT,
    env: { ...process.env, HRHOOKS_TEST_ROOT: dir, HRHOOKS_TEST_TIMEOUT_MS: '2000', HRHOOKS_TEST_STRAGGLER_GRACE_MS: '3000', NODE_TEST_CONTEXT: undefined },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    assert.equal(code, 1, output);
    assert.match(output, /^# cancelled 1$/m, 'the stuck test is reported');
    assert.match(output, /has not exited: a test file it timed out is still running; killing its process group/);
    assert.ok(Date.now() - started < 60_000, `the run ended ${Date.now() - started} ms after it began`);
    assert.deepEqual(processesNaming(path.join(dir, 'stuck.test.ts')), [], 'the stuck file\'s process is gone');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
