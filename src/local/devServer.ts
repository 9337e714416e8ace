// Runs `temporal server start-dev` as a child process (SQLite file, Web UI,
// hrhooks search attributes registered) and waits until its frontend answers. Every port it opens
// (frontend, HTTP API, Web UI, metrics) binds `ip`: 127.0.0.1 unless told otherwise.
// Also finds the dev server(s) running on a SQLite file (a killed process's
// leftover included) and stops them for sure: SIGTERM, a bounded wait, SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { devServerSearchAttributeFlags } from '../infra/temporal/searchAttributes';
import { devServerFairnessValues } from '../infra/temporal/fairness';
import { temporalCliPath } from './binaries';
import { findProcesses, hasArg, stopProcesses, type ProcessInfo } from './procfs';

export interface DevServerOptions {
  port: number;
  uiPort?: number;
  headless?: boolean;
  dbFile?: string;
  ip?: string;
  logFile?: string;
  readyTimeoutMs?: number;
  /** `PRAGMA=VALUE` pairs for the SQLite file (e.g. `journal_mode=wal`); only with dbFile. */
  sqlitePragmas?: string[];
  /** Run it in a session of its own: a Ctrl-C meant for us never reaches it; stop it with stopDevServersOn. */
  ownProcessGroup?: boolean;
  /** `KEY=VALUE` dynamic config values (e.g. `limit.blobSize.error=20000`), for tests of the engine's limits. */
  dynamicConfig?: string[];
  /** Task-queue fairness (the tenant as fairness key: ../infra/temporal/fairness.ts); default on. */
  fairness?: boolean;
  /** The codec server the Web UI decodes payloads with (the gateway's /codec, src/interfaces/api/routes/codec.ts). */
  uiCodecEndpoint?: string;
}

export interface DevServer {
  address: string;
  uiUrl: string | null;
  process: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function portIsOpen(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function waitForPort(host: string, port: number, timeoutMs: number, exited?: () => string | null): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const exit = exited?.();
    if (exit) throw new Error(exit);
    if (await portIsOpen(host, port)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listening on ${host}:${port} after ${timeoutMs} ms`);
}

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const args = ['server', 'start-dev', '--ip', ip, '--port', String(options.port), '--log-level', 'error'];
  if (options.headless) args.push('--headless');
  // the Web UI on the frontend's address (127.0.0.1 by default), said explicitly: it has no authentication
  else args.push('--ui-ip', ip, '--ui-port', String(options.uiPort ?? options.port + 1000), '--ui-disable-news-fetch');
  if (!options.headless && options.uiCodecEndpoint) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  if (options.dbFile) {
    fs.mkdirSync(path.dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', path.resolve(options.dbFile));
    for (const pragma of options.sqlitePragmas ?? []) args.push('--sqlite-pragma', pragma);
  }
  args.push(...devServerSearchAttributeFlags());
  for (const value of [...devServerFairnessValues(options.fairness ?? true), ...(options.dynamicConfig ?? [])]) args.push('--dynamic-config-value', value);
  if (await portIsOpen(ip, options.port)) {
    throw new Error(`port ${options.port} is already in use: cannot start the Temporal dev server there (set TEMPORAL_PORT)`);
  }
  const out = options.logFile ? fs.openSync(options.logFile, 'a') : 'ignore';
  const child = spawn(temporalCliPath(), args, { stdio: ['ignore', out, out], detached: options.ownProcessGroup === true });
  let exitNote: string | null = null;
  child.once('exit', (code, signal) => {
    exitNote = `temporal dev server exited early (code ${code}, signal ${signal})`;
  });
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    await stopProcesses([child.pid!], { what: 'Temporal dev server', graceMs: signal === 'SIGKILL' ? 0 : 10_000, polite: () => void child.kill(signal) });
    await exited;
  };
  try {
    await waitForPort(ip, options.port, options.readyTimeoutMs ?? 60_000, () => exitNote);
  } catch (err) {
    await stop('SIGKILL');
    throw err;
  }
  const uiUrl = options.headless ? null : `http://${ip === '0.0.0.0' ? 'localhost' : ip}:${options.uiPort ?? options.port + 1000}`;
  return { address: `${ip}:${options.port}`, uiUrl, process: child, stop };
}

/** Dev servers running on the SQLite file `dbFile` (`--db-filename dbFile`). */
export function runningDevServers(dbFile: string): ProcessInfo[] {
  const file = path.resolve(dbFile);
  return findProcesses((info) => info.argv.includes('start-dev') && hasArg(info.argv, '--db-filename', file));
}

/** Stops every dev server on `dbFile` and verifies they are gone: SIGTERM (graceMs 0: straight to SIGKILL), up to `graceMs`, then SIGKILL. Throws if one still runs. */
export async function stopDevServersOn(dbFile: string, opts: { graceMs: number }): Promise<'none' | 'stopped' | 'killed'> {
  const pids = runningDevServers(dbFile).map((p) => p.pid);
  return stopProcesses(pids, {
    what: `Temporal dev server on ${dbFile}`,
    graceMs: opts.graceMs,
    polite: () => pids.forEach((pid) => process.kill(pid, 'SIGTERM')),
  });
}
