// What a CLI command runs with: its I/O, the config, and lazily opened Postgres / Temporal connections
// that close when the command ends. CliError carries a one-line message and an exit code.
import os from 'node:os';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { loadConfig, type Config } from '../config';
import { checkSecretKey } from '../crypto/keyFingerprint';
import type { SecretBox } from '../crypto/secretBox';
import { migrate } from '../db/migrate';
import { createPool } from '../db/pool';
import { connectClient } from '../temporal/connect';

export interface CliIo {
  stdout(s: string): void;
  stderr(s: string): void;
  readFile(path: string): string | Buffer;
  readStdin(): string | Buffer;
  env: NodeJS.ProcessEnv;
}

export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

export class UsageError extends CliError {
  constructor(message: string, readonly usage?: string) {
    super(message, 2);
  }
}

export interface CliContext {
  io: CliIo;
  config: Config;
  pool(): Pool;
  temporal(): Promise<Client>;
  /** The installation's SecretBox, once the key is checked against the database's fingerprint. */
  box(): Promise<SecretBox>;
  temporalAddress(): string;
  defaultActor(): string;
  close(): Promise<void>;
}

export function createContext(io: CliIo): CliContext {
  const config = loadConfig(io.env);
  let pool: Pool | null = null;
  let temporal: Promise<Client> | null = null;
  let box: Promise<SecretBox> | null = null;
  const temporalAddress = () => config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.TEMPORAL_PORT}`;
  return {
    io,
    config,
    pool() {
      if (!config.DATABASE_URL) throw new CliError('DATABASE_URL is not set; this command reads Postgres');
      pool ??= createPool(config.DATABASE_URL, 4);
      return pool;
    },
    temporal() {
      temporal ??= connectClient(temporalAddress(), config.TEMPORAL_NAMESPACE).catch((err: Error) => {
        throw new CliError(`cannot reach Temporal at ${temporalAddress()}: ${err.message.split('\n')[0]}`);
      });
      return temporal;
    },
    box() {
      const db = this.pool();
      box ??= migrate(db).then(() => checkSecretKey(db, config));
      return box;
    },
    temporalAddress,
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
