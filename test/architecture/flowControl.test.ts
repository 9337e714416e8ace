// Flow control behind one port (issue 21): the rate limiter's, leases' and circuit breaker's storage is named
// only by the repositories (src/infra/db), written and decided only by src/infra/db/flowControl.ts; the send
// path and the operator paths (activities/, src/app/) import that module's port, not its store functions;
// the breaker's arithmetic lives in src/domain/flow, and so do the waitingFor sentinels.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const ROOT = path.resolve(__dirname, '../..');
const ADAPTER = 'src/infra/db/flowControl.ts';
/** What activities/ and src/app/ may import from the adapter besides types: the port and the pause's join for read models. */
const PORT_NAMES = new Set(['flowControl', 'PAUSE_JOIN']);

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return sources(rel);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [rel] : [];
  });
}

const files = ['src', 'activities', 'workflows'].flatMap(sources).sort();
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
/** The text without its comments (roughly: enough that a comment naming a rule is not mistaken for code). */
const code = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

/** Mentions of the flow-control tables and functions (migration 005). */
export function storageMentions(text: string): string[] {
  return [...code(text).matchAll(/\b(flow_control|flow_leases|flow_lock|flow_acquire|flow_tally)\b/g)].map((m) => m[1]!);
}

/** Statements that write flow-control state or call its deciding functions. */
export function storageWrites(text: string): string[] {
  const body = code(text);
  return [
    ...body.matchAll(/\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(?:flow_control|flow_leases)\b/gi),
    ...body.matchAll(/\bflow_(?:lock|acquire|tally)\s*\(/g),
  ].map((m) => m[0].replace(/\s+/g, ' '));
}

/** Value names a file imports from the adapter (type-only imports are fine anywhere). */
export function adapterImports(file: string, text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/^import\s+(type\s+)?\{([^}]*)\}\s+from\s+['"]([^'"]+)['"]/gm)) {
    if (m[1] || path.normalize(path.join(path.dirname(file), m[3]!)) !== ADAPTER.replace(/\.ts$/, '')) continue;
    for (const name of m[2]!.split(',').map((n) => n.trim()).filter(Boolean)) {
      if (!name.startsWith('type ')) found.push(name.split(/\s+as\s+/)[0]!);
    }
  }
  return found;
}

/** The breaker's and the admission's arithmetic, as it looked when it sat in the send path and the breaker workflow. */
export function breakerArithmetic(text: string): string[] {
  const body = code(text);
  return [
    /\bconsecutiveFailures\b/g,
    /[<>]=?\s*[\w.]*pauseAfterFailures\b|\bpauseAfterFailures\s*[<>]/g,
    /[=!]==?\s*(?:429|503)\b/g,
    /'ssrf'\s*,\s*'invalid_url'/g,
    /\bschedule\s*\[\s*Math\.min/g,
    /\bwaitMs\s*>\s*deadline|>\s*deadline\b/g,
  ].flatMap((re) => [...body.matchAll(re)].map((m) => m[0]));
}

/** Code that reads a waitingFor string instead of the union: a sentinel's literal or a test on the id's prefix. */
export function waitingForByHand(text: string): string[] {
  const body = code(text);
  return [
    ...body.matchAll(/['"](?:subscription paused|rate limit)['"]/g),
    ...body.matchAll(/waitingFor\)?\.startsWith\(/g),
  ].map((m) => m[0]);
}

test('the detectors find what they look for and skip comments', () => {
  assert.deepEqual(storageMentions('pool.query(`SELECT paused_at FROM flow_control`) // flow_leases'), ['flow_control']);
  assert.deepEqual(storageWrites('`UPDATE flow_control SET x = 1`; `SELECT * FROM flow_tally($1)`; `SELECT 1 FROM flow_control`'), ['UPDATE flow_control', 'flow_tally(']);
  assert.deepEqual(adapterImports('activities/x.ts', "import { acquireSlots, type SlotAnswer } from '../src/infra/db/flowControl';"), ['acquireSlots']);
  assert.deepEqual(adapterImports('activities/x.ts', "import type { SlotAnswer } from '../src/infra/db/flowControl';"), []);
  assert.equal(breakerArithmetic('if (ctx.breaker.consecutiveFailures === 0 && code === 429) x();').length, 2);
  assert.equal(breakerArithmetic('// consecutiveFailures === 0\nconst a = 1;').length, 0);
  assert.deepEqual(waitingForByHand("if (d.waitingFor.startsWith('dlv_')) x(); const p = 'subscription paused';").sort(), ["'subscription paused'", 'waitingFor.startsWith(']);
});

test('only src/infra/db names the flow-control storage; only the adapter writes it or calls its functions', () => {
  const outside = files.filter((f) => !f.startsWith('src/infra/db/') && storageMentions(read(f)).length > 0);
  assert.deepEqual(outside, [], 'flow-control tables or functions named outside the repositories');
  const writers = files.filter((f) => f !== ADAPTER).flatMap((f) => storageWrites(read(f)).map((w) => `${f}: ${w}`));
  assert.deepEqual(writers, [], `flow-control state written outside ${ADAPTER}`);
  assert.ok(storageWrites(read(ADAPTER)).length > 0, 'the adapter writes');
});

test('the send path and the operator paths talk to the port', () => {
  const wrong = files.filter((f) => f.startsWith('activities/') || f.startsWith('src/app/'))
    .flatMap((f) => adapterImports(f, read(f)).filter((n) => !PORT_NAMES.has(n)).map((n) => `${f}: ${n}`));
  assert.deepEqual(wrong, []);
});

test('no breaker or admission arithmetic in activities/ or workflows/ (src/domain/flow decides)', () => {
  const wrong = files.filter((f) => f.startsWith('activities/') || f.startsWith('workflows/'))
    .flatMap((f) => breakerArithmetic(read(f)).map((m) => `${f}: ${m}`));
  assert.deepEqual(wrong, []);
});

test('waitingFor is read through the union (src/domain/flow/waitingFor.ts holds the sentinels)', () => {
  const wrong = [...files, ...sources('scripts')].filter((f) => f !== 'src/domain/flow/waitingFor.ts')
    .flatMap((f) => waitingForByHand(read(f)).map((m) => `${f}: ${m}`));
  assert.deepEqual(wrong, []);
});
