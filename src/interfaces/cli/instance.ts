// Where the running all-in-one is: `hrhooks start` writes the connection details it chose to
// <data dir>/instance.json (never a key or a password) and removes it on a clean stop; the CLI and the
// demo find the instance here. Explicit environment variables always win over the file.
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, type Config } from '../../infra/config';

export interface InstanceDetails {
  gatewayUrl: string;
  DATABASE_URL: string;
  /** The embedded Postgres's password file (0600): the CLI of the same user reads the password there. */
  DATABASE_PASSWORD_FILE?: string;
  TEMPORAL_ADDRESS: string;
  /** Absent when there is no Web UI (the Temporal server mode without TEMPORAL_UI_URL). */
  TEMPORAL_UI_URL?: string;
  /** Which Temporal the all-in-one runs: `server` has no Web UI (delivery links then point nowhere). */
  HRHOOKS_TEMPORAL?: 'dev' | 'server';
  pid: number;
  startedAt: string;
}

export interface Discovered {
  config: Config;
  gatewayUrl: string;
  /** The instance.json the details came from, when one was found. */
  instanceFile: string | null;
}

export function instanceFile(config: Pick<Config, 'dataDir'>): string {
  return path.join(config.dataDir, 'instance.json');
}

/** A Postgres URL without its password: instance.json holds no secret. */
function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url;
  }
}

/** The URL with the password its instance's password file holds (when readable), else as it is. */
function withPasswordFrom(url: string, passwordFile: unknown): string {
  if (typeof passwordFile !== 'string') return url;
  try {
    const parsed = new URL(url);
    if (parsed.password) return url;
    parsed.password = encodeURIComponent(fs.readFileSync(passwordFile, 'utf8').trim());
    return parsed.toString();
  } catch {
    return url;
  }
}

export function writeInstance(config: Pick<Config, 'dataDir'>, details: Omit<InstanceDetails, 'pid' | 'startedAt'>): void {
  const record: InstanceDetails = {
    ...details,
    DATABASE_URL: withoutPassword(details.DATABASE_URL),
    pid: process.pid,
    startedAt: new Date().toISOString(),
  };
  fs.writeFileSync(instanceFile(config), `${JSON.stringify(record, null, 2)}\n`, { mode: 0o644 });
}

export function removeInstance(config: Pick<Config, 'dataDir'>): void {
  fs.rmSync(instanceFile(config), { force: true });
}

function readInstance(file: string): Partial<InstanceDetails> | null {
  if (!fs.existsSync(file)) return null;
  try {
    const json: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    return typeof json === 'object' && json !== null ? (json as Partial<InstanceDetails>) : null;
  } catch {
    return null;
  }
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * The configuration a CLI command (or the demo) runs with: the environment, completed by the
 * instance.json of the data dir (HRHOOKS_DATA_DIR, else ./data) for every connection variable left unset.
 */
export function discoverInstance(env: NodeJS.ProcessEnv): Discovered {
  const file = instanceFile(loadConfig(env));
  const found = readInstance(file);
  const fromFile: NodeJS.ProcessEnv = {};
  if (found) {
    for (const key of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'TEMPORAL_UI_URL', 'HRHOOKS_TEMPORAL'] as const) {
      const value = text(found[key]);
      if (value !== undefined && env[key] === undefined) fromFile[key] = value;
    }
    if (fromFile.DATABASE_URL) fromFile.DATABASE_URL = withPasswordFrom(fromFile.DATABASE_URL, found.DATABASE_PASSWORD_FILE);
  }
  const config = loadConfig({ ...env, ...fromFile });
  const gatewayUrl = env.PORT === undefined && text(found?.gatewayUrl) ? text(found?.gatewayUrl)! : `http://${config.HOST}:${config.PORT}`;
  return { config, gatewayUrl: gatewayUrl.replace(/\/+$/, ''), instanceFile: found ? file : null };
}
