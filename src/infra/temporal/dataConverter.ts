// The data converter of every Temporal client and worker hrhooks creates: the payload codec (AES-256-GCM,
// src/infra/crypto/payloadCodec.ts) and failures whose message and stack trace are encoded payloads too.
// Without a codec (HRHOOKS_PAYLOAD_CODEC=off, the bench's comparison) it is the SDK's default.
import type { DataConverter, PayloadCodec } from '@temporalio/common';
import type { Config } from '../config';
import { createPayloadCodec } from '../crypto/payloadCodec';
import { readPayloadKeys, payloadKeyFilePath, type PayloadKeyConfig } from '../crypto/payloadKeyFile';

/** The workflows/failureConverter module (its .ts under tsx, its .js in dist/). */
export const FAILURE_CONVERTER_PATH = require.resolve('../../../workflows/failureConverter');

export function hrhooksDataConverter(codec: PayloadCodec | null): DataConverter {
  if (!codec) return {};
  return { payloadCodecs: [codec], failureConverterPath: FAILURE_CONVERTER_PATH };
}

/** The payload key is not configured here: no client may send payloads to Temporal in clear. */
export class PayloadKeyMissingError extends Error {
  constructor(config: PayloadKeyConfig) {
    super(`HRHOOKS_PAYLOAD_KEY is not set and ${payloadKeyFilePath(config)} does not exist: set it (or HRHOOKS_DATA_DIR) to the installation's payload key`);
    this.name = 'PayloadKeyMissingError';
  }
}

/** For a client that does not check its key against Postgres (the CLI): the configured keys, as they are. */
export function configuredDataConverter(config: PayloadKeyConfig & Pick<Config, 'HRHOOKS_PAYLOAD_CODEC'>): DataConverter {
  if (config.HRHOOKS_PAYLOAD_CODEC === 'off') return hrhooksDataConverter(null);
  const keys = readPayloadKeys(config);
  if (!keys) throw new PayloadKeyMissingError(config);
  return hrhooksDataConverter(createPayloadCodec(keys.current, keys.previous));
}
