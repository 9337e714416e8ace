// Resolves the key that seals stored secrets: HRHOOKS_SECRET_KEY, or a key generated once into the data dir.
// Never logs or prints the key.
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import { createSecretBox, generateSecretKey, type SecretBox } from './secretBox';

export function secretKeyFor(config: Pick<Config, 'HRHOOKS_SECRET_KEY' | 'dataDir'>): string {
  if (config.HRHOOKS_SECRET_KEY) return config.HRHOOKS_SECRET_KEY;
  const file = path.join(config.dataDir, 'secret.key');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  fs.mkdirSync(config.dataDir, { recursive: true });
  const key = generateSecretKey();
  try {
    fs.writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return fs.readFileSync(file, 'utf8').trim();
  }
}

export function secretBoxFor(config: Pick<Config, 'HRHOOKS_SECRET_KEY' | 'dataDir'>): SecretBox {
  return createSecretBox(secretKeyFor(config));
}
