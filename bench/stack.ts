// The system under benchmark, started from nothing in a throwaway directory: a private Postgres
// cluster, Temporal (a dev server on a SQLite file, or with `temporal: 'server'` the real server on
// that Postgres, src/local/realServer.ts), and the receiver, worker and gateway as separate
// processes (so each one's memory and CPU time can be read from /proc; the worker and gateway
// optionally CPU-profiled). stop() tears all of it down, and so does process exit. Everything listens
// on 127.0.0.1 only.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Pool } from 'pg';
import type { CpuRoots } from './cpu';
import { collectProfiles, profilingNodeDir, type ProfileFile, type ProfiledRole } from './profile';
import { startLocalCluster, type LocalCluster } from '../src/local/localCluster';
import { temporalCliPath, temporalServerPath } from '../src/local/binaries';
import { startDevServer } from '../src/local/devServer';
import { createPayloadCodec } from '../src/infra/crypto/payloadCodec';
import { hrhooksDataConverter } from '../src/infra/temporal/dataConverter';
import { HISTORY_SHARDS, startRealServer } from '../src/local/realServer';
import { freePort } from '../dev-support/ports';

const ROOT = path.resolve(__dirname, '..');
const TSX_LOADER = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs');

export interface StackOptions {
  /** Postgres fsync (default off, like the test suite: the bench measures the engine, not the disk). */
  pgFsync: boolean;
  /** `PRAGMA=VALUE` pairs for the Temporal dev server's SQLite file (empty: its defaults). */
  sqlitePragmas: string[];
  /** Which Temporal: the dev server (SQLite) or the real server on the bench's Postgres. */
  temporal: 'dev' | 'server';
  /** Extra environment for the worker and gateway (tuning knobs such as HRHOOKS_WORKER_CONCURRENCY). */
  env: Record<string, string>;
  /** Roles started with --cpu-prof; their profiles are copied to `profileOut` when the stack stops. */
  profile: ProfiledRole[];
  profileOut: string;
  log: (line: string) => void;
}

export interface Role {
  name: 'worker' | 'gateway' | 'receiver';
  process: ChildProcess;
}

/** A process a scenario starts next to the stack (e.g. the engine worker); killed with the stack at the latest. */
export interface Extra {
  process: ChildProcess;
  /** The first stdout match of the ready pattern. */
  match: RegExpMatchArray;
  logFile: string;
  /** SIGTERM (SIGKILL after 8 s); resolves once it has exited. */
  stop(): Promise<void>;
}

export interface Stack {
  scratch: string;
  gatewayUrl: string;
  receiverUrl: string;
  adminKey: string;
  producerKey: string;
  databaseUrl: string;
  temporalAddress: string;
  sqliteFile: string;
  pool: Pool;
  temporal: Client;
  roles: Record<Role['name'], Role>;
  versions: Record<string, string>;
  /** Resident set size of a role's process in bytes (from /proc/<pid>/status VmRSS). */
  rss(role: Role['name']): number;
  /** Bytes of the Temporal SQLite database, WAL included (NaN on the real server: its storage is Postgres). */
  sqliteBytes(): number;
  /** Bytes of the Postgres database (pg_database_size). */
  postgresBytes(): Promise<number>;
  /** The pids whose process trees make up each CPU group (bench/cpu.ts), read now: extras come and go. */
  cpuRoots(): CpuRoots;
  /** The CPU profiles of the `profile` roles, once stop() has stopped them (SIGTERM, so V8 writes them). */
  profiles: ProfileFile[];
  /** Another gateway on the same Postgres and Temporal with `env` over the stack's (e.g. HRHOOKS_FAIRNESS=off); its CPU counts as `engine`. */
  startGateway(name: string, env: Record<string, string>): Promise<{ url: string; stop(): Promise<void> }>;
  /** Runs a TypeScript file under the tsx loader as its own process, ready once stdout matches `ready`. */
  spawnScript(name: string, script: string, args: string[], ready: RegExp, timeoutMs: number): Promise<Extra>;
  stop(): Promise<void>;
}

export function rssOf(pid: number | undefined): number {
  if (!pid) return Number.NaN;
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

function fileBytes(file: string): number {
  return ['', '-wal', '-shm'].reduce((sum, suffix) => {
    try {
      return sum + fs.statSync(file + suffix).size;
    } catch {
      return sum;
    }
  }, 0);
}

/** Spawns a process and resolves once a line of its stdout matches `ready`; rejects if it exits first. */
function spawnUntil(
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
  logFile: string,
  timeoutMs: number,
): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  const out = fs.openSync(logFile, 'a');
  const child = spawn(command, args, { env, cwd: ROOT, stdio: ['ignore', 'pipe', out] });
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} not ready after ${timeoutMs} ms (see ${logFile})`));
    }, timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      fs.appendFileSync(logFile, chunk);
      buffered += chunk.toString('utf8');
      const match = ready.exec(buffered);
      if (match) {
        clearTimeout(timer);
        buffered = '';
        ready = /$^/;
        resolve({ child, match });
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited before it was ready (code ${code}, signal ${signal}); log: ${logFile}\n${tail(logFile)}`));
    });
  });
}

function tail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '';
  }
}

async function stopChild(child: ChildProcess | undefined, graceMs = 8_000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

async function waitReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms (${last})`);
}

/** The postmaster's pid: line 1 of postmaster.pid in the data directory. */
function postmasterPid(dataDir: string): number[] {
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? [pid] : [];
  } catch {
    return [];
  }
}

/** What bin/hrhooks ran for a role: the compiled CLI or the sources through tsx (from its argv). */
function entryOf(pid: number | undefined): string {
  try {
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.find((a) => /cli\/main\.(js|ts)$/.test(a))?.replace(`${ROOT}/`, '') ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function commandVersion(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return (result.stdout || result.stderr || '').trim().split('\n')[0] ?? 'unknown';
}

function packageVersion(name: string): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version as string;
  } catch {
    return 'unknown';
  }
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'hrhooks-bench-'));
  fs.chmodSync(scratch, 0o755);
  const cleanups: Array<() => Promise<void> | void> = [() => fs.rmSync(scratch, { recursive: true, force: true })];
  const children: ChildProcess[] = [];
  /** Last resort on process exit (crash included): synchronous, so it runs inside the 'exit' event. */
  const exitCleanups: Array<() => void> = [];
  const killAll = (): void => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const cleanup of exitCleanups) {
      try {
        cleanup();
      } catch {
        // best effort
      }
    }
  };
  process.once('exit', killAll);
  let stopped: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      for (const cleanup of cleanups) {
        try {
          await cleanup();
        } catch (err) {
          options.log(`teardown: ${(err as Error).message}`);
        }
      }
      process.off('exit', killAll);
    })();
    return stopped;
  };

  try {
    options.log(`scratch directory ${scratch}`);
    const pgData = path.join(scratch, 'pg');
    const cluster: LocalCluster = startLocalCluster({
      dataDir: pgData,
      port: await freePort(),
      socketDir: path.join(scratch, 'pgsock'),
      fsync: options.pgFsync,
    });
    cleanups.unshift(() => cluster.stop('immediate'));
    exitCleanups.push(() => cluster.stop('immediate'), () => fs.rmSync(scratch, { recursive: true, force: true }));
    const sqliteFile = path.join(scratch, 'temporal', 'temporal.sqlite');
    const server = options.temporal === 'server'
      ? await startRealServer({ postgresUrl: cluster.url, dir: path.join(scratch, 'temporal'), retentionHours: 1, fairness: options.env.HRHOOKS_FAIRNESS !== 'off' })
      : await startDevServer({
        port: await freePort(),
        headless: true,
        dbFile: sqliteFile,
        logFile: path.join(scratch, 'temporal.log'),
        sqlitePragmas: options.sqlitePragmas,
        fairness: options.env.HRHOOKS_FAIRNESS !== 'off',
      });
    cleanups.unshift(() => server.stop());
    children.push(server.process);
    options.log(`postgres on ${cluster.port}, temporal ${options.temporal === 'server' ? 'server (Postgres)' : 'dev server'} on ${server.address}`);

    const receiverSpawn = await spawnUntil(
      'receiver', process.execPath, ['--import', TSX_LOADER, path.join(__dirname, 'receiver.ts'), '0'],
      { PATH: process.env.PATH }, /\{"port":(\d+)\}/, path.join(scratch, 'receiver.log'), 30_000,
    );
    children.push(receiverSpawn.child);
    cleanups.unshift(() => stopChild(receiverSpawn.child));
    const receiverUrl = `http://127.0.0.1:${receiverSpawn.match[1]}`;

    const adminKey = `bench-admin-${crypto.randomBytes(12).toString('hex')}`;
    const producerKey = `bench-producer-${crypto.randomBytes(12).toString('hex')}`;
    const gatewayPort = await freePort();
    const payloadKey = crypto.randomBytes(32).toString('base64');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: cluster.url,
      TEMPORAL_ADDRESS: server.address,
      HRHOOKS_DATA_DIR: path.join(scratch, 'data'),
      HRHOOKS_EGRESS_ALLOW: '127.0.0.1/32',
      HRHOOKS_ADMIN_KEY: adminKey,
      HRHOOKS_PRODUCER_KEY: producerKey,
      HRHOOKS_SECRET_KEY: crypto.randomBytes(32).toString('hex'),
      HRHOOKS_PAYLOAD_KEY: payloadKey,
      HRHOOKS_RATE_LIMIT: '100000000',
      // the dead-endpoint scenario's probes, 1:60 of the production schedule (bench/scenarios/deadEndpoint.ts)
      HRHOOKS_PROBE_SCHEDULE: '5s,10s,20s,40s,60s',
      PORT: String(gatewayPort),
      LOG_LEVEL: 'warn',
      ...options.env,
    };
    const hrhooks = path.join(ROOT, 'bin', 'hrhooks');
    const profiles: ProfileFile[] = [];
    const startRole = async (role: ProfiledRole, ready: RegExp, timeoutMs: number): Promise<ChildProcess> => {
      const profileDir = path.join(scratch, 'profiles', role);
      const profiled = options.profile.includes(role);
      const roleEnv = profiled ? { ...env, PATH: `${profilingNodeDir(profileDir)}:${env.PATH}` } : env;
      const started = await spawnUntil(role, hrhooks, [role], roleEnv, ready, path.join(scratch, `${role}.log`), timeoutMs);
      children.push(started.child);
      cleanups.unshift(async () => {
        // A profiled process writes its profiles as it exits: give it time to, rather than SIGKILL it.
        await stopChild(started.child, profiled ? 60_000 : 8_000);
        if (profiled) profiles.push(...collectProfiles(profileDir, role, options.profileOut));
      });
      return started.child;
    };
    // The worker first: it runs the migrations and registers the search attributes the gateway relies on.
    const worker = await startRole('worker', /worker polling/, 120_000);
    const gateway = await startRole('gateway', /gateway listening/, 60_000);
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    await waitReady(`${gatewayUrl}/readyz`, 30_000);

    const pool = new Pool({ connectionString: cluster.url, max: 4 });
    cleanups.unshift(() => pool.end());
    const connection = await Connection.connect({ address: server.address });
    cleanups.unshift(() => connection.close());
    // the bench reads what the worker wrote (histories, queries) with the same codec, or none with HRHOOKS_PAYLOAD_CODEC=off
    const codec = env.HRHOOKS_PAYLOAD_CODEC === 'off' ? null : createPayloadCodec(payloadKey);
    const temporal = new Client({ connection, namespace: 'default', dataConverter: hrhooksDataConverter(codec) });

    const pgVersion = (await pool.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
    const versions = {
      node: process.version,
      temporalCli: commandVersion(temporalCliPath(), ['--version']),
      temporal: options.temporal === 'server'
        ? `${commandVersion(temporalServerPath(), ['--version']).replace('temporal version', 'temporal-server')} on PostgreSQL, ${HISTORY_SHARDS} history shards`
        : `dev server (${commandVersion(temporalCliPath(), ['--version'])}) on SQLite`,
      temporalSdk: packageVersion('@temporalio/worker'),
      postgres: pgVersion,
      undici: packageVersion('undici'),
      os: `${os.type()} ${os.release()}`,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      hrhooksEntry: entryOf(worker.pid),
    };
    const roles = {
      worker: { name: 'worker' as const, process: worker },
      gateway: { name: 'gateway' as const, process: gateway },
      receiver: { name: 'receiver' as const, process: receiverSpawn.child },
    };
    const extras: ChildProcess[] = [];
    const cpuRoots = (): CpuRoots => {
      const live = (child: ChildProcess): number[] => (child.pid && child.exitCode === null && child.signalCode === null ? [child.pid] : []);
      return {
        worker: live(worker),
        gateway: live(gateway),
        receiver: live(receiverSpawn.child),
        temporal: live(server.process),
        postgres: postmasterPid(pgData),
        engine: extras.flatMap(live),
      };
    };
    const spawnScript = async (name: string, script: string, args: string[], ready: RegExp, timeoutMs: number): Promise<Extra> => {
      const logFile = path.join(scratch, `${name}.log`);
      const started = await spawnUntil(name, process.execPath, ['--import', TSX_LOADER, script, ...args], { PATH: process.env.PATH, HOME: process.env.HOME }, ready, logFile, timeoutMs);
      children.push(started.child);
      extras.push(started.child);
      const outputClosed = new Promise<void>((resolve) => started.child.stdout!.once('close', () => resolve()));
      const stopIt = async (): Promise<void> => {
        await stopChild(started.child);
        await outputClosed;
      };
      cleanups.unshift(stopIt);
      return { process: started.child, match: started.match, logFile, stop: stopIt };
    };
    const startGateway = async (name: string, over: Record<string, string>): Promise<{ url: string; stop(): Promise<void> }> => {
      const port = await freePort();
      const started = await spawnUntil(name, hrhooks, ['gateway'], { ...env, ...over, PORT: String(port) }, /gateway listening/, path.join(scratch, `${name}.log`), 60_000);
      children.push(started.child);
      extras.push(started.child);
      const stopIt = (): Promise<void> => stopChild(started.child);
      cleanups.unshift(stopIt);
      const url = `http://127.0.0.1:${port}`;
      await waitReady(`${url}/readyz`, 30_000);
      return { url, stop: stopIt };
    };
    return {
      scratch,
      gatewayUrl,
      receiverUrl,
      adminKey,
      producerKey,
      databaseUrl: cluster.url,
      temporalAddress: server.address,
      sqliteFile,
      pool,
      temporal,
      roles,
      versions,
      rss: (role) => rssOf(roles[role].process.pid),
      cpuRoots,
      profiles,
      sqliteBytes: () => (options.temporal === 'server' ? Number.NaN : fileBytes(sqliteFile)),
      postgresBytes: async () =>
        Number((await pool.query<{ size: string }>('SELECT pg_database_size(current_database()) AS size')).rows[0]!.size),
      spawnScript,
      startGateway,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
