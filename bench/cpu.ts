// CPU time of the stack's processes per scenario, read from /proc (Linux): for each group (worker,
// gateway, receiver, Temporal server, Postgres, the engine worker, the bench process itself) the clock
// ticks its root processes, their live descendants and the descendants they already reaped have used.
// Only reads /proc; never signals a process.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

export const CPU_GROUPS = ['worker', 'gateway', 'receiver', 'temporal', 'postgres', 'engine', 'bench'] as const;
export type CpuGroup = (typeof CPU_GROUPS)[number];

/**
 * Root pids of each group the stack runs. `bench` is not among them: the bench process is the parent
 * of most of the others, so only its own time counts for it. `engine` (processes a scenario starts next
 * to the stack) also gets the bench process's cutime/cstime: the time of its children that have exited
 * and been reaped, which during a scenario are only those.
 */
export type CpuRoots = Record<Exclude<CpuGroup, 'bench'>, number[]>;

export interface CpuSample {
  /** When read, on the monotonic clock in µs (process.hrtime; V8's CPU profiles use the same clock). */
  atUs: number;
  ticks: Record<CpuGroup, number>;
  /** Busy and total ticks of the whole machine (/proc/stat), every process of every user included. */
  machineBusy: number;
  machineTotal: number;
}

export interface CpuShares {
  wallSeconds: number;
  /** CPU seconds of all groups ÷ wall seconds. */
  coresUsed: number;
  /** The whole machine's busy CPU ÷ wall seconds: coresUsed plus whatever else runs on the machine. */
  machineCoresBusy: number;
  seconds: Record<CpuGroup, number>;
  /** Each group's CPU seconds ÷ the total of all groups (0 when the total is 0). */
  share: Record<CpuGroup, number>;
}

interface ProcStat {
  ppid: number;
  /** utime + stime: this process, all its threads. */
  own: number;
  /** cutime + cstime: its children that have exited and that it has waited for. */
  reaped: number;
}

let clockTicks: number | null = null;

/** Clock ticks per second (`getconf CLK_TCK`, 100 on Linux unless it says otherwise). */
export function ticksPerSecond(): number {
  if (clockTicks === null) {
    const answer = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim());
    clockTicks = Number.isInteger(answer) && answer > 0 ? answer : 100;
  }
  return clockTicks;
}

function readStat(pid: number): ProcStat | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, from field 3 (state): ppid is field 4, utime..cstime fields 14..17.
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ').map(Number);
    return { ppid: f[1]!, own: f[11]! + f[12]!, reaped: f[13]! + f[14]! };
  } catch {
    return null;
  }
}

function processTable(): Map<number, ProcStat> {
  const table = new Map<number, ProcStat>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat) table.set(Number(name), stat);
  }
  return table;
}

/** Ticks of `pid` and every live descendant, each with the children it has reaped. */
function treeTicks(pid: number, table: Map<number, ProcStat>, children: Map<number, number[]>, seen = new Set<number>()): number {
  const stat = table.get(pid);
  if (!stat || seen.has(pid)) return 0;
  seen.add(pid);
  return stat.own + stat.reaped + (children.get(pid) ?? []).reduce((sum, child) => sum + treeTicks(child, table, children, seen), 0);
}

function machineTicks(): { busy: number; total: number } {
  const [, ...values] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = values.map(Number) as number[];
  const busy = user! + nice! + system! + irq! + softirq! + (steal ?? 0);
  return { busy, total: busy + idle! + iowait! };
}

export function sampleCpu(roots: CpuRoots): CpuSample {
  const atUs = Number(process.hrtime.bigint() / 1000n);
  const table = processTable();
  const children = new Map<number, number[]>();
  for (const [pid, stat] of table) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), pid]);
  const self = table.get(process.pid) ?? readStat(process.pid) ?? { ppid: 0, own: 0, reaped: 0 };
  const group = (pids: number[]): number => pids.reduce((sum, pid) => sum + treeTicks(pid, table, children), 0);
  const machine = machineTicks();
  return {
    atUs,
    ticks: {
      worker: group(roots.worker),
      gateway: group(roots.gateway),
      receiver: group(roots.receiver),
      temporal: group(roots.temporal),
      postgres: group(roots.postgres),
      engine: group(roots.engine) + self.reaped,
      bench: self.own,
    },
    machineBusy: machine.busy,
    machineTotal: machine.total,
  };
}

const round = (value: number, places: number): number => Math.round(value * 10 ** places) / 10 ** places;

export function cpuShares(before: CpuSample, after: CpuSample): CpuShares {
  const hz = ticksPerSecond();
  const wallSeconds = (after.atUs - before.atUs) / 1e6;
  const raw = Object.fromEntries(CPU_GROUPS.map((g) => [g, Math.max(0, after.ticks[g] - before.ticks[g]) / hz])) as Record<CpuGroup, number>;
  const total = CPU_GROUPS.reduce((sum, g) => sum + raw[g], 0);
  return {
    wallSeconds: round(wallSeconds, 2),
    coresUsed: round(total / wallSeconds, 2),
    machineCoresBusy: round((after.machineBusy - before.machineBusy) / hz / wallSeconds, 2),
    seconds: Object.fromEntries(CPU_GROUPS.map((g) => [g, round(raw[g], 2)])) as Record<CpuGroup, number>,
    share: Object.fromEntries(CPU_GROUPS.map((g) => [g, total > 0 ? round(raw[g] / total, 3) : 0])) as Record<CpuGroup, number>,
  };
}
