// For tests that run the compiled `bin/hrhooks` as a user would: build it, a fresh data dir and free
// ports for `hrhooks start`, spawn a command and wait for what it prints or for its exit, and the
// processes of a data dir (postgres -D, temporal --db-filename, the watchdog) and their listening sockets.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../dev-support/ports';
import { waitFor } from '../support/waitFor';

export const ROOT = path.resolve(__dirname, '..', '..');
export const HRHOOKS = path.join(ROOT, 'bin', 'hrhooks');

export function build(): void {
  const built = spawnSync('bash', [path.join(ROOT, 'scripts', 'build.sh')], { encoding: 'utf8' });
  assert.equal(built.status, 0, `npm run build failed: ${built.stderr}`);
}

export interface StartSetup {
  dataDir: string;
  ports: { gateway: number; temporal: number; ui: number; pg: number };
  env: NodeJS.ProcessEnv;
}

/** A fresh data dir and free ports; the environment of a `hrhooks start` on them (embedded everything). */
export async function startSetup(prefix: string): Promise<StartSetup> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dataDir, 0o755);
  const ports = { gateway: await freePort(), temporal: await freePort(), ui: await freePort(), pg: await freePort() };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HRHOOKS_DATA_DIR: dataDir,
    PORT: String(ports.gateway),
    TEMPORAL_PORT: String(ports.temporal),
    TEMPORAL_UI_PORT: String(ports.ui),
    HRHOOKS_PG_PORT: String(ports.pg),
    HRHOOKS_EGRESS_ALLOW: '127.0.0.1/32',
    HRHOOKS_TEMPORAL: 'dev',
    LOG_LEVEL: 'warn',
  };
  for (const key of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'TEMPORAL_UI_URL', 'HRHOOKS_ADMIN_KEY', 'HRHOOKS_PRODUCER_KEY']) delete env[key];
  return { dataDir, ports, env };
}

export interface Spawned {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => string;
  /** Waits until the output matches (fails if the process exits first). */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
}

/** Runs `bin/hrhooks <args>` in a process group of its own. */
export function spawnHrhooks(args: string[], env: NodeJS.ProcessEnv): Spawned {
  const child = spawn(HRHOOKS, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    exited,
    output: () => out,
    waitForOutput: (pattern, timeoutMs = 120_000) =>
      waitFor(`hrhooks ${args.join(' ')} to print ${pattern}`, async () => {
        const match = pattern.exec(out);
        if (match) return match;
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`exited ${child.exitCode ?? child.signalCode} before: ${out}`);
        return null;
      }, timeoutMs, 100),
  };
}

/** Resolves with how the process exited, or fails if it is still running after `timeoutMs` (then kills it). */
export async function exitWithin(s: Spawned, timeoutMs: number, what: string): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      try {
        process.kill(-s.child.pid!, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
      reject(new Error(`${what}: still running after ${timeoutMs} ms:\n${s.output()}`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([s.exited, late]);
  } finally {
    clearTimeout(timer);
  }
}

export interface Proc {
  pid: number;
  cmd: string;
}

/** Processes whose command line names the data dir (postgres -D, temporal --db-filename, the watchdog). */
export function processesOf(dataDir: string): Proc[] {
  const found: Proc[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      if (/^\S+ \(.*\) [ZX] /.test(stat)) continue;
      const cmd = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ');
      if (cmd.includes(dataDir)) found.push({ pid: Number(name), cmd });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

export const servers = (procs: Proc[]) => procs.filter((p) => / -D |--db-filename/.test(p.cmd));

export function killAll(procs: Proc[]): void {
  for (const p of procs) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function hexToAddress(hex: string): string {
  const [ip, port] = hex.split(':') as [string, string];
  if (ip.length === 8) return `${[3, 2, 1, 0].map((i) => parseInt(ip.slice(i * 2, i * 2 + 2), 16)).join('.')}:${parseInt(port, 16)}`;
  return `[${ip}]:${parseInt(port, 16)}`;
}

/** The addresses `pid` listens on (TCP, IPv4 and IPv6), from /proc. */
export function listeningAddresses(pid: number): string[] {
  const inodes = new Set<string>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      const link = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
      if (inode) inodes.add(inode);
    } catch {
      // closed meanwhile
    }
  }
  const found: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of fs.readFileSync(table, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length > 9 && cols[3] === '0A' && inodes.has(cols[9]!)) found.push(hexToAddress(cols[1]!));
    }
  }
  return found;
}
