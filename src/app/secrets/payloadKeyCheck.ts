// One payload key per installation (plus the previous one during a rotation): the gateway and the worker get
// their payload codec here, after proving their keys open the newest check payload stored in Postgres; a
// process that could not read what the others write to Temporal refuses to start, naming HRHOOKS_PAYLOAD_KEY.
import { temporal } from '@temporalio/proto';
import type { Pool } from 'pg';
import type { Config } from '../../infra/config';
import { createPayloadCodec, type HrhooksPayloadCodec } from '../../infra/crypto/payloadCodec';
import { createPayloadKeyFile, payloadKeyFilePath, readPayloadKeys, type PayloadKeyConfig, type ResolvedPayloadKeys } from '../../infra/crypto/payloadKeyFile';
import { configureDataKeys } from '../../infra/db/employeeKeys';
import { addPayloadKeyCheck, payloadKeyChecks, type StoredCheck } from '../../infra/db/payloadKeyCheck';
import type { Logger } from '../../infra/observability/log';

/** The process's payload keys cannot open this installation's payloads: a one-line message, no key in it. */
export class PayloadKeyMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadKeyMismatchError';
  }
}

const FIX = "set HRHOOKS_PAYLOAD_KEY (or HRHOOKS_DATA_DIR, to the folder whose payload.key holds it) to the installation's payload key, " +
  'and HRHOOKS_PAYLOAD_KEY_PREVIOUS to the key it replaced while old histories remain';
const CHECK_TEXT = 'hrhooks payload key check';
const Payload = temporal.api.common.v1.Payload;

function checkPayload(codec: HrhooksPayloadCodec): Uint8Array {
  const plain = { metadata: { encoding: new TextEncoder().encode('json/plain') }, data: new TextEncoder().encode(JSON.stringify(CHECK_TEXT)) };
  return Payload.encode(codec.encodeOne(plain)).finish();
}

function opens(codec: HrhooksPayloadCodec, check: StoredCheck): boolean {
  try {
    const opened = codec.decodeOne(Payload.decode(check.payload));
    return Buffer.from(opened.data ?? []).toString('utf8') === JSON.stringify(CHECK_TEXT);
  } catch {
    return false;
  }
}

/** The codec of this process (null when HRHOOKS_PAYLOAD_CODEC=off), once its keys open the newest check. */
export async function checkPayloadKey(pool: Pool, config: PayloadKeyConfig & Pick<Config, 'HRHOOKS_PAYLOAD_CODEC'>, log?: Logger): Promise<HrhooksPayloadCodec | null> {
  if (config.HRHOOKS_PAYLOAD_CODEC === 'off') {
    log?.warn('HRHOOKS_PAYLOAD_CODEC=off: payloads go to Temporal in clear (for measurements only)');
    return null;
  }
  const keys = readPayloadKeys(config) ?? (await firstKey(pool, config));
  const codec = createPayloadCodec(keys.current, keys.previous);
  configureDataKeys(keys.current, keys.previous); // employees' data keys are wrapped by the payload key (issue 23)
  let checks = await payloadKeyChecks(pool);
  if (checks.length === 0) {
    await addPayloadKeyCheck(pool, codec.keyId, checkPayload(codec));
    checks = await payloadKeyChecks(pool);
  }
  const newest = checks[0]!;
  if (!opens(codec, newest)) throw new PayloadKeyMismatchError(mismatch(keys, codec, newest));
  if (!checks.some((c) => c.keyId === codec.keyId)) {
    await addPayloadKeyCheck(pool, codec.keyId, checkPayload(codec));
    log?.info({ keyId: codec.keyId, previousKeyId: newest.keyId }, 'payload key rotated: new Temporal payloads are encrypted under the new key');
  }
  return codec;
}

function mismatch(keys: ResolvedPayloadKeys, codec: HrhooksPayloadCodec, newest: StoredCheck): string {
  const ids = codec.keyIds.length > 1 ? `key id ${codec.keyIds[0]}, previous key id ${codec.keyIds[1]}` : `key id ${codec.keyId}`;
  return `${keys.origin} (${ids}) cannot decrypt this installation's Temporal payloads (encrypted under key id ${newest.keyId}): ${FIX}`;
}

/** No key configured: generate one into the data dir, unless this installation already encrypts under another. */
async function firstKey(pool: Pool, config: PayloadKeyConfig): Promise<ResolvedPayloadKeys> {
  const [newest] = await payloadKeyChecks(pool);
  if (newest) {
    throw new PayloadKeyMismatchError(
      `HRHOOKS_PAYLOAD_KEY is not set and ${payloadKeyFilePath(config)} does not exist, but this installation's Temporal payloads ` +
        `are encrypted under key id ${newest.keyId}; no new key was generated: ${FIX}`,
    );
  }
  return createPayloadKeyFile(config);
}
