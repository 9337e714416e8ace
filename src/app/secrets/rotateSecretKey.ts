// Secret key rotation: re-seals every stored secret under the current HRHOOKS_SECRET_KEY (opening with
// it or HRHOOKS_SECRET_KEY_PREVIOUS) and makes its fingerprint the installation's, in one transaction;
// the old key is refused at start from then on. All or nothing: one unreadable secret changes nothing.
import type { Pool } from 'pg';
import { activeFingerprint, lockSealedRows, makeFingerprintActive, writeSealedRow } from '../../infra/db/sealedSecrets';
import { inTransaction } from '../../infra/db/transaction';
import { SecretDecryptError, type SecretBox } from '../../infra/crypto/secretBox';

export interface RotationResult {
  keyId: string;
  retiredKeyId: string | null;
  subscriptions: number;
  values: number;
}

export class RotationError extends Error {}

/** `box` comes from checkSecretKey, so its key (or its previous key) is the installation's. */
export async function rotateSecretKey(pool: Pool, box: SecretBox): Promise<RotationResult> {
  return inTransaction(pool, async (client) => {
    const before = await activeFingerprint(client, true);
    const rows = await lockSealedRows(client);
    let values = 0;
    const unreadable: string[] = [];
    for (const row of rows) {
      let failure: SecretDecryptError | null = null;
      for (const [column, sealed] of Object.entries(row.values) as [keyof typeof row.values, string][]) {
        try {
          row.values[column] = box.seal(box.open(sealed));
          values += 1;
        } catch (err) {
          if (!(err instanceof SecretDecryptError)) throw err;
          failure ??= err;
        }
      }
      if (failure) unreadable.push(`${row.id} (${failure.sealedKeyId ? `key id ${failure.sealedKeyId}` : 'unknown key'})`);
    }
    if (unreadable.length > 0) {
      throw new RotationError(
        `nothing was changed: ${unreadable.length} subscription secret(s) cannot be decrypted with HRHOOKS_SECRET_KEY or HRHOOKS_SECRET_KEY_PREVIOUS: ` +
          `${unreadable.slice(0, 5).join(', ')}${unreadable.length > 5 ? ', …' : ''}; fix or delete those subscriptions' secrets first`,
      );
    }
    for (const row of rows) await writeSealedRow(client, row);
    await makeFingerprintActive(client, box.fingerprint, box.keyId);
    return {
      keyId: box.keyId,
      retiredKeyId: before && before.fingerprint !== box.fingerprint ? before.keyId : null,
      subscriptions: rows.length,
      values,
    };
  });
}
