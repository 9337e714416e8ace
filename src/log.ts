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

export function createLogger(level: string, name = 'hrhooks', destination?: pino.DestinationStream): Logger {
  return pino({ name, level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, destination);
}

/** An error as loggable fields: its message and its cause chain (pino's JSON would print a nested Error as {}). */
export function errorFields(err: unknown, depth = 0): { message: string; name?: string; cause?: unknown } | string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause !== undefined && depth < 4 ? errorFields(err.cause, depth + 1) : undefined;
  return { name: err.name, message: err.message, ...(cause !== undefined ? { cause } : {}) };
}

/** A log context with every Error in it (one level deep) turned into message + cause. */
export function withErrorFields(meta: Record<string, unknown> | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(meta ?? {}).map(([key, value]) => [key, value instanceof Error ? errorFields(value) : value]));
}

export type { Logger };
