// What never leaves the machine (issue 20 item 22): git ignores .env (keys for docker-compose) and data/, and the
// image's build context is an allow-list holding only what the Dockerfile copies, never .env or data/.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const ROOT = path.join(__dirname, '../..');

test('git ignores .env and data/, and keeps tracking .env.example', () => {
  const ignored = (p: string) => {
    try {
      execFileSync('git', ['check-ignore', '-q', '--no-index', p], { cwd: ROOT });
      return true;
    } catch {
      return false;
    }
  };
  assert.equal(ignored('.env'), true);
  assert.equal(ignored('.env.production'), true);
  assert.equal(ignored('data/bootstrap-keys.json'), true);
  assert.equal(ignored('.env.example'), false);
});

test('.dockerignore lets in exactly what the Dockerfile copies, so no .env or data/ reaches the build context', () => {
  const lines = fs.readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  assert.equal(lines[0], '*', 'an allow-list: everything excluded first');
  const allowed = lines.slice(1).map((l) => {
    assert.ok(l.startsWith('!'), `only re-inclusions after "*": ${l}`);
    return l.slice(1).replace(/\/$/, '');
  });
  for (const secret of ['.env', 'data', '.git', 'node_modules', 'test-output']) {
    assert.ok(!allowed.some((a) => a === secret || secret.startsWith(`${a}/`) || a.startsWith(`${secret}/`)), `${secret} stays out`);
  }
  const copied = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8').split('\n')
    .filter((l) => /^COPY (?!--from)/.test(l))
    .flatMap((l) => l.replace(/^COPY\s+/, '').split(/\s+/).slice(0, -1));
  for (const source of copied) {
    assert.ok(allowed.includes(source.replace(/\/$/, '')), `${source} (copied by the Dockerfile) is in the build context`);
  }
});
