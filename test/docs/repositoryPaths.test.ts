// Every repository path the README, SECURITY.md and the bench README name in backticks exists, so the docs
// cannot point a newcomer at a file that moved. Generated paths (dist/, bench/results/) are left out.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const ROOT = path.resolve(__dirname, '../..');
const DOCS = ['README.md', 'SECURITY.md', 'bench/README.md'];
const TOP = /^(src|test|workflows|activities|scripts|bench|migrations|bin|examples|dev-support|\.ci)\//;
const GENERATED = /^(dist|bench\/results)\//;

/** Backticked tokens that read as a repository path; a glob keeps its part before the first `*`. */
export function namedPaths(markdown: string): string[] {
  const found = new Set<string>();
  for (const [, token] of markdown.matchAll(/`([^`\s]+)`/g)) {
    const cleaned = token!.replace(/[.,:;)]+$/, '');
    if (!TOP.test(cleaned) || GENERATED.test(cleaned)) continue;
    found.add(cleaned.split('*')[0]!.replace(/\/$/, ''));
  }
  return [...found].sort();
}

test('namedPaths reads paths and globs, and skips what is not a path', () => {
  assert.deepEqual(namedPaths('see `src/a.ts`, `test/**/*.test.ts` and `npm test`, `dist/x.js`, `bench/results/latest.json`'), ['src/a.ts', 'test']);
});

for (const doc of DOCS) {
  test(`every repository path named in ${doc} exists`, () => {
    const named = namedPaths(fs.readFileSync(path.join(ROOT, doc), 'utf8'));
    assert.ok(named.length > 0, `${doc} names some paths (else this test checks nothing)`);
    const missing = named.filter((p) => !fs.existsSync(path.join(ROOT, p)));
    assert.deepEqual(missing, [], `${doc} names paths that do not exist`);
  });
}
