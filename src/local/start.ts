// `hrhooks start`: the all-in-one. Runs (when not given) a Temporal dev server
// on a SQLite file (or, with HRHOOKS_TEMPORAL=server, the real Temporal server on
// the same Postgres) and an embedded Postgres under the data dir, then the worker
// and the gateway in this process; prints where everything is. Ctrl-C stops all
// (src/interfaces/cli/shutdown.ts); leftovers of a killed earlier start are stopped first. An embedded server
// that dies meanwhile stops everything, with a message (childWatch.ts); a data dir is kept on the
// Temporal its open deliveries live in (temporalMode.ts).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import { CLOSED_STATUSES } from '../../workflows/definitions';
import type { Config } from '../infra/config';
import { passwordFileOf, runningPostmasters, startLocalClusterDetached, stopPostmaster } from './localCluster';
import { startGateway } from '../interfaces/api/server';
import { createLogger, type Logger } from '../infra/observability/log';
import { signalProcess } from './procfs';
import { portIsOpen, runningDevServers, startDevServer, stopDevServersOn, type DevServer } from './devServer';
import { HISTORY_SHARDS, runningRealServers, startRealServer, stopRealServersOn, TEMPORAL_SERVER_VERSION } from './realServer';
import { bootstrapKeysFile, knownBootstrapKeys, type BootstrapKeys } from '../interfaces/cli/bootstrapKeys';
import { watchChildren } from './childWatch';
import { claimDataDir, releaseDataDir } from './dataDirOwner';
import { removeInstance, writeInstance, type InstanceDetails } from '../interfaces/cli/instance';
import { Shutdown } from '../interfaces/cli/shutdown';
import { checkTemporalMode } from './temporalMode';
import { startWatchdog, type Watchdog } from './watchdog';
import { startWorker } from '../interfaces/worker/workerProcess';
import { retentionDays } from '../domain/retention/policy';

function bootstrapKeys(config: Config): BootstrapKeys {
  const known = knownBootstrapKeys(config);
  const keys: BootstrapKeys = {
    admin: known.admin ?? `hrk_admin_${crypto.randomBytes(24).toString('base64url')}`,
    producer: known.producer ?? `hrk_prod_${crypto.randomBytes(24).toString('base64url')}`,
  };
  if (!config.HRHOOKS_ADMIN_KEY || !config.HRHOOKS_PRODUCER_KEY) {
    fs.writeFileSync(bootstrapKeysFile(config), JSON.stringify({ admin: keys.admin, producer: keys.producer }, null, 2), { mode: 0o600 });
  }
  return keys;
}

async function ensureFree(host: string, port: number, what: string, variable: string): Promise<void> {
  if (await portIsOpen(host, port)) {
    throw new Error(`port ${port} (${what}) is already in use; stop whatever holds it or set ${variable}`);
  }
}

const POSTGRES_GRACE_MS = 15_000;
const TEMPORAL_GRACE_MS = 10_000;

function embeddedPaths(config: Config) {
  return {
    postgres: path.join(config.dataDir, 'postgres'),
    pgSocket: path.join(config.dataDir, 'pg-socket'),
    temporalDb: path.join(config.dataDir, 'temporal.sqlite'),
    temporalServerDir: path.join(config.dataDir, 'temporal-server'),
    temporalServerConfig: path.join(config.dataDir, 'temporal-server', 'temporal-server.yaml'),
  };
}

/** Stops the embedded servers a killed earlier start left running on this data dir; a stale postmaster.pid goes too. */
async function stopLeftovers(config: Config, log: Logger): Promise<void> {
  const paths = embeddedPaths(config);
  const postmasters = runningPostmasters(paths.postgres).map((p) => p.pid);
  if (postmasters.length) log.warn({ pids: postmasters }, 'stopping the embedded Postgres an earlier hrhooks start left running');
  await stopPostmaster(paths.postgres, { graceMs: POSTGRES_GRACE_MS, socketDir: paths.pgSocket, onError: (err) => log.warn({ err }, 'pg_ctl stop failed') });
  const devServers = runningDevServers(paths.temporalDb).map((p) => p.pid);
  if (devServers.length) log.warn({ pids: devServers }, 'stopping the Temporal dev server an earlier hrhooks start left running');
  await stopDevServersOn(paths.temporalDb, { graceMs: TEMPORAL_GRACE_MS });
  const servers = runningRealServers(paths.temporalServerConfig).map((p) => p.pid);
  if (servers.length) log.warn({ pids: servers }, 'stopping the Temporal server an earlier hrhooks start left running');
  await stopRealServersOn(paths.temporalServerConfig, { graceMs: TEMPORAL_GRACE_MS });
}

/** Deliveries not closed whose event workflow was started: they live in the Temporal that started them. */
async function openDeliveries(databaseUrl: string): Promise<number> {
  const client = new PgClient({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const found = await client.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM deliveries WHERE workflow_started AND status <> ALL($1::text[])',
      [CLOSED_STATUSES],
    );
    return found.rows[0]!.n;
  } catch (err) {
    if ((err as { code?: string }).code === '42P01') return 0; // a new database: no deliveries table yet
    throw err;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function killPostgresNow(dataDir: string): void {
  for (const postmaster of runningPostmasters(dataDir)) signalProcess(postmaster.pid, 'SIGKILL');
}

function killDevServersNow(dbFile: string): void {
  for (const server of runningDevServers(dbFile)) signalProcess(server.pid, 'SIGKILL');
}

function killRealServersNow(configFile: string): void {
  for (const server of runningRealServers(configFile)) signalProcess(server.pid, 'SIGKILL');
}

export interface AllInOne {
  gatewayUrl: string;
  databaseUrl: string;
  temporalAddress: string;
  temporalUiUrl: string;
  /** What runs Temporal: given (TEMPORAL_ADDRESS), the dev server, or the real server on Postgres. */
  temporal: 'given' | 'dev' | 'server';
  keys: BootstrapKeys;
  /** Which of `keys` are revoked (`bootstrap-admin`, `bootstrap-producer`): printed as such, never as usable. */
  revokedKeys: string[];
  /** Resolves if the worker stops on its own (it should not). */
  workerDone: Promise<void>;
  /** Resolves with a message if an embedded server dies while running. */
  childDied: Promise<string>;
  /** The embedded Postgres's password file, when it runs. */
  passwordFile: string | null;
  /** Stops everything (src/interfaces/cli/shutdown.ts); resolves false if a step failed (logged). */
  stop(): Promise<boolean>;
}

/** What the start steps share: the settings, the log, the stop steps registered so far and the children watched. */
interface StartContext {
  config: Config;
  log: Logger;
  stopping: Shutdown;
  paths: ReturnType<typeof embeddedPaths>;
  children: ReturnType<typeof watchChildren>;
  /** Throws when a stop was requested during the start. */
  notInterrupted(): void;
}

/** Starts everything; each part registers its stop step with `shutdown` before it starts. Throws if `shutdown` is requested meanwhile. */
export async function startAllInOne(config: Config, shutdown?: Shutdown): Promise<AllInOne> {
  const log = createLogger(config.LOG_LEVEL, 'hrhooks');
  const stopping = shutdown ?? new Shutdown(log, (code) => process.exit(code));
  if (!shutdown) stopping.killOnExit();
  fs.mkdirSync(config.dataDir, { recursive: true });
  fs.chmodSync(config.dataDir, 0o755);
  const embedded = !config.DATABASE_URL || !config.TEMPORAL_ADDRESS;
  const paths = embeddedPaths(config);
  const children = watchChildren();
  const watchdog = embedded ? await claimAndWatch(config, paths, log) : null;
  const stopAll = async () => {
    children.disarm();
    const ok = await stopping.stopAll();
    if (embedded) releaseDataDir(config.dataDir);
    if (ok) watchdog?.disarm();
    return ok;
  };
  const ctx: StartContext = {
    config, log, stopping, paths, children,
    notInterrupted: () => {
      if (stopping.isRequested) throw new Error('start interrupted');
    },
  };
  try {
    await ensureFree(config.HOST, config.PORT, 'gateway', 'PORT');
    const databaseUrl = config.DATABASE_URL ?? (await startEmbeddedPostgres(ctx));
    const temporal: AllInOne['temporal'] = config.TEMPORAL_ADDRESS ? 'given' : config.HRHOOKS_TEMPORAL;
    if (temporal !== 'given') await checkTemporalMode(config.dataDir, temporal, () => openDeliveries(databaseUrl));
    const codec = temporal === 'dev' ? webUiCodec(config) : null;
    const engine = temporal === 'server' ? await startEmbeddedRealServer(ctx, databaseUrl)
      : temporal === 'dev' ? await startEmbeddedDevServer(ctx, codec!.endpoint)
        : { address: config.TEMPORAL_ADDRESS!, uiUrl: null };
    const keys = bootstrapKeys(config);
    const effective: Config = {
      ...config,
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: engine.address,
      HRHOOKS_ADMIN_KEY: keys.admin,
      HRHOOKS_PRODUCER_KEY: keys.producer,
      temporalUiUrl: config.TEMPORAL_UI_URL ?? engine.uiUrl ?? config.temporalUiUrl,
      // its own Temporal: closed workflows kept as long as the longest events retention (the retention runs keep it so)
      ...(temporal !== 'given' ? { HRHOOKS_TEMPORAL_RETENTION: 'managed' as const } : {}),
      ...(codec && engine.uiUrl ? { HRHOOKS_CODEC_UI_TOKEN: codec.token, HRHOOKS_CODEC_ORIGINS: config.HRHOOKS_CODEC_ORIGINS ?? localOrigins(engine.uiUrl) } : {}),
    };
    const { worker, gateway } = await startHrhooks(ctx, effective);
    return {
      gatewayUrl: gateway.url,
      databaseUrl,
      temporalAddress: engine.address,
      temporalUiUrl: effective.temporalUiUrl,
      temporal,
      keys,
      revokedKeys: gateway.revokedBootstrapKeys,
      workerDone: worker.done,
      childDied: children.died,
      passwordFile: config.DATABASE_URL ? null : passwordFileOf(paths.postgres),
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** Claims the data dir, stops what a killed earlier start left running, and starts the watchdog. */
async function claimAndWatch(config: Config, paths: ReturnType<typeof embeddedPaths>, log: Logger): Promise<Watchdog> {
  claimDataDir(config.dataDir);
  await stopLeftovers(config, log);
  return startWatchdog({
    dataDir: config.dataDir,
    postgresDir: config.DATABASE_URL ? null : paths.postgres,
    pgSocketDir: config.DATABASE_URL ? null : paths.pgSocket,
    temporalDb: config.TEMPORAL_ADDRESS ? null : paths.temporalDb,
    temporalServerConfig: config.TEMPORAL_ADDRESS ? null : paths.temporalServerConfig,
  });
}

/** The embedded Postgres (its stop step first); resolves with its URL. */
async function startEmbeddedPostgres({ config, log, stopping, paths, children, notInterrupted }: StartContext): Promise<string> {
  await ensureFree('127.0.0.1', config.HRHOOKS_PG_PORT, 'embedded Postgres', 'HRHOOKS_PG_PORT');
  stopping.add({
    name: 'embedded Postgres',
    timeoutMs: POSTGRES_GRACE_MS + 25_000,
    stop: () => stopPostmaster(paths.postgres, { graceMs: POSTGRES_GRACE_MS, socketDir: paths.pgSocket, onError: (err) => log.warn({ err }, 'pg_ctl stop failed') }),
    kill: () => stopPostmaster(paths.postgres, { graceMs: 0, socketDir: paths.pgSocket }),
    killNow: () => killPostgresNow(paths.postgres),
  });
  const cluster = await startLocalClusterDetached({ dataDir: paths.postgres, port: config.HRHOOKS_PG_PORT, socketDir: paths.pgSocket });
  const postmaster = runningPostmasters(paths.postgres)[0];
  if (postmaster) children.add({ name: 'embedded Postgres', logFile: path.join(paths.postgres, 'server.log'), process: postmaster.pid });
  notInterrupted();
  return cluster.url;
}

/** The real Temporal server on that Postgres (HRHOOKS_TEMPORAL=server): no Web UI. */
async function startEmbeddedRealServer({ config, stopping, paths, children, notInterrupted }: StartContext, databaseUrl: string) {
  await ensureFree('127.0.0.1', config.TEMPORAL_PORT, 'Temporal server', 'TEMPORAL_PORT');
  stopping.add({
    name: 'Temporal server',
    timeoutMs: TEMPORAL_GRACE_MS + 10_000,
    stop: () => stopRealServersOn(paths.temporalServerConfig, { graceMs: TEMPORAL_GRACE_MS }),
    kill: () => stopRealServersOn(paths.temporalServerConfig, { graceMs: 0 }),
    killNow: () => killRealServersNow(paths.temporalServerConfig),
  });
  const server = await startRealServer({ ip: '127.0.0.1', postgresUrl: databaseUrl, dir: paths.temporalServerDir, port: config.TEMPORAL_PORT, namespace: config.TEMPORAL_NAMESPACE, retentionHours: 24 * retentionDays(config.HRHOOKS_RETENTION_EVENTS)!, fairness: config.HRHOOKS_FAIRNESS === 'on' });
  children.add({ name: 'Temporal server', logFile: server.logFile, process: server.process });
  notInterrupted();
  return { address: server.address, uiUrl: null };
}

/**
 * The codec server the dev server's Web UI decodes payloads with: the gateway's /codec behind a secret path
 * segment made for this start (that UI has no sign-in to send a platform key with; it is on loopback only).
 */
function webUiCodec(config: Config): { token: string; endpoint: string } {
  const token = config.HRHOOKS_CODEC_UI_TOKEN ?? crypto.randomBytes(24).toString('base64url');
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
  return { token, endpoint: `http://${host.includes(':') ? `[${host}]` : host}:${config.PORT}/codec/web-ui/${token}` };
}

/** The Web UI's origin as the browser may name it: 127.0.0.1 or localhost. */
function localOrigins(uiUrl: string): string {
  const url = new URL(uiUrl);
  return [url.origin, `${url.protocol}//localhost:${url.port}`].join(',');
}

/** The Temporal dev server with its Web UI (decoding through `codecEndpoint`), on a SQLite file in the data dir. */
async function startEmbeddedDevServer({ config, stopping, paths, children, notInterrupted }: StartContext, codecEndpoint: string) {
  await ensureFree('127.0.0.1', config.TEMPORAL_PORT, 'Temporal dev server', 'TEMPORAL_PORT');
  await ensureFree('127.0.0.1', config.TEMPORAL_UI_PORT, 'Temporal Web UI', 'TEMPORAL_UI_PORT');
  stopping.add({
    name: 'Temporal dev server',
    timeoutMs: TEMPORAL_GRACE_MS + 10_000,
    stop: () => stopDevServersOn(paths.temporalDb, { graceMs: TEMPORAL_GRACE_MS }),
    kill: () => stopDevServersOn(paths.temporalDb, { graceMs: 0 }),
    killNow: () => killDevServersNow(paths.temporalDb),
  });
  const logFile = path.join(config.dataDir, 'temporal.log');
  const server: DevServer = await startDevServer({
    // loopback only: the frontend and the Web UI have no authentication (SECURITY.md)
    ip: '127.0.0.1',
    port: config.TEMPORAL_PORT,
    uiPort: config.TEMPORAL_UI_PORT,
    dbFile: paths.temporalDb,
    logFile,
    // WAL with synchronous=normal: about 3x the workflow starts per second of the
    // default journal, and still safe when any process is killed (not on power loss).
    sqlitePragmas: ['journal_mode=wal', 'synchronous=normal'],
    ownProcessGroup: true,
    fairness: config.HRHOOKS_FAIRNESS === 'on',
    uiCodecEndpoint: codecEndpoint,
  });
  children.add({ name: 'Temporal dev server', logFile, process: server.process });
  notInterrupted();
  return { address: server.address, uiUrl: server.uiUrl };
}

/** The worker, then the gateway, each with its stop step. */
async function startHrhooks({ log, stopping, notInterrupted }: StartContext, effective: Config) {
  const worker = await startWorker(effective, log.child({ role: 'worker' }));
  stopping.add({ name: 'worker', timeoutMs: 20_000, stop: () => worker.stop() });
  notInterrupted();
  const gateway = await startGateway(effective, log.child({ role: 'gateway' }));
  stopping.add({ name: 'gateway', timeoutMs: 15_000, stop: () => gateway.stop() });
  notInterrupted();
  return { worker, gateway };
}

export async function runStart(config: Config, print: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  const log = createLogger(config.LOG_LEVEL, 'hrhooks');
  const exit = (code: number) => process.exit(code);
  const shutdown = new Shutdown(log, exit);
  shutdown.listen();
  let hr: AllInOne;
  try {
    hr = await startAllInOne(config, shutdown);
  } catch (err) {
    // What could not start is stopped; whatever still holds the event loop must not keep a failed start alive.
    setTimeout(() => exit(shutdown.isRequested ? 130 : 1), 1_000).unref();
    if (!shutdown.isRequested) throw err;
    print('stopped before start completed.');
    return 130;
  }
  writeInstance(config, instanceDetails(config, hr));
  printRunning(config, hr, print);
  const why: { failure?: string; signal?: string } = await Promise.race([
    shutdown.requested.then((signal) => (signal === 'uncaught error' ? { failure: 'an uncaught error (logged above)' } : { signal })),
    hr.childDied.then((message) => ({ failure: message })),
    hr.workerDone.then(
      () => ({ failure: 'the worker stopped on its own' }),
      (err: unknown) => {
        log.error({ err }, 'worker failed');
        return { failure: 'the worker failed (logged above)' };
      },
    ),
  ]);
  // from now on a signal is a second one (it forces)
  const failure = why.failure;
  if (failure) shutdown.request(failure);
  print(failure ? `\n${failure}: stopping everything...` : `\nreceived ${why.signal}, stopping...`);
  removeInstance(config);
  const ok = await hr.stop();
  print(ok ? 'stopped.' : 'stopped, with errors (logged above).');
  const code = ok && !failure ? 0 : 1;
  // Everything started is stopped; a part that hung in this process must not keep it alive.
  setTimeout(() => exit(code), 2_000).unref();
  return code;
}

/** What instance.json says of this start (never a key or a password): how the CLI and the demo find it. */
function instanceDetails(config: Config, hr: AllInOne): Omit<InstanceDetails, 'pid' | 'startedAt'> {
  return {
    gatewayUrl: hr.gatewayUrl,
    DATABASE_URL: hr.databaseUrl,
    ...(hr.passwordFile ? { DATABASE_PASSWORD_FILE: hr.passwordFile } : {}),
    TEMPORAL_ADDRESS: hr.temporalAddress,
    ...(hr.temporal === 'server' && !config.TEMPORAL_UI_URL ? {} : { TEMPORAL_UI_URL: hr.temporalUiUrl }),
    HRHOOKS_TEMPORAL: config.HRHOOKS_TEMPORAL,
  };
}

/** The lines `hrhooks start` prints once everything runs: where each part is, the keys, what to try. */
function printRunning(config: Config, hr: AllInOne, print: (line: string) => void): void {
  print('');
  print('hrhooks is running');
  print(`  gateway (API)        ${hr.gatewayUrl}/v1`);
  print(`  follow-up UI         ${hr.gatewayUrl}/`);
  if (hr.temporal === 'server') {
    print(`  Temporal server      ${hr.temporalAddress} (v${TEMPORAL_SERVER_VERSION} on Postgres, ${HISTORY_SHARDS} history shards; no Web UI: set TEMPORAL_UI_URL to yours)`);
  } else {
    print(`  Temporal Web UI      ${hr.temporalUiUrl}/namespaces/${config.TEMPORAL_NAMESPACE}/workflows`);
    print(`  Temporal frontend    ${hr.temporalAddress}`);
  }
  print(`  Temporal payloads    encrypted (HRHOOKS_PAYLOAD_KEY or ${path.join(config.dataDir, 'payload.key')})${hr.temporal === 'dev' ? '; the Web UI decodes them through the gateway\'s /codec' : ''}`);
  print(`  Postgres             ${config.DATABASE_URL ? '(DATABASE_URL)' : `embedded, ${path.join(config.dataDir, 'postgres')}`}`);
  const revoked = (name: string) => hr.revokedKeys.includes(name);
  const REVOKED = 'revoked (create one: bin/hrhooks keys create --scope <scope> --name <name>)';
  print(`  admin key            ${revoked('bootstrap-admin') ? REVOKED : hr.keys.admin}`);
  print(`  producer key         ${revoked('bootstrap-producer') ? REVOKED : hr.keys.producer}`);
  print('');
  if (!revoked('bootstrap-admin')) print(`  try: curl -H "Authorization: Bearer ${hr.keys.admin}" ${hr.gatewayUrl}/v1/dashboard`);
  print(`  CLI                  bin/hrhooks deliveries list   (finds this instance through ${path.join(config.dataDir, 'instance.json')})`);
  print('  Ctrl-C stops everything (a second Ctrl-C kills the embedded servers at once).');
}
