// The pino logger every process uses. Redacts anything that could carry a secret.
import pino, { type Logger } from 'pino';

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers["ms-signature"]',
  'headers["webhook-signature"]',
  'secret',
  'secrets',
  'authorization',
  '*.secret',
  '*.secrets',
  '*.authorization',
  '*.apiKey',
];

/**
 * How every logged error reads (pino's errWithCause): its type, message and stack, and its cause as the same
 * shape, down the chain. Log an error as `{ err }`; the logger serializes it (a bare Error would print `{}`).
 */
export const serializeError = pino.stdSerializers.errWithCause;

export function createLogger(level: string, name = 'hrhooks', destination?: pino.DestinationStream): Logger {
  return pino({ name, level, serializers: { err: serializeError }, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, destination);
}

/** A log context (the Temporal SDK's) with every Error in it, one level deep, serialized like `err`. */
export function withErrorFields(meta: Record<string, unknown> | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(meta ?? {}).map(([key, value]) => [key, value instanceof Error ? serializeError(value) : value]));
}

export type { Logger };
