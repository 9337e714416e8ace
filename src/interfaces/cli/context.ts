// What a CLI command runs with: its I/O, the config, the tenant it acts in (--tenant or HRHOOKS_TENANT: its
// Postgres statements see that tenant's rows only, its API calls name it) and lazily opened Postgres / Temporal
// connections that close when the command ends. CliError carries a one-line message and an exit code.
import os from 'node:os';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { Config } from '../../infra/config';
import { checkSecretKey } from '../../app/secrets/keyFingerprint';
import type { SecretBox } from '../../infra/crypto/secretBox';
import { migrate } from '../../infra/db/migrate';
import { createPool } from '../../infra/db/pool';
import { tenantPool } from '../../infra/db/tenantScope';
import { findTenant } from '../../infra/db/tenants';
import { isTenantId } from '../../domain/tenants/tenantId';
import { connectClient } from '../../infra/temporal/connect';
import { configureDataKeysFrom } from '../../infra/db/employeeKeys';
import { configuredDataConverter } from '../../infra/temporal/dataConverter';
import { CliError, UsageError } from './errors';
import { discoverInstance, instanceFile } from './instance';

export interface CliIo {
  stdout(s: string): void;
  stderr(s: string): void;
  readFile(path: string): string | Buffer;
  readStdin(): string | Buffer;
  env: NodeJS.ProcessEnv;
  /** Whether stdout is a terminal (set by main.ts; unknown counts as one). */
  stdoutIsTerminal?: boolean;
  /** stdout without terminal escaping (terminalText.ts): only for `preview` piped into `verify`. */
  exactStdout?(s: string): void;
}

export { CliError, UsageError } from './errors';

export interface CliContext {
  io: CliIo;
  config: Config;
  /** The tenant named by --tenant or HRHOOKS_TENANT; null: none named (the whole installation, API calls in the key's tenant). */
  tenant: string | null;
  /** Postgres for the command: with a tenant named, a pool that sees and writes that tenant's rows only. */
  pool(): Pool;
  /** pool() once the schema is migrated (commands that may run before any gateway or worker did) and the tenant named exists. */
  migratedPool(): Promise<Pool>;
  /** The whole database, migrated, whatever tenant is named: the platform's own commands (tenants, platform keys). */
  platformPool(): Promise<Pool>;
  /** An API path in the tenant named: `/v1/x` is `/v1/tenants/<tenant>/x` with --tenant, else unchanged. */
  apiPath(path: string): string;
  temporal(): Promise<Client>;
  /** The installation's SecretBox, once the key is checked against the database's fingerprint. */
  box(): Promise<SecretBox>;
  /** TEMPORAL_ADDRESS, else the instance.json's; throws a CliError when neither is there (never a guessed default). */
  temporalAddress(): string;
  /** The running gateway: PORT when set, else the instance.json's, else the default port. */
  gatewayUrl: string;
  /** Where a connection setting came from, for error messages. */
  describeSource(variable: 'DATABASE_URL' | 'TEMPORAL_ADDRESS'): string;
  defaultActor(): string;
  close(): Promise<void>;
}

/** Never a guessed 127.0.0.1:7233: outside the data dir of a running instance that may be some other Temporal. */
function knownTemporalAddress(config: Config): string {
  if (config.TEMPORAL_ADDRESS) return config.TEMPORAL_ADDRESS;
  throw new CliError(
    `TEMPORAL_ADDRESS is not set and no running instance was found (${instanceFile(config)} does not exist): ` +
      'start one with `npm start`, set HRHOOKS_DATA_DIR to its data dir, or set TEMPORAL_ADDRESS=HOST:PORT',
  );
}

/** The tenant named for this command: the --tenant option, else HRHOOKS_TENANT; checked as a tenant id. */
function namedTenant(io: CliIo, option: string | undefined): string | null {
  const named = option ?? (io.env.HRHOOKS_TENANT || undefined);
  if (named === undefined) return null;
  if (!isTenantId(named)) throw new UsageError(`--tenant / HRHOOKS_TENANT: ${JSON.stringify(named)} is not a tenant id (1–64 of A–Z a–z 0–9 . _ -)`);
  return named;
}

export function createContext(io: CliIo, opts: { tenant?: string; untenanted?: boolean } = {}): CliContext {
  const tenant = opts.untenanted ? null : namedTenant(io, opts.tenant);
  const discovered = discoverInstance(io.env);
  const config = discovered.config;
  const describeSource = (variable: 'DATABASE_URL' | 'TEMPORAL_ADDRESS') =>
    io.env[variable] !== undefined ? variable : discovered.instanceFile && config[variable] ? `${variable} from ${discovered.instanceFile}` : `default ${variable}`;
  let pool: Pool | null = null;
  let temporal: Promise<Client> | null = null;
  let box: Promise<SecretBox> | null = null;
  let migrated: Promise<Pool> | undefined;
  let checked: Promise<Pool> | undefined;
  const temporalAddress = () => knownTemporalAddress(config);
  const basePool = (): Pool => {
    if (!config.DATABASE_URL) {
      throw new CliError(
        `DATABASE_URL is not set and no running instance was found (${instanceFile(config)} does not exist): ` +
          'start one with `npm start`, set HRHOOKS_DATA_DIR to its data dir, or set DATABASE_URL=postgres://USER@HOST:PORT/DB',
      );
    }
    configureDataKeysFrom(config); // personal data at rest opens with the payload key's data keys (issue 23)
    pool ??= createPool(config.DATABASE_URL, 4);
    return pool;
  };
  const platformPool = (): Promise<Pool> => {
    const db = basePool();
    migrated ??= migrate(db).then(() => db);
    return migrated;
  };
  return {
    io,
    config,
    tenant,
    pool: () => (tenant === null ? basePool() : tenantPool(basePool(), tenant)),
    platformPool,
    apiPath: (path) => (tenant === null ? path : path.replace(/^\/v1\//, `/v1/tenants/${encodeURIComponent(tenant)}/`)),
    temporal() {
      temporal ??= (async () => {
        const address = temporalAddress();
        const dataConverter = (() => { try { return configuredDataConverter(config); } catch (err) { throw new CliError((err as Error).message); } })();
        return connectClient(address, config.TEMPORAL_NAMESPACE, dataConverter).catch((err: Error) => {
          throw new CliError(
            `cannot reach Temporal at ${address} (${describeSource('TEMPORAL_ADDRESS')}): ${err.message.split('\n')[0]}; ` +
              'is `npm start` running? set TEMPORAL_ADDRESS=HOST:PORT (or HRHOOKS_DATA_DIR) to reach another one',
          );
        });
      })();
      return temporal;
    },
    migratedPool() {
      checked ??= platformPool().then(async (db) => {
        if (tenant === null) return db;
        if (!(await findTenant(db, tenant))) throw new CliError(`no tenant ${tenant} (see \`hrhooks tenants list\`)`);
        return tenantPool(db, tenant);
      });
      return checked;
    },
    box() {
      box ??= platformPool().then((db) => checkSecretKey(db, config));
      return box;
    },
    temporalAddress,
    gatewayUrl: discovered.gatewayUrl,
    describeSource,
    defaultActor: () => `cli:${safeUser()}`,
    async close() {
      if (pool) await pool.end().catch(() => undefined);
      if (temporal) await temporal.then((c) => c.connection.close()).catch(() => undefined);
    },
  };
}

function safeUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}

export function printJson(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}
