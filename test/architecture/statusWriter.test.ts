// Exactly one module writes a delivery's status: every SQL statement that sets deliveries.status lives in
// src/infra/db/deliveryStatus.ts. What the status becomes is decided once (src/domain/delivery/transition.ts).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const ROOT = path.resolve(__dirname, '../..');
const WRITER = 'src/infra/db/deliveryStatus.ts';

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return sources(rel);
    return /\.tsx?$/.test(e.name) ? [rel] : [];
  });
}

/** The statements of a file that update deliveries and set its status (up to the statement's WHERE or FROM). */
export function statusWrites(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/UPDATE\s+deliveries\b[\s\S]*?\bSET\b([\s\S]*?)(?:\bWHERE\b|\bFROM\b|`)/gi)) {
    if (/(^|[\s,])status\s*=/i.test(m[1]!)) found.push(m[0].replace(/\s+/g, ' ').slice(0, 80));
  }
  return found;
}

test('statusWrites finds a status update and ignores other updates', () => {
  assert.equal(statusWrites("UPDATE deliveries SET status = 'x', updated_at = now() WHERE id = $1").length, 1);
  assert.equal(statusWrites('UPDATE deliveries d SET\n  status = CASE WHEN a THEN b END FROM input i').length, 1);
  assert.equal(statusWrites('UPDATE deliveries SET workflow_started = true, last_status_code = 3 WHERE id = $1').length, 0);
  assert.equal(statusWrites("UPDATE subscriptions SET status = 'x' WHERE id = $1").length, 0);
});

test(`only ${WRITER} sets a delivery's status`, () => {
  const writers = ['src', 'activities', 'workflows'].flatMap(sources)
    .flatMap((file) => statusWrites(fs.readFileSync(path.join(ROOT, file), 'utf8')).map((sql) => `${file}: ${sql}`));
  assert.ok(writers.some((w) => w.startsWith(WRITER)), 'the writer writes');
  assert.deepEqual(writers.filter((w) => !w.startsWith(WRITER)), []);
});
