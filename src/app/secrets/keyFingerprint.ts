// One secret key per installation: every process (gateway, worker, CLI, start) gets its SecretBox here,
// after checking its key against the fingerprint stored in Postgres at first use. Refuses with one line
// naming HRHOOKS_SECRET_KEY / HRHOOKS_DATA_DIR; never generates a key while the database holds secrets.
import type { Pool } from 'pg';
import {
  activeFingerprint, findFingerprint, oldestSealedValue, recordFirstFingerprint, type StoredFingerprint,
} from '../../infra/db/sealedSecrets';
import type { Logger } from '../../infra/observability/log';
import { sealLegacyHeaders } from '../../infra/crypto/headerStore';
import { createSecretBox, type SecretBox } from '../../infra/crypto/secretBox';
import { createSecretKeyFile, readSecretKey, secretKeyFilePath, type KeyConfig, type ResolvedKey } from '../../infra/crypto/secretKeyFile';

/** The process's secret key is not the installation's: a one-line message, no key in it. */
export class SecretKeyMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretKeyMismatchError';
  }
}

const FIX = "set HRHOOKS_SECRET_KEY (or HRHOOKS_DATA_DIR, to the folder whose secret.key holds it) to the installation's key";

export async function checkSecretKey(pool: Pool, config: KeyConfig, log?: Logger): Promise<SecretBox> {
  const box = await installationBox(pool, config, log);
  await sealLegacyHeaders(pool, box); // extra headers stored in clear before migration 008
  return box;
}

async function installationBox(pool: Pool, config: KeyConfig, log?: Logger): Promise<SecretBox> {
  const resolved = readSecretKey(config) ?? (await firstKey(pool, config));
  const box = createSecretBox(resolved.key, config.HRHOOKS_SECRET_KEY_PREVIOUS || null);
  const stored = (await activeFingerprint(pool)) ?? (await adoptFirstFingerprint(pool, box, resolved));
  if (stored.fingerprint === box.fingerprint) return box;
  const retired = await findFingerprint(pool, box.fingerprint);
  if (retired?.retiredAt) {
    throw new SecretKeyMismatchError(
      `${resolved.origin} (key id ${box.keyId}) was retired by a secret key rotation on ${retired.retiredAt.toISOString()}; ` +
        `the installation's key is key id ${stored.keyId}: ${FIX}`,
    );
  }
  if (box.previous?.fingerprint === stored.fingerprint) {
    log?.warn(
      { keyId: box.keyId, previousKeyId: box.previous.keyId },
      'secret key rotation pending: stored secrets are sealed under HRHOOKS_SECRET_KEY_PREVIOUS; run `hrhooks keys rotate-secret-key`',
    );
    return box;
  }
  throw new SecretKeyMismatchError(`${resolved.origin} (key id ${box.keyId}) is not this installation's secret key (key id ${stored.keyId}): ${FIX}`);
}

/** No key configured: generate one into the data dir, unless the database already has a key or secrets. */
async function firstKey(pool: Pool, config: KeyConfig): Promise<ResolvedKey> {
  const stored = await activeFingerprint(pool);
  const missing = `HRHOOKS_SECRET_KEY is not set and ${secretKeyFilePath(config)} does not exist`;
  if (stored) throw new SecretKeyMismatchError(`${missing}, but this database's secrets are sealed under key id ${stored.keyId}; no new key was generated: ${FIX}`);
  if (await oldestSealedValue(pool)) throw new SecretKeyMismatchError(`${missing}, but this database already holds encrypted secrets; no new key was generated: ${FIX}`);
  return createSecretKeyFile(config);
}

/** First use: record the key that opens the installation's oldest secret (or this key when there is none). */
async function adoptFirstFingerprint(pool: Pool, box: SecretBox, resolved: ResolvedKey): Promise<StoredFingerprint> {
  const sealed = await oldestSealedValue(pool);
  const opener = sealed === null ? box.keyId : box.keyIdOpening(sealed);
  if (opener === null) {
    throw new SecretKeyMismatchError(`${resolved.origin} (key id ${box.keyId}) cannot decrypt the secrets already in this database: ${FIX}`);
  }
  const key = opener === box.keyId ? box : box.previous!;
  await recordFirstFingerprint(pool, key.fingerprint, key.keyId);
  return (await activeFingerprint(pool))!;
}
