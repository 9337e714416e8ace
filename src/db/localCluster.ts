// Runs a private PostgreSQL cluster from the machine's PostgreSQL binaries
// (initdb + pg_ctl) in a directory we own: the "embedded" Postgres of
// `npm start` and the throwaway cluster of the test suite. Postgres refuses to
// run as root, so as root the cluster runs as the `postgres` system user.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const CANDIDATE_BIN_DIRS = ['/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin'];

export interface LocalCluster {
  url: string;
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

function run(bin: string, args: string[]): void {
  const command = asRoot ? 'runuser' : bin;
  const argv = asRoot ? ['-u', 'postgres', '--', bin, ...args] : args;
  const result = spawnSync(command, argv, { encoding: 'utf8', cwd: '/' });
  if (result.status !== 0) {
    throw new PostgresUnavailable(`${path.basename(bin)} failed: ${(result.stderr || result.stdout || '').trim()}`);
  }
}

function handOver(dir: string): void {
  if (!asRoot) return;
  execFileSync('chown', ['-R', 'postgres:postgres', dir]);
}

/** Initialises `dataDir` if empty, starts the cluster on `port` and waits for it. */
export function startLocalCluster(options: { dataDir: string; port: number; socketDir?: string; fsync?: boolean }): LocalCluster {
  const bin = binDir();
  const dataDir = path.resolve(options.dataDir);
  const socketDir = options.socketDir ?? path.join(path.dirname(dataDir), 'pg-socket');
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  fs.mkdirSync(socketDir, { recursive: true });
  handOver(dataDir);
  handOver(socketDir);
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    run(path.join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-instructions']);
  }
  const settings = [
    `-p ${options.port}`,
    `-k ${socketDir}`,
    '-c listen_addresses=127.0.0.1',
    '-c max_connections=400',
    '-c shared_buffers=128MB',
    options.fsync === false ? '-c fsync=off -c synchronous_commit=off -c full_page_writes=off' : '',
  ].join(' ');
  const logFile = path.join(dataDir, 'server.log');
  run(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-l', logFile, '-o', settings, '-w', '-t', '60', 'start']);
  return {
    url: `postgres://postgres@127.0.0.1:${options.port}/postgres`,
    port: options.port,
    dataDir,
    stop(mode = 'fast') {
      try {
        run(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-m', mode, '-w', '-t', '60', 'stop']);
      } catch {
        // already stopped
      }
    },
  };
}
