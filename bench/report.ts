// The benchmark report: a plain-text table for the terminal and the JSON document written to
// bench/results/latest.json, both carrying the machine's core count and the versions used, each
// figure's target, and the ratios between scenarios of the same run (hrhooks / engine, fan-out /
// single), each scenario's CPU time per process group, and the summaries of the CPU profiles taken.
// Targets are reported as met/MISSED, never asserted.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CPU_GROUPS, type CpuShares } from './cpu';
import type { ProfileSummary } from './profile';
import type { Figures, Sizes } from './scenarios/scenario';

export interface ScenarioReport {
  scenario: string;
  ok: boolean;
  seconds: number;
  figures: Figures;
  notes: string[];
  error?: string;
  /** CPU time of the stack's processes while the scenario ran. */
  cpu: CpuShares;
  /** With `--profile`: top functions of each profiled process and thread while the scenario ran. */
  profiles?: ProfileSummary[];
}

export interface Report {
  startedAt: string;
  mode: 'quick' | 'full' | 'custom';
  machine: { cores: number; cpu: string; memoryMB: number; loadAverage: number[] };
  versions: Record<string, string>;
  settings: Record<string, string>;
  sizes: Sizes;
  scenarios: ScenarioReport[];
  ratios: RatioReport[];
  /** With `--profile`: top functions of each profiled process and thread over all the scenarios. */
  profiles: ProfileSummary[];
}

/** A figure of one scenario divided by a figure of another from the same run, against a goal. */
export interface RatioReport {
  name: string;
  of: string;
  /** null when a scenario it needs did not run or failed. */
  value: number | null;
  target: string;
  met: boolean | null;
}

type Goal = ['>=' | '<=', number];

/** Goals on single figures, from issues 7 and 11: [scenario, figure, comparison, value]. Reported, never asserted. */
export const TARGETS: [string, string, ...Goal][] = [
  ['idle', 'workerRssMB', '<=', 200],
  ['throughput', 'endToEndPerSecond', '>=', 300],
  ['latency', 'p99Ms', '<=', 250],
  ['latency', 'gatewayP99Ms', '<=', 50],
  ['producers', 'apiP99Ms', '<=', 50],
  ['producers', 'status503', '<=', 0],
  ['producers', 'lost', '<=', 0],
  ['producers', 'deliveredTwice', '<=', 0],
  ['backlog', 'workerRssMB', '<=', 300],
  ['backlog', 'drainPerSecond', '>=', 200],
  ['retry accuracy', 'latenessP99Ms', '<=', 1000],
];

interface RatioSpec {
  name: string;
  numerator: [string, string];
  denominator: [string, string];
  goal: Goal;
}

/** Fan-out to k subscriptions should deliver at ≥ 0.8 × k times the one-subscription rate (5 → 4×, 10 → 8×). */
const fanoutRatio = (scenario: string, width: number): RatioSpec => ({
  name: `${scenario} (${width} subscriptions) / single`,
  numerator: [scenario, 'deliveriesPerSecond'],
  denominator: ['throughput', 'endToEndPerSecond'],
  goal: ['>=', round2(0.8 * width)],
});

/** Goals from issue 11 that compare scenarios of the same run: the engine's ceiling and the one-subscription rate. */
export function ratioSpecs(sizes: Sizes): RatioSpec[] {
  return [
    { name: 'hrhooks / engine', numerator: ['throughput', 'endToEndPerSecond'], denominator: ['engine', 'workflowsPerSecond'], goal: ['>=', 0.9] },
    fanoutRatio('fan-out', sizes.fanoutSubscriptions),
    fanoutRatio('fan-out-10', sizes.fanoutWideSubscriptions),
    { name: 'backlog drain / engine', numerator: ['backlog', 'drainPerSecond'], denominator: ['engine', 'workflowsPerSecond'], goal: ['>=', 0.9] },
  ];
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function meets([cmp, goal]: Goal, value: number): boolean {
  return cmp === '>=' ? value >= goal : value <= goal;
}

export function ratios(scenarios: ScenarioReport[], sizes: Sizes): RatioReport[] {
  const figures = new Map(scenarios.filter((s) => s.ok).map((s) => [s.scenario, s.figures]));
  return ratioSpecs(sizes).map((spec) => {
    const [ns, nf] = spec.numerator;
    const [ds, df] = spec.denominator;
    const top = figures.get(ns)?.[nf];
    const bottom = figures.get(ds)?.[df];
    const value = top === undefined || bottom === undefined ? null : round2(top / bottom);
    return {
      name: spec.name,
      of: `${ns} ${nf} / ${ds} ${df}`,
      value,
      target: `${spec.goal[0]} ${spec.goal[1]}`,
      met: value === null || !Number.isFinite(value) ? null : meets(spec.goal, value),
    };
  });
}

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
  return `${cmp} ${goal} ${meets([cmp, goal], value) ? 'met' : 'MISSED'}`;
}

function grid(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  return [line(rows[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)];
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
  const ratioRows: string[][] = [['ratio', 'of', 'value', 'target']];
  for (const r of report.ratios) {
    const verdict = r.met === null ? 'n/a' : r.met ? 'met' : 'MISSED';
    ratioRows.push([r.name, r.of, r.value === null ? 'n/a (not run)' : String(r.value), `${r.target} ${verdict}`]);
  }
  const m = report.machine;
  const v = report.versions;
  const percent = (share: number): string => `${Math.round(share * 100)}%`;
  const cpuRows: string[][] = [['scenario', 'wall s', 'cores used', 'machine busy', ...CPU_GROUPS.map((g) => `${g} s (share)`)]];
  for (const s of report.scenarios) {
    const c = s.cpu;
    cpuRows.push([s.scenario, String(c.wallSeconds), String(c.coresUsed), String(c.machineCoresBusy), ...CPU_GROUPS.map((g) => `${c.seconds[g]} (${percent(c.share[g])})`)]);
  }
  const profiles = report.profiles.flatMap((p) => [
    '',
    `CPU profile of the ${p.role}, ${p.thread} thread, all scenarios: ${p.sampledMs} ms sampled, ${p.idleMs} ms idle, ${p.busyMs} ms busy (${path.basename(p.file)}); top functions by self time:`,
    ...grid([
      ['self ms', '% of busy', 'function', 'where'],
      ...p.top.map((f) => [String(f.selfMs), percent(f.shareOfBusy), f.function, f.url ? `${f.url}:${f.line}` : '']),
    ]),
  ]);
  return [
    `hrhooks bench (${report.mode}) ${report.startedAt}: ${m.cores} cores (${m.cpu}), ${m.memoryMB} MB, load ${m.loadAverage.join(' ')}`,
    `node ${v.node}, Temporal ${v.temporal ?? v.temporalCli}, @temporalio ${v.temporalSdk}, PostgreSQL ${v.postgres}, undici ${v.undici}; hrhooks from ${v.hrhooksEntry}`,
    `settings: ${Object.entries(report.settings).map(([k, val]) => `${k}=${val}`).join(' ') || 'defaults'}`,
    '',
    ...grid(rows),
    '',
    ...grid(ratioRows),
    '',
    'CPU seconds per process group while each scenario ran (share of the groups\' total); cores used = their total ÷ wall time; machine busy = every process on the machine:',
    ...grid(cpuRows),
    ...profiles,
  ].join('\n');
}

export function writeReport(report: Report, file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
}

/** The label of a report's Temporal (settings.temporal; reports from before it ran on the dev server). */
function temporalOf(report: Report): string {
  const temporal = report.settings.temporal === 'server' ? 'real server' : 'dev server';
  // `--codec on,off`: the Temporal payload codec's setting of that run
  return report.settings.HRHOOKS_PAYLOAD_CODEC ? `${temporal}, codec ${report.settings.HRHOOKS_PAYLOAD_CODEC}` : temporal;
}

/**
 * Reports of the same scenarios on different Temporals (`--temporal dev,server`) side by side: every
 * figure of the scenarios they share, the ratios, and each scenario's CPU shares (Temporal, Postgres,
 * worker, gateway) with the cores used and the machine's load, so a difference can be read as where
 * the time went.
 */
export function comparisonTable(reports: Report[]): string {
  const names = reports.map(temporalOf);
  const shared = reports[0]!.scenarios.filter((s) => s.ok && reports.every((r) => r.scenarios.some((o) => o.scenario === s.scenario && o.ok))).map((s) => s.scenario);
  const scenarioOf = (r: Report, name: string) => r.scenarios.find((s) => s.scenario === name)!;
  const rows: string[][] = [['scenario', 'figure', ...names]];
  for (const name of shared) {
    for (const figure of Object.keys(scenarioOf(reports[0]!, name).figures)) {
      rows.push([name, figure, ...reports.map((r) => String(scenarioOf(r, name).figures[figure] ?? 'n/a'))]);
    }
  }
  for (const ratio of reports[0]!.ratios) {
    rows.push(['ratio', ratio.name, ...reports.map((r) => String(r.ratios.find((o) => o.name === ratio.name)?.value ?? 'n/a'))]);
  }
  const percent = (share: number): string => `${Math.round(share * 100)}%`;
  const cpuRows: string[][] = [['scenario', 'Temporal', 'wall s', 'cores used', 'machine busy', 'temporal', 'postgres', 'worker', 'gateway', 'other']];
  for (const name of shared) {
    for (const [i, r] of reports.entries()) {
      const c = scenarioOf(r, name).cpu;
      const other = 1 - c.share.temporal - c.share.postgres - c.share.worker - c.share.gateway;
      cpuRows.push([name, names[i]!, String(c.wallSeconds), String(c.coresUsed), String(c.machineCoresBusy),
        ...(['temporal', 'postgres', 'worker', 'gateway'] as const).map((g) => `${c.seconds[g]} s (${percent(c.share[g])})`), percent(other)]);
    }
  }
  return [
    `Temporal ${names.join(' vs ')}: the same scenarios and sizes, a fresh stack each`,
    ...reports.map((r, i) => `  ${names[i]}: ${r.versions.temporal ?? r.versions.temporalCli}; started ${r.startedAt}, load average at its end ${r.machine.loadAverage.join(' ')}`),
    '',
    ...grid(rows),
    '',
    'CPU seconds per process group while each scenario ran (share of the groups\' total; other = receiver, engine worker, bench process):',
    ...grid(cpuRows),
  ].join('\n');
}
