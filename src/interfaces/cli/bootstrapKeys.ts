// The bootstrap admin and producer API keys of an installation: HRHOOKS_ADMIN_KEY / HRHOOKS_PRODUCER_KEY
// when set, else the ones `hrhooks start` generated into <data dir>/bootstrap-keys.json. The one reader of
// that file (start writes it; the CLI and the demo find their keys here). Never logs a key.
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../../infra/config';

export interface BootstrapKeys {
  admin: string;
  producer: string;
}

type KeySources = Pick<Config, 'dataDir' | 'HRHOOKS_ADMIN_KEY' | 'HRHOOKS_PRODUCER_KEY'>;

export function bootstrapKeysFile(config: Pick<Config, 'dataDir'>): string {
  return path.join(config.dataDir, 'bootstrap-keys.json');
}

function storedKeys(file: string): Partial<BootstrapKeys> {
  if (!fs.existsSync(file)) return {};
  const json: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (typeof json !== 'object' || json === null) return {};
  const { admin, producer } = json as Record<string, unknown>;
  return { ...(typeof admin === 'string' ? { admin } : {}), ...(typeof producer === 'string' ? { producer } : {}) };
}

/** The keys known without generating any: the environment first, then the data dir's file. */
export function knownBootstrapKeys(config: KeySources): Partial<BootstrapKeys> {
  const stored = storedKeys(bootstrapKeysFile(config));
  const admin = config.HRHOOKS_ADMIN_KEY ?? stored.admin;
  const producer = config.HRHOOKS_PRODUCER_KEY ?? stored.producer;
  return { ...(admin ? { admin } : {}), ...(producer ? { producer } : {}) };
}
