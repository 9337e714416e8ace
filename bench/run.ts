// `npm run bench`: starts the whole stack from nothing, runs the scenarios in order, prints a table
// and writes bench/results/latest.json. `--quick` runs every scenario at a tiny size; `--only a,b`
// picks scenarios (`idle` always runs first); `--size name=value` overrides a size (see Sizes); `--set NAME=value` passes a
// tuning variable to the worker and gateway; `--sqlite p=v,…|none` sets the Temporal SQLite pragmas;
// `--pg-fsync` turns Postgres fsync on; `--out file` writes the JSON elsewhere.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { GatewayClient } from './gatewayClient';
import { machine, ratios, table, writeReport, type Report, type ScenarioReport } from './report';
import { backlog } from './scenarios/backlog';
import { engine } from './scenarios/engine';
import { fanout, fanoutWide } from './scenarios/fanout';
import { idle } from './scenarios/idle';
import { latency } from './scenarios/latency';
import { producers } from './scenarios/producers';
import { raw } from './scenarios/raw';
import { retryAccuracy } from './scenarios/retryAccuracy';
import { FULL, QUICK, type Figures, type Scenario, type Sizes } from './scenarios/scenario';
import { throughput } from './scenarios/throughput';
import { startStack, type Stack } from './stack';

/** In order: `idle` always runs first (before any work); `engine` before the scenarios compared with it. */
const SCENARIOS: Scenario[] = [idle, raw, engine, throughput, latency, fanout, fanoutWide, producers, backlog, retryAccuracy];
const ALWAYS = new Set(['idle']);
const ALIASES: Record<string, string> = {
  fanout: 'fan-out', 'fanout-10': 'fan-out-10', fanout10: 'fan-out-10', retry: 'retry accuracy', 'retry-accuracy': 'retry accuracy',
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
  const mode: Report['mode'] = values.quick ? 'quick' : values.size.length || wanted ? 'custom' : 'full';
  return { sizes, settings, mode, out: values.out, pgFsync: values['pg-fsync'], sqlitePragmas: values.sqlite === 'none' ? [] : values.sqlite.split(','), scenarios: SCENARIOS.filter((s) => !wanted || wanted.includes(s.name) || ALWAYS.has(s.name)) };
}

async function main(): Promise<number> {
  const opts = options();
  const startedAt = new Date().toISOString();
  log(`starting the stack (${opts.mode} run: ${opts.scenarios.map((s) => s.name).join(', ')})`);
  let stack: Stack | null = null;
  const interrupted = (): void => {
    log('interrupted: tearing down');
    void (stack?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  process.on('unhandledRejection', (reason) => log(`unhandled rejection (ignored): ${(reason as Error)?.message ?? reason}`));
  stack = await startStack({ pgFsync: opts.pgFsync, sqlitePragmas: opts.sqlitePragmas, env: opts.settings, log });
  const api = new GatewayClient(stack.gatewayUrl, stack.receiverUrl, stack.adminKey, stack.producerKey);
  const results: ScenarioReport[] = [];
  const earlier = new Map<string, Figures>();
  try {
    for (const scenario of opts.scenarios) {
      log(`scenario ${scenario.name}`);
      const t0 = performance.now();
      try {
        await api.receiverReset();
        const result = await scenario.run({ stack, api, sizes: opts.sizes, earlier, log });
        earlier.set(scenario.name, result.figures);
        results.push({ scenario: scenario.name, ok: true, seconds: Math.round((performance.now() - t0) / 100) / 10, ...result });
      } catch (err) {
        log(`scenario ${scenario.name} failed: ${(err as Error).stack ?? err}`);
        results.push({ scenario: scenario.name, ok: false, seconds: Math.round((performance.now() - t0) / 100) / 10, figures: {}, notes: [], error: (err as Error).message });
      }
    }
  } finally {
    await api.close();
    const versions = stack.versions;
    await stack.stop();
    const report: Report = {
      startedAt,
      mode: opts.mode,
      machine: machine(),
      versions,
      settings: { pgFsync: String(opts.pgFsync), sqlite: opts.sqlitePragmas.join(',') || 'defaults', ...opts.settings },
      sizes: opts.sizes,
      scenarios: results,
      ratios: ratios(results, opts.sizes),
    };
    writeReport(report, opts.out);
    process.stdout.write(`${table(report)}\n\nJSON report: ${opts.out}\n`);
  }
  return results.every((r) => r.ok) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    log(`error: ${(err as Error).stack ?? err}`);
    process.exit(1);
  },
);
