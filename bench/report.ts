// The benchmark report: a plain-text table for the terminal and the JSON document written to
// bench/results/latest.json, both carrying the machine's core count and the versions used.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Figures, Sizes } from './scenarios/scenario';

export interface ScenarioReport {
  scenario: string;
  ok: boolean;
  seconds: number;
  figures: Figures;
  notes: string[];
  error?: string;
}

export interface Report {
  startedAt: string;
  mode: 'quick' | 'full' | 'custom';
  machine: { cores: number; cpu: string; memoryMB: number; loadAverage: number[] };
  versions: Record<string, string>;
  settings: Record<string, string>;
  sizes: Sizes;
  scenarios: ScenarioReport[];
}

/** Goals from the issue: [scenario, figure, comparison, value]. Reported, never asserted. */
export const TARGETS: [string, string, '>=' | '<=', number][] = [
  ['throughput', 'endToEndPerSecond', '>=', 300],
  ['latency', 'p99Ms', '<=', 250],
  ['latency', 'gatewayP99Ms', '<=', 50],
  ['backlog', 'workerRssMB', '<=', 300],
  ['backlog', 'drainPerSecond', '>=', 200],
  ['retry accuracy', 'latenessP99Ms', '<=', 1000],
];

export function machine(): Report['machine'] {
  return {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memoryMB: Math.round(os.totalmem() / 2 ** 20),
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

function targetFor(scenario: string, figure: string, value: number): string {
  const target = TARGETS.find(([s, f]) => s === scenario && f === figure);
  if (!target) return '';
  const [, , cmp, goal] = target;
  const met = cmp === '>=' ? value >= goal : value <= goal;
  return `${cmp} ${goal} ${met ? 'met' : 'MISSED'}`;
}

export function table(report: Report): string {
  const rows: string[][] = [['scenario', 'figure', 'value', 'target']];
  for (const s of report.scenarios) {
    if (!s.ok) {
      rows.push([s.scenario, 'ERROR', s.error ?? 'failed', '']);
      continue;
    }
    for (const [figure, value] of Object.entries(s.figures)) rows.push([s.scenario, figure, String(value), targetFor(s.scenario, figure, value)]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  const header = [line(rows[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`];
  const m = report.machine;
  const v = report.versions;
  return [
    `hrhooks bench (${report.mode}) ${report.startedAt}: ${m.cores} cores (${m.cpu}), ${m.memoryMB} MB, load ${m.loadAverage.join(' ')}`,
    `node ${v.node}, ${v.temporalCli}, @temporalio ${v.temporalSdk}, PostgreSQL ${v.postgres}, undici ${v.undici}`,
    `settings: ${Object.entries(report.settings).map(([k, val]) => `${k}=${val}`).join(' ') || 'defaults'}`,
    '',
    ...header,
    ...rows.slice(1).map(line),
  ].join('\n');
}

export function writeReport(report: Report, file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
}
