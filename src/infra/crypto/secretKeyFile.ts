// Where the key that seals stored secrets comes from: HRHOOKS_SECRET_KEY, else <data dir>/secret.key.
// Generating a new key file is a separate, explicit step (only keyFingerprint.ts decides when it is safe).
// Never logs or prints the key.
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import { generateSecretKey } from './secretBox';

export type KeyConfig = Pick<Config, 'HRHOOKS_SECRET_KEY' | 'HRHOOKS_SECRET_KEY_PREVIOUS' | 'dataDir'>;

export interface ResolvedKey {
  key: string;
  /** How the key is named in errors: the variable or the file it came from, never the key. */
  origin: string;
}

export function secretKeyFilePath(config: KeyConfig): string {
  return path.join(config.dataDir, 'secret.key');
}

/** The configured key, or null when HRHOOKS_SECRET_KEY is unset and the data dir holds no secret.key. */
export function readSecretKey(config: KeyConfig): ResolvedKey | null {
  if (config.HRHOOKS_SECRET_KEY) return { key: config.HRHOOKS_SECRET_KEY, origin: 'HRHOOKS_SECRET_KEY' };
  const file = secretKeyFilePath(config);
  if (!fs.existsSync(file)) return null;
  return { key: fs.readFileSync(file, 'utf8').trim(), origin: `the key in ${file} (HRHOOKS_SECRET_KEY is not set)` };
}

/** Writes a fresh key to <data dir>/secret.key (mode 600); if another process just wrote one, uses that. */
export function createSecretKeyFile(config: KeyConfig): ResolvedKey {
  fs.mkdirSync(config.dataDir, { recursive: true });
  const file = secretKeyFilePath(config);
  try {
    fs.writeFileSync(file, `${generateSecretKey()}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return readSecretKey(config)!;
}
