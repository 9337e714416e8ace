// `npm run bench`: starts the whole stack from nothing, runs the scenarios in order, prints a table
// and writes bench/results/latest.json. `--quick` runs every scenario at a tiny size; `--only a,b`
// picks scenarios (`idle` always runs first); `--size name=value` overrides a size (see Sizes); `--set NAME=value` passes a
// tuning variable to the worker and gateway; `--sqlite p=v,…|none` sets the Temporal SQLite pragmas;
// `--pg-fsync` turns Postgres fsync on; `--out file` writes the JSON elsewhere; `--profile worker,gateway`
// CPU-profiles those processes (profiles next to the JSON, top functions in the report). Every scenario
// reports the CPU time of each of the stack's processes (bench/cpu.ts). `--temporal server` runs on the
// real Temporal server on Postgres instead of the dev server; `--temporal dev,server` runs the scenarios
// on each in turn (a fresh stack each, one JSON each: <out>-dev.json, <out>-server.json) and prints them
// side by side. `--codec on,off` does the same with the Temporal payload codec on and off (HRHOOKS_PAYLOAD_CODEC):
// CPU per delivery and the single-subscription rate with and without encryption, one invocation.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cpuShares, sampleCpu, type CpuSample } from './cpu';
import { GatewayClient } from './gatewayClient';
import { loadProfile, PROFILABLE, summariseProfile, type ProfiledRole, type ProfileSummary } from './profile';
import { comparisonTable, machine, ratios, table, writeReport, type Report, type ScenarioReport } from './report';
import { backlog } from './scenarios/backlog';
import { deadEndpoint } from './scenarios/deadEndpoint';
import { engine } from './scenarios/engine';
import { fanout, fanoutWide } from './scenarios/fanout';
import { idle } from './scenarios/idle';
import { noisyNeighbour } from './scenarios/noisyNeighbour';
import { latency } from './scenarios/latency';
import { producers } from './scenarios/producers';
import { raw } from './scenarios/raw';
import { retentionExpiry } from './scenarios/retentionExpiry';
import { retryAccuracy } from './scenarios/retryAccuracy';
import { FULL, QUICK, type Figures, type Scenario, type Sizes } from './scenarios/scenario';
import { tenantScope } from './scenarios/tenantScope';
import { throughput } from './scenarios/throughput';
import { startStack, type Stack } from './stack';

/** In order: `idle` always runs first (before any work); `engine` before the scenarios compared with it. */
const SCENARIOS: Scenario[] = [idle, raw, engine, throughput, latency, fanout, fanoutWide, producers, backlog, retryAccuracy, deadEndpoint, tenantScope, noisyNeighbour, retentionExpiry];
const ALWAYS = new Set(['idle']);
const ALIASES: Record<string, string> = {
  noisy: 'noisy-neighbour', 'noisy-neighbor': 'noisy-neighbour',
  fanout: 'fan-out', 'fanout-10': 'fan-out-10', fanout10: 'fan-out-10', retry: 'retry accuracy', 'retry-accuracy': 'retry accuracy', dead: 'dead endpoint', 'dead-endpoint': 'dead endpoint',
};

const log = (line: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
};

function options() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      size: { type: 'string', multiple: true, default: [] },
      set: { type: 'string', multiple: true, default: [] },
      out: { type: 'string', default: path.join(__dirname, 'results', 'latest.json') },
      'pg-fsync': { type: 'boolean', default: false },
      sqlite: { type: 'string', default: 'journal_mode=wal,synchronous=normal' },
      profile: { type: 'string', default: '' },
      temporal: { type: 'string', default: 'dev' },
      codec: { type: 'string', default: 'on' },
    },
    allowPositionals: false,
  });
  const sizes: Sizes = { ...(values.quick ? QUICK : FULL) };
  for (const pair of values.size) {
    const [name, value] = pair.split('=');
    if (!name || !(name in sizes) || !Number.isFinite(Number(value))) throw new Error(`--size ${pair}: expected one of ${Object.keys(sizes).join(', ')} = number`);
    sizes[name as keyof Sizes] = Number(value);
  }
  const settings: Record<string, string> = {};
  for (const pair of values.set) {
    const at = pair.indexOf('=');
    if (at < 1) throw new Error(`--set ${pair}: expected NAME=value`);
    settings[pair.slice(0, at)] = pair.slice(at + 1);
  }
  const wanted = values.only?.split(',').map((s) => ALIASES[s.trim()] ?? s.trim());
  const unknown = wanted?.filter((w) => !SCENARIOS.some((s) => s.name === w)) ?? [];
  if (unknown.length) throw new Error(`--only: unknown scenario(s) ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  const profile = values.profile.split(',').map((s) => s.trim()).filter(Boolean);
  const notProfilable = profile.filter((p) => !(PROFILABLE as readonly string[]).includes(p));
  if (notProfilable.length) throw new Error(`--profile: ${notProfilable.join(', ')}: expected ${PROFILABLE.join(' and/or ')}`);
  const temporals = values.temporal.split(',').map((t) => t.trim());
  if (!temporals.length || temporals.some((t) => t !== 'dev' && t !== 'server')) throw new Error(`--temporal ${values.temporal}: expected dev, server or dev,server`);
  const codecs = values.codec.split(',').map((c) => c.trim());
  if (!codecs.length || codecs.some((c) => c !== 'on' && c !== 'off')) throw new Error(`--codec ${values.codec}: expected on, off or on,off`);
  const mode: Report['mode'] = values.quick ? 'quick' : values.size.length || wanted ? 'custom' : 'full';
  return { sizes, settings, mode, out: values.out, temporals: temporals as Array<'dev' | 'server'>, codecs: codecs as Array<'on' | 'off'>, profile: profile as ProfiledRole[], pgFsync: values['pg-fsync'], sqlitePragmas: values.sqlite === 'none' ? [] : values.sqlite.split(','), scenarios: SCENARIOS.filter((s) => !wanted || wanted.includes(s.name) || ALWAYS.has(s.name)) };
}

/**
 * Summaries of the CPU profiles: per scenario (set on each report, cut by its CPU window), and over
 * all the scenarios (from the first one's start to the last one's end: start-up and teardown left out).
 */
function summariseProfiles(stack: Stack, results: ScenarioReport[], windows: Map<ScenarioReport, [number, number]>): ProfileSummary[] {
  const spans = [...windows.values()];
  if (!stack.profiles.length || !spans.length) return [];
  const overall: [number, number] = [Math.min(...spans.map((w) => w[0])), Math.max(...spans.map((w) => w[1]))];
  return stack.profiles.flatMap((file) => {
    try {
      const profile = loadProfile(file);
      for (const report of results) (report.profiles ??= []).push(summariseProfile(profile, windows.get(report)));
      return [summariseProfile(profile, overall)];
    } catch (err) {
      log(`profile ${file.file}: ${(err as Error).message}`);
      return [];
    }
  });
}

type Options = ReturnType<typeof options>;

/** With several Temporals, each report goes next to `out` with the Temporal's name. */
function outFor(opts: Options, temporal: 'dev' | 'server', codec: 'on' | 'off'): string {
  const suffix = `${opts.temporals.length > 1 ? `-${temporal}` : ''}${opts.codecs.length > 1 ? `-codec-${codec}` : ''}`;
  return suffix ? opts.out.replace(/(\.json)?$/, `${suffix}.json`) : opts.out;
}

async function main(): Promise<number> {
  const opts = options();
  process.on('unhandledRejection', (reason) => log(`unhandled rejection (ignored): ${(reason as Error)?.message ?? reason}`));
  const reports: Report[] = [];
  let ok = true;
  for (const temporal of opts.temporals) for (const codec of opts.codecs) {
    // a codec setting only when asked for: the default run's settings stay as they were
    const settings = opts.codecs.length > 1 || codec === 'off' ? { ...opts.settings, HRHOOKS_PAYLOAD_CODEC: codec } : opts.settings;
    const [report, scenariosOk] = await runOn({ ...opts, settings }, temporal, outFor(opts, temporal, codec));
    reports.push(report);
    ok &&= scenariosOk;
  }
  if (reports.length > 1) process.stdout.write(`\n${comparisonTable(reports)}\n`);
  return ok ? 0 : 1;
}

async function runOn(opts: Options, temporal: 'dev' | 'server', out: string): Promise<[Report, boolean]> {
  const startedAt = new Date().toISOString();
  log(`starting the stack on the Temporal ${temporal === 'server' ? 'server (Postgres)' : 'dev server'} (${opts.mode} run: ${opts.scenarios.map((s) => s.name).join(', ')})`);
  let stack: Stack | null = null;
  const interrupted = (): void => {
    log('interrupted: tearing down');
    void (stack?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  stack = await startStack({
    pgFsync: opts.pgFsync, sqlitePragmas: opts.sqlitePragmas, temporal, env: opts.settings, profile: opts.profile, profileOut: path.dirname(out), log,
  });
  const api = new GatewayClient(stack.gatewayUrl, stack.receiverUrl, stack.adminKey, stack.producerKey);
  const results: ScenarioReport[] = [];
  const earlier = new Map<string, Figures>();
  /** Each scenario's CPU window [from, to] in monotonic µs, to cut the CPU profiles by. */
  const windows = new Map<ScenarioReport, [number, number]>();
  let report: Report | null = null;
  try {
    for (const scenario of opts.scenarios) {
      log(`scenario ${scenario.name}`);
      const t0 = performance.now();
      const roots = stack.cpuRoots;
      let cpuBefore: CpuSample = sampleCpu(roots());
      const startCpuWindow = (): void => void (cpuBefore = sampleCpu(roots()));
      const ended = (report: Omit<ScenarioReport, 'cpu'>): void => {
        const cpuAfter = sampleCpu(roots());
        const full = { ...report, cpu: cpuShares(cpuBefore, cpuAfter) };
        windows.set(full, [cpuBefore.atUs, cpuAfter.atUs]);
        results.push(full);
      };
      try {
        await api.receiverReset();
        startCpuWindow();
        const result = await scenario.run({ stack, api, sizes: opts.sizes, earlier, log, startCpuWindow });
        earlier.set(scenario.name, result.figures);
        ended({ scenario: scenario.name, ok: true, seconds: Math.round((performance.now() - t0) / 100) / 10, ...result });
      } catch (err) {
        log(`scenario ${scenario.name} failed: ${(err as Error).stack ?? err}`);
        ended({ scenario: scenario.name, ok: false, seconds: Math.round((performance.now() - t0) / 100) / 10, figures: {}, notes: [], error: (err as Error).message });
      }
    }
  } finally {
    await api.close();
    const versions = stack.versions;
    await stack.stop();
    const profiles = summariseProfiles(stack, results, windows);
    if (opts.profile.length) log(`CPU profiles: ${stack.profiles.map((p) => p.file).join(', ') || 'none written'}`);
    report = {
      startedAt,
      mode: opts.mode,
      machine: machine(),
      versions,
      settings: {
        temporal,
        pgFsync: String(opts.pgFsync),
        ...(temporal === 'dev' ? { sqlite: opts.sqlitePragmas.join(',') || 'defaults' } : {}),
        ...opts.settings,
      },
      sizes: opts.sizes,
      scenarios: results,
      ratios: ratios(results, opts.sizes),
      profiles,
    };
    writeReport(report, out);
    process.stdout.write(`${table(report)}\n\nJSON report: ${out}\n`);
    process.off('SIGINT', interrupted).off('SIGTERM', interrupted);
  }
  return [report, results.every((r) => r.ok)];
}

main().then(
  (code) => process.exit(code),
  (err) => {
    log(`error: ${(err as Error).stack ?? err}`);
    process.exit(1);
  },
);
