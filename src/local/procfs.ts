// What the Linux process table (/proc) says about a process: is it running
// (a zombie is not), its argv, parent and process group; signalling a process
// and waiting, with a bound, until it is gone. Never signals its own process group.
import fs from 'node:fs';

export interface ProcessInfo {
  pid: number;
  ppid: number;
  pgrp: number;
  /** Clock ticks since boot when it started: with the pid, names one process even if pids are reused. */
  startTime: number;
  argv: string[];
}

/** The process, or null when there is none or it is a zombie (exited, not yet reaped). */
export function processInfo(pid: number): ProcessInfo | null {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return null;
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');
    return { pid, ppid: Number(fields[1]), pgrp: Number(fields[2]), startTime: Number(fields[19]), argv };
  } catch {
    return null;
  }
}

export function isRunning(pid: number): boolean {
  return processInfo(pid) !== null;
}

export function findProcesses(match: (info: ProcessInfo) => boolean): ProcessInfo[] {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  return entries
    .filter((name) => /^\d+$/.test(name))
    .map((name) => processInfo(Number(name)))
    .filter((info): info is ProcessInfo => info !== null && info.pid !== process.pid && match(info));
}

/** True when `argv` has `flag` immediately followed by `value`. */
export function hasArg(argv: string[], flag: string, value: string): boolean {
  return argv.some((arg, i) => arg === flag && argv[i + 1] === value);
}

const ownGroup = processInfo(process.pid)?.pgrp ?? -1;

/** Signals the process, and its whole group when it leads one that is not ours; a process already gone is not an error. */
export function signalProcess(pid: number, signal: NodeJS.Signals): void {
  const info = processInfo(pid);
  if (!info) return;
  const targets = info.pgrp === pid && pid !== ownGroup ? [-pid, pid] : [pid];
  for (const target of targets) {
    try {
      process.kill(target, signal);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }
}

/** Resolves true once none of `pids` runs any more, false if some still run after `timeoutMs`. */
export async function waitUntilGone(pids: number[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!pids.some(isRunning)) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Stops processes: `polite` (a signal, or a command such as `pg_ctl stop`; its failure goes to
 * `onPoliteError`), up to `graceMs` to exit, then SIGKILL (process and group) and up to
 * `killWaitMs` more. Throws naming what still runs.
 */
export async function stopProcesses(
  pids: number[],
  opts: { what: string; graceMs: number; killWaitMs?: number; polite?: () => Promise<void> | void; onPoliteError?: (err: unknown) => void },
): Promise<'none' | 'stopped' | 'killed'> {
  const running = pids.filter(isRunning);
  if (running.length === 0) return 'none';
  if (opts.graceMs > 0 && opts.polite) {
    await Promise.resolve()
      .then(opts.polite)
      .catch((err: unknown) => opts.onPoliteError?.(err));
    if (await waitUntilGone(running, opts.graceMs)) return 'stopped';
  }
  for (const pid of running) signalProcess(pid, 'SIGKILL');
  if (await waitUntilGone(running, opts.killWaitMs ?? 5_000)) return 'killed';
  const left = running.filter(isRunning);
  throw new Error(`${opts.what} still running after SIGKILL (pid ${left.join(', ')})`);
}
