// The house plan, checked from the code's own imports: no import runs back up from a lower layer to a
// higher one (domain ← infra ← app ← interfaces), domain imports nothing of ours outside domain, interfaces
// reach infra only through app, and no two modules import each other through any path (no circle).
// The one exception is the Temporal pattern: workflows import activities as types only.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const ROOT = path.resolve(__dirname, '../..');
const SOURCES = ['src', 'workflows', 'activities'];

type Layer = 'domain' | 'infra' | 'app' | 'workflows' | 'interfaces';
const RANK: Record<Layer, number> = { domain: 0, infra: 1, app: 2, workflows: 2, interfaces: 3 };

/** Cross-cutting settings and observability: every layer above the domain may read them. */
const PLATFORM = new Set(['src/infra/config.ts', 'src/infra/observability/log.ts', 'src/infra/observability/metrics.ts', 'src/infra/packageRoot.ts']);
/** Where the adapters are wired together (a process's entry): these interfaces may take infra directly. */
const COMPOSITION = [/^src\/interfaces\/api\/(server|deps)\.ts$/, /^src\/interfaces\/worker\//, /^src\/interfaces\/cli\/context\.ts$/, /^src\/local\//];

/** Workflow-side contracts (signal, query and input types; search attribute keys) sit with the domain. */
const CONTRACTS = new Set(['workflows/definitions.ts', 'workflows/contracts.ts', 'workflows/breakerDefinitions.ts', 'workflows/searchAttributes.ts']);

export function layerOf(file: string): Layer {
  if (CONTRACTS.has(file) || file.startsWith('src/domain/')) return 'domain';
  if (file.startsWith('src/infra/')) return 'infra';
  if (file.startsWith('src/app/') || file.startsWith('activities/')) return 'app';
  if (file.startsWith('workflows/')) return 'workflows';
  if (file.startsWith('src/interfaces/') || file.startsWith('src/local/')) return 'interfaces';
  throw new Error(`${file} is in no layer: put it under src/domain, src/infra, src/app, src/interfaces or src/local`);
}

interface Import { from: string; to: string; typeOnly: boolean }

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(rel);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [rel] : [];
  });
}

function resolve(from: string, spec: string): string | null {
  const base = path.normalize(path.join(path.dirname(from), spec));
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')]) {
    if (fs.existsSync(path.join(ROOT, candidate)) && fs.statSync(path.join(ROOT, candidate)).isFile()) return candidate;
  }
  return null;
}

const IMPORT = /^\s*(import|export)\s+(type\s+)?[^'";]*?\s*from\s+['"](\.[^'"]+)['"]|require\(\s*['"](\.[^'"]+)['"]\s*\)|import\(\s*['"](\.[^'"]+)['"]\s*\)/gm;

export function importsOf(file: string): Import[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const found: Import[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[3] ?? m[4] ?? m[5]!;
    const to = resolve(file, spec);
    if (to && SOURCES.some((s) => to.startsWith(`${s}/`))) found.push({ from: file, to, typeOnly: !!m[2] || (!!m[5] && /typeof\s+import\(\s*$/.test(text.slice(0, m.index! + 0))) });
  }
  return found;
}

const all = SOURCES.flatMap(sourceFiles).sort();
const imports = all.flatMap(importsOf);

function backUp(i: Import): boolean {
  const [a, b] = [layerOf(i.from), layerOf(i.to)];
  if (a === 'workflows' && i.to.startsWith('activities/') && i.typeOnly) return false;
  if (PLATFORM.has(i.to) && a !== 'domain') return false;
  if (a === 'interfaces' && b === 'infra') return !i.typeOnly && !COMPOSITION.some((re) => re.test(i.from));
  return RANK[b] > RANK[a] || (a === 'workflows' && b !== 'domain' && b !== 'workflows');
}

test('every source file is in a layer', () => {
  for (const file of all) layerOf(file);
});

test('no import runs back up a layer (interfaces reach infra through app; domain imports only domain)', () => {
  const wrong = imports.filter(backUp).map((i) => `${i.from} (${layerOf(i.from)}) -> ${i.to} (${layerOf(i.to)})`);
  assert.equal(wrong.length, 0, `imports that run back up:\n${wrong.join('\n')}`);
});

test('no circle of imports', () => {
  const edges = new Map<string, string[]>();
  for (const i of imports) edges.set(i.from, [...(edges.get(i.from) ?? []), i.to]);
  const state = new Map<string, 'open' | 'done'>();
  const circles: string[] = [];
  const visit = (file: string, trail: string[]) => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'open') {
      circles.push([...trail.slice(trail.indexOf(file)), file].join(' -> '));
      return;
    }
    state.set(file, 'open');
    for (const next of edges.get(file) ?? []) visit(next, [...trail, file]);
    state.set(file, 'done');
  };
  for (const file of all) visit(file, []);
  assert.equal(circles.length, 0, `circles:\n${circles.join('\n')}`);
});

test('the figures (files, imports, back up, circles) are printed for the record', () => {
  console.log(`# house: ${all.length} files, ${imports.length} imports, ${imports.filter(backUp).length} back up`);
});
