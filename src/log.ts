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

export type { Logger };
