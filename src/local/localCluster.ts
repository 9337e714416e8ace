// Runs a private PostgreSQL cluster from the machine's PostgreSQL binaries
// (initdb + pg_ctl) in a directory we own: the "embedded" Postgres of
// `npm start` and the throwaway cluster of the test suite. Postgres refuses to
// run as root, so as root the cluster runs as the `postgres` system user. Owns
// its access rule: every connection (TCP on 127.0.0.1, or the Unix socket in a
// private 0700 directory) needs the superuser password, generated once and kept
// 0600 next to the data directory (`<data dir>.password`). Also finds the
// postmaster of a data directory (a killed process's leftover included) and
// stops it for sure: pg_ctl stop, a bounded wait, then SIGKILL.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { findProcesses, hasArg, processInfo, stopProcesses, type ProcessInfo } from './procfs';

const CANDIDATE_BIN_DIRS = ['/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin'];

export interface LocalCluster {
  /** The superuser's URL, password included. */
  url: string;
  /** Where the superuser password is kept (mode 0600). */
  passwordFile: string;
  port: number;
  dataDir: string;
  stop(mode?: 'fast' | 'immediate'): void;
}

export class PostgresUnavailable extends Error {}

function binDir(): string {
  const explicit = process.env.PG_BIN_DIR;
  const found = [explicit, ...CANDIDATE_BIN_DIRS].find((dir) => dir && fs.existsSync(path.join(dir, 'initdb')));
  if (!found) {
    throw new PostgresUnavailable(
      'PostgreSQL server binaries not found (looked in /usr/lib/postgresql/*/bin). Install them with `apt-get install postgresql-15`, or set DATABASE_URL.',
    );
  }
  return found;
}

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function asClusterOwner(bin: string, args: string[]): [string, string[]] {
  return asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
}

function run(bin: string, args: string[]): void {
  const [command, argv] = asClusterOwner(bin, args);
  const result = spawnSync(command, argv, { encoding: 'utf8', cwd: '/' });
  if (result.status !== 0) {
    throw new PostgresUnavailable(`${path.basename(bin)} failed: ${(result.stderr || result.stdout || '').trim()}`);
  }
}

/** Like run, without blocking, in a session of its own (a Ctrl-C meant for us never reaches it), killed after `timeoutMs`. */
function runDetached(bin: string, args: string[], timeoutMs: number): Promise<void> {
  const [command, argv] = asClusterOwner(bin, args);
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { cwd: '/', detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new PostgresUnavailable(`${path.basename(bin)} could not run: ${err.message}`, { cause: err }));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve();
      const why = signal === 'SIGKILL' ? `timed out after ${timeoutMs} ms` : `exited ${code ?? signal}`;
      reject(new PostgresUnavailable(`${path.basename(bin)} ${why}: ${out.trim()}`));
    });
  });
}

function handOver(dir: string): void {
  if (!asRoot) return;
  execFileSync('chown', ['-R', 'postgres:postgres', dir]);
}

/** The file that keeps the superuser password of the cluster in `dataDir`. */
export function passwordFileOf(dataDir: string): string {
  const dir = path.resolve(dataDir);
  return path.join(path.dirname(dir), `${path.basename(dir)}.password`);
}

/** The cluster's superuser password, generated (and written 0600, readable by the cluster's owner) the first time. */
function ensurePassword(file: string): { password: string; created: boolean } {
  if (fs.existsSync(file)) {
    fs.chmodSync(file, 0o600);
    return { password: fs.readFileSync(file, 'utf8').trim(), created: false };
  }
  const password = crypto.randomBytes(24).toString('base64url');
  fs.writeFileSync(file, `${password}\n`, { mode: 0o600, flag: 'wx' });
  handOver(file);
  return { password, created: true };
}

const HBA_HEADER = '# Written by hrhooks (src/local/localCluster.ts): every connection needs the superuser password.';
const HBA = [
  HBA_HEADER,
  'local all all scram-sha-256',
  'host all all 127.0.0.1/32 scram-sha-256',
  'host all all ::1/128 scram-sha-256',
  '',
].join('\n');

/**
 * Requires the password. A new cluster has it (initdb --pwfile). One initialised before (its pg_hba.conf
 * trusted every local user), or whose password file was lost: the password is set in single-user mode
 * (the server is not running yet).
 */
function requirePassword(bin: string, dataDir: string, password: string, state: { initialised: boolean; newPassword: boolean }): void {
  const hba = path.join(dataDir, 'pg_hba.conf');
  const required = fs.readFileSync(hba, 'utf8').startsWith(HBA_HEADER);
  if (required && !state.newPassword) return;
  if (state.initialised) return fs.writeFileSync(hba, HBA);
  const [command, argv] = asClusterOwner(path.join(bin, 'postgres'), ['--single', '-D', dataDir, 'postgres']);
  const result = spawnSync(command, argv, { input: `ALTER ROLE postgres PASSWORD '${password}';\n`, encoding: 'utf8', cwd: '/' });
  if (result.status !== 0) throw new PostgresUnavailable(`could not set the superuser password: ${(result.stderr || '').trim()}`);
  fs.writeFileSync(hba, HBA);
}

interface ClusterPlan {
  bin: string;
  dataDir: string;
  socketDir: string;
  passwordFile: string;
  password: string;
  newPassword: boolean;
  initdb: string[] | null;
  start: string[];
}

type ClusterOptions = { dataDir: string; port: number; socketDir?: string; fsync?: boolean };

function plan(options: ClusterOptions): ClusterPlan {
  const bin = binDir();
  const dataDir = path.resolve(options.dataDir);
  const socketDir = options.socketDir ?? path.join(path.dirname(dataDir), 'pg-socket');
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // private: only the cluster's owner (and root) may even reach the socket
  fs.mkdirSync(socketDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(socketDir, 0o700);
  handOver(dataDir);
  handOver(socketDir);
  const passwordFile = passwordFileOf(dataDir);
  const { password, created: newPassword } = ensurePassword(passwordFile);
  const initdb = fs.existsSync(path.join(dataDir, 'PG_VERSION'))
    ? null
    : ['-D', dataDir, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${passwordFile}`, '-E', 'UTF8', '--locale=C.UTF-8', '--no-instructions'];
  const settings = [
    `-p ${options.port}`,
    `-k ${socketDir}`,
    '-c listen_addresses=127.0.0.1',
    '-c max_connections=400',
    '-c shared_buffers=128MB',
    options.fsync === false ? '-c fsync=off -c synchronous_commit=off -c full_page_writes=off' : '',
  ].join(' ');
  const start = ['-D', dataDir, '-l', path.join(dataDir, 'server.log'), '-o', settings, '-w', '-t', '60', 'start'];
  return { bin, dataDir, socketDir, passwordFile, password, newPassword, initdb, start };
}

function handle(p: ClusterPlan, port: number): LocalCluster {
  return {
    url: `postgres://postgres:${encodeURIComponent(p.password)}@127.0.0.1:${port}/postgres`,
    passwordFile: p.passwordFile,
    port,
    dataDir: p.dataDir,
    stop(mode = 'fast') {
      try {
        run(path.join(p.bin, 'pg_ctl'), ['-D', p.dataDir, '-m', mode, '-w', '-t', '60', 'stop']);
      } catch {
        // already stopped
      }
    },
  };
}

/** Initialises `dataDir` if empty, starts the cluster on `port` and waits for it. */
export function startLocalCluster(options: ClusterOptions): LocalCluster {
  const p = plan(options);
  if (p.initdb) run(path.join(p.bin, 'initdb'), p.initdb);
  requirePassword(p.bin, p.dataDir, p.password, { initialised: p.initdb !== null, newPassword: p.newPassword });
  run(path.join(p.bin, 'pg_ctl'), p.start);
  return handle(p, options.port);
}

/**
 * startLocalCluster without blocking the event loop, initdb and pg_ctl in sessions of their own (the
 * postmaster always is: pg_ctl detaches it), so a Ctrl-C reaches only the process that started it.
 * Stop it with stopPostmaster.
 */
export async function startLocalClusterDetached(options: ClusterOptions): Promise<LocalCluster> {
  const p = plan(options);
  if (p.initdb) await runDetached(path.join(p.bin, 'initdb'), p.initdb, 120_000);
  requirePassword(p.bin, p.dataDir, p.password, { initialised: p.initdb !== null, newPassword: p.newPassword });
  await runDetached(path.join(p.bin, 'pg_ctl'), p.start, 70_000);
  return handle(p, options.port);
}

function isPostmasterOf(info: ProcessInfo, dataDir: string): boolean {
  return path.basename(info.argv[0] ?? '') === 'postgres' && hasArg(info.argv, '-D', dataDir);
}

/** Line 1 of a postmaster.pid or socket .lock file: the pid; line 5 of postmaster.pid: the socket directory. */
function lockFileLines(file: string): string[] {
  try {
    return fs.readFileSync(file, 'utf8').split('\n');
  } catch {
    return [];
  }
}

function pidFileOf(dataDir: string): number | null {
  const pid = Number(lockFileLines(path.join(dataDir, 'postmaster.pid'))[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

/** Removes socket lock files whose pid is no running postgres (Postgres takes a zombie's for a live server's). */
function removeStaleSocketLocks(socketDir: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(socketDir).filter((n) => /^\.s\.PGSQL\.\d+\.lock$/.test(n));
  } catch {
    return;
  }
  for (const name of names) {
    const owner = processInfo(Number(lockFileLines(path.join(socketDir, name))[0]));
    if (!owner || path.basename(owner.argv[0] ?? '') !== 'postgres') fs.rmSync(path.join(socketDir, name), { force: true });
  }
}

/** The running postmaster(s) of `dataDir`: the one its postmaster.pid names, and any other started with `-D dataDir`. */
export function runningPostmasters(dataDir: string): ProcessInfo[] {
  const dir = path.resolve(dataDir);
  const found = findProcesses((info) => isPostmasterOf(info, dir));
  const fromFile = processInfo(pidFileOf(dir) ?? -1);
  if (fromFile && isPostmasterOf(fromFile, dir) && !found.some((f) => f.pid === fromFile.pid)) found.push(fromFile);
  return found;
}

/**
 * Stops whatever Postgres runs on `dataDir` and verifies it is gone: `pg_ctl stop -m mode` (graceMs 0:
 * straight to SIGKILL), up to `graceMs` for the postmaster and its children to exit, then SIGKILL.
 * Then a postmaster.pid naming no running postmaster of this directory, and socket lock files naming
 * no running postgres (a crash's leftovers, which Postgres takes for a live server while their pid
 * is a zombie or belongs to another process), are removed.
 * Throws if a process is still running; the failure of pg_ctl itself goes to `onError`.
 */
export async function stopPostmaster(
  dataDir: string,
  opts: { mode?: 'fast' | 'immediate'; graceMs: number; socketDir?: string; onError?: (err: unknown) => void },
): Promise<'none' | 'stopped' | 'killed'> {
  const dir = path.resolve(dataDir);
  const socketDirs = [opts.socketDir, lockFileLines(path.join(dir, 'postmaster.pid'))[4]].filter((d): d is string => !!d);
  const postmasters = runningPostmasters(dir);
  const pids = postmasters.map((p) => p.pid);
  const children = findProcesses((info) => pids.includes(info.ppid)).map((c) => c.pid);
  const outcome = await stopProcesses([...pids, ...children], {
    what: `embedded Postgres of ${dir}`,
    graceMs: opts.graceMs,
    polite: async () => {
      try {
        await runDetached(path.join(binDir(), 'pg_ctl'), ['-D', dir, '-m', opts.mode ?? 'fast', '-W', 'stop'], 10_000);
      } catch (err) {
        for (const pid of pids) process.kill(pid, opts.mode === 'immediate' ? 'SIGQUIT' : 'SIGINT');
        throw err;
      }
    },
    onPoliteError: opts.onError,
  });
  const stale = pidFileOf(dir);
  if (stale !== null && !runningPostmasters(dir).some((p) => p.pid === stale)) {
    fs.rmSync(path.join(dir, 'postmaster.pid'), { force: true });
  }
  for (const socketDir of socketDirs) removeStaleSocketLocks(socketDir);
  return outcome;
}
