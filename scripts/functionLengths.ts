// Prints the longest functions of the product's code (src/, workflows/, activities/), longest first, so
// the house plan's "no function past 60 lines" is measured, not guessed: `npx tsx scripts/functionLengths.ts [N]`.
// Parses with swc (the Temporal worker's own dependency); a function's length is its lines, first to last.
import fs from 'node:fs';
import path from 'node:path';
import { parseSync } from '@swc/core';

const ROOT = path.resolve(__dirname, '..');
const DIRS = ['src', 'workflows', 'activities'];

export interface FunctionLength {
  file: string;
  name: string;
  line: number;
  lines: number;
}

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return sources(rel);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [rel] : [];
  });
}

type Node = { type?: string; span?: { start: number; end: number }; [key: string]: unknown };
const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression', 'ClassMethod', 'MethodProperty', 'Constructor']);

function nameOf(node: Node, parentName: string): string {
  const ident = (node.identifier ?? (node as { key?: Node }).key) as { value?: string } | undefined;
  return ident?.value ?? parentName ?? '(anonymous)';
}

/** Every function of one file with its first line and length in lines. */
export function functionsOf(file: string): FunctionLength[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const module = parseSync(text, { syntax: 'typescript', tsx: file.endsWith('.tsx'), comments: false }) as unknown as Node;
  const base = module.span!.start;
  const bytes = Buffer.from(text, 'utf8');
  const lineAt = (offset: number) => bytes.subarray(0, Math.max(0, offset - base)).toString('utf8').split('\n').length;
  const found: FunctionLength[] = [];
  const walk = (node: unknown, parentName: string) => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach((n) => walk(n, parentName));
    const n = node as Node;
    let name = parentName;
    if (n.type === 'VariableDeclarator') name = ((n.id as { value?: string })?.value) ?? parentName;
    if (n.type && FUNCTIONS.has(n.type) && n.span) {
      const fn = n.type === 'ClassMethod' || n.type === 'MethodProperty' ? ((n.function as Node)?.span ?? n.span) : n.span;
      const first = lineAt(fn.start);
      found.push({ file, name: nameOf(n, name), line: first, lines: lineAt(fn.end) - first + 1 });
    }
    for (const [key, value] of Object.entries(n)) if (key !== 'span') walk(value, name);
  };
  walk(module, '(module)');
  return found;
}

export function longestFunctions(count: number): FunctionLength[] {
  return DIRS.flatMap(sources).flatMap(functionsOf).sort((a, b) => b.lines - a.lines).slice(0, count);
}

if (require.main === module) {
  for (const f of longestFunctions(Number(process.argv[2] ?? 10))) console.log(`${String(f.lines).padStart(4)}  ${f.file}:${f.line}  ${f.name}`);
}
