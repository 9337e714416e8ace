// What a CLI command runs with: its I/O, the config, and lazily opened Postgres / Temporal connections
// that close when the command ends. CliError carries a one-line message and an exit code.
import os from 'node:os';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { Config } from '../../infra/config';
import { checkSecretKey } from '../../app/secrets/keyFingerprint';
import type { SecretBox } from '../../infra/crypto/secretBox';
import { migrate } from '../../infra/db/migrate';
import { createPool } from '../../infra/db/pool';
import { connectClient } from '../../infra/temporal/connect';
import { CliError } from './errors';
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
  pool(): Pool;
  /** The pool once the schema is migrated (commands that may run before any gateway or worker did). */
  migratedPool(): Promise<Pool>;
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

export function createContext(io: CliIo): CliContext {
  const discovered = discoverInstance(io.env);
  const config = discovered.config;
  const describeSource = (variable: 'DATABASE_URL' | 'TEMPORAL_ADDRESS') =>
    io.env[variable] !== undefined ? variable : discovered.instanceFile && config[variable] ? `${variable} from ${discovered.instanceFile}` : `default ${variable}`;
  let pool: Pool | null = null;
  let temporal: Promise<Client> | null = null;
  let box: Promise<SecretBox> | null = null;
  let migrated: Promise<Pool> | undefined;
  const temporalAddress = () => knownTemporalAddress(config);
  return {
    io,
    config,
    pool() {
      if (!config.DATABASE_URL) {
        throw new CliError(
          `DATABASE_URL is not set and no running instance was found (${instanceFile(config)} does not exist): ` +
            'start one with `npm start`, set HRHOOKS_DATA_DIR to its data dir, or set DATABASE_URL=postgres://USER@HOST:PORT/DB',
        );
      }
      pool ??= createPool(config.DATABASE_URL, 4);
      return pool;
    },
    temporal() {
      temporal ??= (async () => {
        const address = temporalAddress();
        return connectClient(address, config.TEMPORAL_NAMESPACE).catch((err: Error) => {
          throw new CliError(
            `cannot reach Temporal at ${address} (${describeSource('TEMPORAL_ADDRESS')}): ${err.message.split('\n')[0]}; ` +
              'is `npm start` running? set TEMPORAL_ADDRESS=HOST:PORT (or HRHOOKS_DATA_DIR) to reach another one',
          );
        });
      })();
      return temporal;
    },
    migratedPool() {
      const db = this.pool();
      migrated ??= migrate(db).then(() => db);
      return migrated;
    },
    box() {
      box ??= this.migratedPool().then((db) => checkSecretKey(db, config));
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
