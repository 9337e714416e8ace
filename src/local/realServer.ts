// Runs the real Temporal server (`temporal-server`, built by scripts/setupServer.sh) on Postgres, the
// way production runs it: persistence and SQL advanced visibility in two databases of a Postgres
// cluster (created and migrated with `temporal-sql-tool`), 4 history shards, the frontend, history,
// matching and worker services in one process of its own group; then the namespace and hrhooks'
// search attributes. Used by the tests, the bench and `HRHOOKS_TEMPORAL=server npm start`.
// Never builds or downloads anything; never touches databases other than the two it is given.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { Client as PgClient } from 'pg';
import { findProcesses, hasArg, stopProcesses, type ProcessInfo } from './procfs';
import { temporalServerPath, temporalSqlToolPath } from './binaries';
import { ensureSearchAttributes } from '../infra/temporal/registerSearchAttributes';
import { fairnessDynamicConfig } from '../infra/temporal/fairness';

/** The server version scripts/setupServer.sh builds (and docker-compose.yml runs). */
export const TEMPORAL_SERVER_VERSION = '1.32.2';
export const HISTORY_SHARDS = 4;
/** Cluster-membership ports are stored as Postgres `smallint`: every port the server binds stays below this. */
const PORT_CEILING = 32768;
const SERVICES = ['frontend', 'history', 'matching', 'worker'] as const;
const GRPC_ALREADY_EXISTS = 6;

export interface RealServerOptions {
  /** Any database URL on the Postgres cluster that holds Temporal's two databases (its user may create databases). */
  postgresUrl: string;
  /** Directory for the server's config, dynamic config and log (created). */
  dir: string;
  /** Names of the persistence and visibility databases. */
  databases?: { main: string; visibility: string };
  /** Frontend gRPC port; default a free one (below 32768, like every other port of the server). */
  port?: number;
  ip?: string;
  historyShards?: number;
  namespace?: string;
  /** Closed workflows are kept this many hours. */
  retentionHours?: number;
  /** Server log level (its log goes to `<dir>/temporal-server.log`). */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  readyTimeoutMs?: number;
  /** Task-queue fairness (the tenant as fairness key: ../infra/temporal/fairness.ts); default on. */
  fairness?: boolean;
}

/** What prepareRealServer made: enough to launch the server again after a stop or a crash. */
export interface RealServerSetup {
  address: string;
  namespace: string;
  configFile: string;
  logFile: string;
  databases: { main: string; visibility: string };
  postgresUrl: string;
  retentionHours: number;
  readyTimeoutMs: number;
}

export interface RealServer extends RealServerSetup {
  pid: number;
  process: ChildProcess;
  /** SIGTERM to the server's process group, SIGKILL after `graceMs`; resolves once it is gone. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL to the server's process group (a crash); resolves once it is gone. */
  kill(): Promise<void>;
}

/** A free TCP port on `ip` below 32768 (cluster-membership ports are Postgres smallints), none of `taken`. */
export async function freeLowPort(ip = '127.0.0.1', taken = new Set<number>()): Promise<number> {
  for (let tries = 0; tries < 200; tries++) {
    const port = 10_000 + Math.floor(Math.random() * (PORT_CEILING - 10_000));
    if (taken.has(port)) continue;
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(port, ip, () => server.close(() => resolve(true)));
    });
    if (free) {
      taken.add(port);
      return port;
    }
  }
  throw new Error(`no free port below ${PORT_CEILING} on ${ip}`);
}

function serverConfig(o: { ip: string; ports: Record<string, number>; shards: number; logLevel: string; pg: URL; databases: RealServerSetup['databases']; dynamicConfigFile: string }): string {
  const store = (database: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName: database,
      connectAddr: `${o.pg.hostname}:${o.pg.port || 5432}`,
      connectProtocol: 'tcp',
      user: decodeURIComponent(o.pg.username),
      password: decodeURIComponent(o.pg.password),
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const service = (name: (typeof SERVICES)[number]) => ({
    rpc: {
      grpcPort: o.ports[`${name}Grpc`],
      membershipPort: o.ports[`${name}Membership`],
      bindOnIP: o.ip,
      ...(name === 'frontend' ? { httpPort: o.ports.frontendHttp } : {}),
    },
  });
  // JSON is YAML: no YAML library needed, and every string is quoted.
  return JSON.stringify(
    {
      log: { stdout: true, level: o.logLevel },
      persistence: {
        defaultStore: 'postgres-default',
        visibilityStore: 'postgres-visibility',
        numHistoryShards: o.shards,
        datastores: { 'postgres-default': store(o.databases.main, 20), 'postgres-visibility': store(o.databases.visibility, 10) },
      },
      global: { membership: { maxJoinDuration: '30s', broadcastAddress: o.ip } },
      services: Object.fromEntries(SERVICES.map((name) => [name, service(name)])),
      clusterMetadata: {
        enableGlobalNamespace: false,
        failoverVersionIncrement: 10,
        masterClusterName: 'active',
        currentClusterName: 'active',
        clusterInformation: { active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: `${o.ip}:${o.ports.frontendGrpc}` } },
      },
      dcRedirectionPolicy: { policy: 'noop' },
      dynamicConfigClient: { filepath: o.dynamicConfigFile, pollInterval: '10s' },
    },
    null,
    2,
  );
}

/**
 * Visibility list and count calls per second: the default (10) throttles the bench's and tests' list queries.
 * Task-queue fairness between tenants, unless turned off (HRHOOKS_FAIRNESS=off).
 */
function dynamicConfig(fairness: boolean): string {
  return JSON.stringify({ 'frontend.namespaceRPS.visibility': [{ value: 500 }], 'limit.maxIDLength': [{ value: 255 }], ...fairnessDynamicConfig(fairness) }, null, 2);
}

function sqlTool(pg: URL, database: string, args: string[]): void {
  const base = ['--plugin', 'postgres12', '--ep', pg.hostname, '-p', pg.port || '5432', '-u', decodeURIComponent(pg.username), '--db', database];
  // the password through the environment (SQL_PASSWORD), never the command line other users can read in /proc
  const env = { ...process.env, SQL_PASSWORD: decodeURIComponent(pg.password) };
  const result = spawnSync(temporalSqlToolPath(), [...base, ...args], { encoding: 'utf8', timeout: 180_000, env });
  if (result.status !== 0) {
    throw new Error(`temporal-sql-tool ${args[0]} on ${database} failed (${result.error?.message ?? `exit ${result.status}`}): ${(result.stderr || result.stdout).trim().slice(-2000)}`);
  }
}

/** Creates the database and its schema at version 0 when missing, then migrates it to the schema the server needs. */
async function migrateDatabase(pg: URL, database: string, schema: 'temporal' | 'visibility'): Promise<void> {
  const admin = new PgClient({ connectionString: pg.toString() });
  await admin.connect();
  let exists: boolean;
  try {
    exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount === 1;
  } finally {
    await admin.end();
  }
  if (!exists) {
    sqlTool(pg, database, ['create-database']);
    sqlTool(pg, database, ['setup-schema', '-v', '0.0']);
  }
  sqlTool(pg, database, ['update-schema', '--schema-name', `postgresql/v12/${schema}`]);
}

/** Sets up the two databases (idempotent) and writes the server's config (4 history shards, free ports below 32768). */
export async function prepareRealServer(options: RealServerOptions): Promise<RealServerSetup> {
  const ip = options.ip ?? '127.0.0.1';
  const pg = new URL(options.postgresUrl);
  const databases = options.databases ?? { main: 'temporal', visibility: 'temporal_visibility' };
  fs.mkdirSync(options.dir, { recursive: true });
  await migrateDatabase(pg, databases.main, 'temporal');
  await migrateDatabase(pg, databases.visibility, 'visibility');
  const taken = new Set<number>();
  const ports: Record<string, number> = { frontendGrpc: options.port ?? (await freeLowPort(ip, taken)) };
  if (ports.frontendGrpc! >= PORT_CEILING) throw new Error(`Temporal server port ${ports.frontendGrpc} must be below ${PORT_CEILING}`);
  taken.add(ports.frontendGrpc!);
  for (const name of ['frontendHttp', 'frontendMembership', 'historyGrpc', 'historyMembership', 'matchingGrpc', 'matchingMembership', 'workerGrpc', 'workerMembership']) {
    ports[name] = await freeLowPort(ip, taken);
  }
  const dir = path.resolve(options.dir);
  const configFile = path.join(dir, 'temporal-server.yaml');
  const dynamicConfigFile = path.join(dir, 'dynamic-config.yaml');
  fs.writeFileSync(dynamicConfigFile, dynamicConfig(options.fairness ?? true));
  // it holds the Postgres password: readable by its owner only
  fs.writeFileSync(configFile, '', { mode: 0o600 });
  fs.chmodSync(configFile, 0o600);
  fs.writeFileSync(configFile, serverConfig({ ip, ports, shards: options.historyShards ?? HISTORY_SHARDS, logLevel: options.logLevel ?? 'warn', pg, databases, dynamicConfigFile }));
  return {
    address: `${ip}:${ports.frontendGrpc}`,
    namespace: options.namespace ?? 'default',
    configFile,
    logFile: path.join(dir, 'temporal-server.log'),
    databases,
    postgresUrl: options.postgresUrl,
    retentionHours: options.retentionHours ?? 24,
    readyTimeoutMs: options.readyTimeoutMs ?? 120_000,
  };
}

function tail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '';
  }
}

/** Retries `step` until it resolves, the deadline passes (throws its last error) or the server exits. */
async function retrying<T>(what: string, deadline: number, exited: () => string | null, step: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await step();
    } catch (err) {
      const exit = exited();
      if (exit) throw new Error(exit);
      if (Date.now() > deadline) throw new Error(`Temporal server: ${what} not done in time: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** The frontend answers health checks, the namespace exists and hrhooks' search attributes are registered and queryable. */
async function makeReady(setup: RealServerSetup, exited: () => string | null): Promise<void> {
  const deadline = Date.now() + setup.readyTimeoutMs;
  const connection = await retrying('frontend connection', deadline, exited, () => Connection.connect({ address: setup.address, connectTimeout: '2s' }));
  try {
    await retrying('frontend health', deadline, exited, async () => {
      const health = await connection.healthService.check({ service: 'temporal.api.workflowservice.v1.WorkflowService' });
      if (health.status !== 1) throw new Error(`health status ${health.status}`);
    });
    await retrying('namespace registration', deadline, exited, async () => {
      try {
        await connection.workflowService.registerNamespace({
          namespace: setup.namespace,
          workflowExecutionRetentionPeriod: msToTs(`${setup.retentionHours}h`),
        });
      } catch (err) {
        if ((err as { code?: number }).code !== GRPC_ALREADY_EXISTS) throw err;
      }
    });
    await retrying('namespace visible', deadline, exited, () => connection.workflowService.describeNamespace({ namespace: setup.namespace }));
    await retrying('search attributes', deadline, exited, () => ensureSearchAttributes(connection, setup.namespace));
    // Visibility accepts a query on every attribute once the frontend's namespace cache has them.
    await retrying('search attributes queryable', deadline, exited, () =>
      connection.workflowService.countWorkflowExecutions({
        namespace: setup.namespace,
        query: 'HrhooksStatus = "failed" AND HrhooksSubscription = "x" AND HrhooksEventType = "x" AND HrhooksAttempts >= 0 AND HrhooksNextAttempt < "2000-01-01T00:00:00Z" AND HrhooksTenant = "x"',
      }),
    );
  } finally {
    await connection.close();
  }
}

/** Starts the server of a prepared setup (the first time, or again after a stop or a crash) and waits until it is ready. */
export async function launchRealServer(setup: RealServerSetup): Promise<RealServer> {
  const out = fs.openSync(setup.logFile, 'a');
  const child = spawn(temporalServerPath(), ['--config-file', setup.configFile, '--allow-no-auth', 'start'], {
    cwd: path.dirname(setup.configFile),
    stdio: ['ignore', out, out],
    detached: true,
  });
  fs.closeSync(out);
  let exitNote: string | null = null;
  child.once('exit', (code, signal) => {
    exitNote = `temporal-server exited (code ${code}, signal ${signal}); log ${setup.logFile}:\n${tail(setup.logFile)}`;
  });
  const spawned = await new Promise<Error | null>((resolve) => {
    child.once('spawn', () => resolve(null));
    child.once('error', (err) => resolve(err));
  });
  if (spawned) throw new Error(`could not start temporal-server: ${spawned.message}`);
  const pid = child.pid!;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const end = async (graceMs: number) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    await stopProcesses([pid], { what: 'Temporal server', graceMs, polite: () => void process.kill(-pid, 'SIGTERM') });
    await gone;
  };
  try {
    await makeReady(setup, () => exitNote);
  } catch (err) {
    await end(0);
    throw err;
  }
  return { ...setup, pid, process: child, stop: (graceMs = 10_000) => end(graceMs), kill: () => end(0) };
}

export async function startRealServer(options: RealServerOptions): Promise<RealServer> {
  return launchRealServer(await prepareRealServer(options));
}

/** Drops the setup's two databases (the server must be stopped). */
export async function dropRealServerDatabases(setup: Pick<RealServerSetup, 'postgresUrl' | 'databases'>): Promise<void> {
  const admin = new PgClient({ connectionString: setup.postgresUrl });
  await admin.connect();
  try {
    for (const database of [setup.databases.main, setup.databases.visibility]) {
      await admin.query(`DROP DATABASE IF EXISTS "${database.replace(/"/g, '""')}" WITH (FORCE)`);
    }
  } finally {
    await admin.end();
  }
}

/** Servers running with `configFile` (a killed process's leftover included). */
export function runningRealServers(configFile: string): ProcessInfo[] {
  const file = path.resolve(configFile);
  return findProcesses((info) => path.basename(info.argv[0] ?? '') === 'temporal-server' && hasArg(info.argv, '--config-file', file));
}

/** Stops every server running with `configFile` and verifies they are gone: SIGTERM (graceMs 0: SIGKILL at once), then SIGKILL. */
export async function stopRealServersOn(configFile: string, opts: { graceMs: number }): Promise<'none' | 'stopped' | 'killed'> {
  const pids = runningRealServers(configFile).map((p) => p.pid);
  return stopProcesses(pids, {
    what: `Temporal server of ${configFile}`,
    graceMs: opts.graceMs,
    polite: () => pids.forEach((pid) => process.kill(pid, 'SIGTERM')),
  });
}
