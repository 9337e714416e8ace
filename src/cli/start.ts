// `hrhooks start`: the all-in-one. Runs (when not given) a Temporal dev server
// on a SQLite file and an embedded Postgres under the data dir, then the worker
// and the gateway in this process; prints where everything is. Ctrl-C stops all.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import { startLocalCluster, type LocalCluster } from '../db/localCluster';
import { startGateway } from '../gateway/server';
import { createLogger } from '../log';
import { portIsOpen, startDevServer, type DevServer } from '../temporal/devServer';
import { startWorker } from '../workerProcess';

interface BootstrapKeys {
  admin: string;
  producer: string;
}

function bootstrapKeys(config: Config): BootstrapKeys {
  const file = path.join(config.dataDir, 'bootstrap-keys.json');
  const stored: Partial<BootstrapKeys> = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
  const keys: BootstrapKeys = {
    admin: config.HRHOOKS_ADMIN_KEY ?? stored.admin ?? `hrk_admin_${crypto.randomBytes(24).toString('base64url')}`,
    producer: config.HRHOOKS_PRODUCER_KEY ?? stored.producer ?? `hrk_prod_${crypto.randomBytes(24).toString('base64url')}`,
  };
  if (!config.HRHOOKS_ADMIN_KEY || !config.HRHOOKS_PRODUCER_KEY) {
    fs.writeFileSync(file, JSON.stringify({ admin: keys.admin, producer: keys.producer }, null, 2), { mode: 0o600 });
  }
  return keys;
}

async function ensureFree(host: string, port: number, what: string, variable: string): Promise<void> {
  if (await portIsOpen(host, port)) {
    throw new Error(`port ${port} (${what}) is already in use; stop whatever holds it or set ${variable}`);
  }
}

function embeddedPostgres(config: Config): LocalCluster {
  const dir = path.join(config.dataDir, 'postgres');
  const pidFile = path.join(dir, 'postmaster.pid');
  if (fs.existsSync(pidFile)) {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
    let alive = false;
    try {
      process.kill(pid, 0);
      alive = true;
    } catch {
      alive = false;
    }
    if (alive) throw new Error(`the embedded Postgres in ${dir} is already running (pid ${pid}): is another hrhooks start running?`);
  }
  return startLocalCluster({ dataDir: dir, port: config.HRHOOKS_PG_PORT, socketDir: path.join(config.dataDir, 'pg-socket') });
}

export interface AllInOne {
  gatewayUrl: string;
  temporalAddress: string;
  temporalUiUrl: string;
  keys: BootstrapKeys;
  /** Resolves if the worker stops on its own (it should not). */
  workerDone: Promise<void>;
  stop(): Promise<void>;
}

export async function startAllInOne(config: Config): Promise<AllInOne> {
  const log = createLogger(config.LOG_LEVEL, 'hrhooks');
  fs.mkdirSync(config.dataDir, { recursive: true });
  fs.chmodSync(config.dataDir, 0o755);
  await ensureFree(config.HOST, config.PORT, 'gateway', 'PORT');
  const stops: Array<() => Promise<void> | void> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await Promise.resolve(stop()).catch((err) => log.error({ err: String(err) }, 'stop failed'));
    stops.length = 0;
  };
  try {
    let databaseUrl = config.DATABASE_URL;
    if (!databaseUrl) {
      await ensureFree('127.0.0.1', config.HRHOOKS_PG_PORT, 'embedded Postgres', 'HRHOOKS_PG_PORT');
      const cluster = embeddedPostgres(config);
      stops.push(() => cluster.stop('fast'));
      databaseUrl = cluster.url;
    }
    let temporalAddress = config.TEMPORAL_ADDRESS;
    let uiUrl = config.TEMPORAL_UI_URL ?? null;
    if (!temporalAddress) {
      await ensureFree('127.0.0.1', config.TEMPORAL_PORT, 'Temporal dev server', 'TEMPORAL_PORT');
      await ensureFree('127.0.0.1', config.TEMPORAL_UI_PORT, 'Temporal Web UI', 'TEMPORAL_UI_PORT');
      const server: DevServer = await startDevServer({
        port: config.TEMPORAL_PORT,
        uiPort: config.TEMPORAL_UI_PORT,
        dbFile: path.join(config.dataDir, 'temporal.sqlite'),
        logFile: path.join(config.dataDir, 'temporal.log'),
        // WAL with synchronous=normal: about 3x the workflow starts per second of the
        // default journal, and still safe when any process is killed (not on power loss).
        sqlitePragmas: ['journal_mode=wal', 'synchronous=normal'],
      });
      stops.push(() => server.stop());
      temporalAddress = server.address;
      uiUrl ??= server.uiUrl;
    }
    const keys = bootstrapKeys(config);
    const effective: Config = {
      ...config,
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporalAddress,
      HRHOOKS_ADMIN_KEY: keys.admin,
      HRHOOKS_PRODUCER_KEY: keys.producer,
      temporalUiUrl: uiUrl ?? config.temporalUiUrl,
    };
    const worker = await startWorker(effective, log.child({ role: 'worker' }));
    stops.push(() => worker.stop());
    const gateway = await startGateway(effective, log.child({ role: 'gateway' }));
    stops.push(() => gateway.stop());
    return {
      gatewayUrl: gateway.url,
      temporalAddress,
      temporalUiUrl: effective.temporalUiUrl,
      keys,
      workerDone: worker.done,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

export async function runStart(config: Config, print: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  const hr = await startAllInOne(config);
  print('');
  print('hrhooks is running');
  print(`  gateway (API)        ${hr.gatewayUrl}/v1`);
  print(`  follow-up UI         ${hr.gatewayUrl}/`);
  print(`  Temporal Web UI      ${hr.temporalUiUrl}/namespaces/${config.TEMPORAL_NAMESPACE}/workflows`);
  print(`  Temporal frontend    ${hr.temporalAddress}`);
  print(`  Postgres             ${config.DATABASE_URL ? '(DATABASE_URL)' : `embedded, ${path.join(config.dataDir, 'postgres')}`}`);
  print(`  admin key            ${hr.keys.admin}`);
  print(`  producer key         ${hr.keys.producer}`);
  print('');
  print(`  try: curl -H "Authorization: Bearer ${hr.keys.admin}" ${hr.gatewayUrl}/v1/dashboard`);
  print('  Ctrl-C stops everything.');
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
    hr.workerDone.catch(() => resolve('SIGTERM'));
  });
  print(`\nreceived ${signal}, stopping...`);
  await hr.stop();
  print('stopped.');
  return 0;
}
