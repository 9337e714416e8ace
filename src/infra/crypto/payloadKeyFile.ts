// Where the payload codec's keys come from: HRHOOKS_PAYLOAD_KEY (+ HRHOOKS_PAYLOAD_KEY_PREVIOUS), else
// <data dir>/payload.key, which the all-in-one generates like secret.key (only payloadKeyCheck.ts decides when).
// Never logs or prints a key.
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import { generatePayloadKey } from './payloadCodec';

export type PayloadKeyConfig = Pick<Config, 'HRHOOKS_PAYLOAD_KEY' | 'HRHOOKS_PAYLOAD_KEY_PREVIOUS' | 'dataDir'>;

export interface ResolvedPayloadKeys {
  current: string;
  previous: string | null;
  /** How the key is named in errors: the variable or the file it came from, never the key. */
  origin: string;
}

export function payloadKeyFilePath(config: PayloadKeyConfig): string {
  return path.join(config.dataDir, 'payload.key');
}

/** The configured keys, or null when HRHOOKS_PAYLOAD_KEY is unset and the data dir holds no payload.key. */
export function readPayloadKeys(config: PayloadKeyConfig): ResolvedPayloadKeys | null {
  const previous = config.HRHOOKS_PAYLOAD_KEY_PREVIOUS || null;
  if (config.HRHOOKS_PAYLOAD_KEY) return { current: config.HRHOOKS_PAYLOAD_KEY, previous, origin: 'HRHOOKS_PAYLOAD_KEY' };
  const file = payloadKeyFilePath(config);
  if (!fs.existsSync(file)) return null;
  return { current: fs.readFileSync(file, 'utf8').trim(), previous, origin: `the key in ${file} (HRHOOKS_PAYLOAD_KEY is not set)` };
}

/** Writes a fresh key to <data dir>/payload.key (mode 600); if another process just wrote one, uses that. */
export function createPayloadKeyFile(config: PayloadKeyConfig): ResolvedPayloadKeys {
  fs.mkdirSync(config.dataDir, { recursive: true });
  try {
    fs.writeFileSync(payloadKeyFilePath(config), `${generatePayloadKey()}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return readPayloadKeys(config)!;
}
