// How a subscription's extra headers are kept (issue 20): names and values sealed together by the SecretBox in
// subscriptions.headers_enc, like the secrets; never returned: the public view shows each name with "[set]".
// A PATCH may give "[set]" (or the older "[redacted]") back for a stored name: it keeps the stored value.
// Rows from before migration 008 hold clear values in `headers` until sealLegacyHeaders seals them.
import type { Pool, PoolClient } from 'pg';
import { SecretDecryptError, type SecretBox } from './secretBox';
import type { FieldError } from '../../domain/events/schema';
import { REDACTED } from '../../domain/subscriptions/headerRedaction';
import { headerNameProblem, headerValueProblem, HEADER_SET } from '../../domain/subscriptions/headerRules';

/** Values that are placeholders for a stored value, never a value: "[set]" and the "[redacted]" older versions showed. */
const PLACEHOLDERS = new Set([HEADER_SET, REDACTED]);

export const isPlaceholder = (value: string): boolean => PLACEHOLDERS.has(value.trim());

type Headers = Record<string, string>;

const isHeaders = (value: unknown): value is Headers =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');

/** Sealed JSON of the headers; null when there are none. */
export function sealHeaders(box: SecretBox, headers: Headers | undefined | null): string | null {
  return headers && Object.keys(headers).length > 0 ? box.seal(JSON.stringify(headers)) : null;
}

/** A row's headers in clear (for sending only): sealed ones opened, else the legacy clear column. Throws SecretDecryptError. */
export function openHeaders(box: SecretBox, sealed: string | null | undefined, legacy?: unknown): Headers {
  if (sealed == null) {
    if (legacy === undefined || isHeaders(legacy)) return legacy ?? {}; // null is a JSON null: not headers
    throw new Error('the stored headers are not a list of headers');
  }
  const opened: unknown = JSON.parse(box.open(sealed));
  if (!isHeaders(opened)) throw new Error('the sealed headers decrypt to something other than a list of headers');
  return opened;
}

/**
 * The headers to send. A value stored before the create/update checks that can never be sent (headerRules.ts)
 * throws, so the attempt fails as a render error naming the header (never counted by the circuit breaker).
 */
export function openSendableHeaders(box: SecretBox, sealed: string | null | undefined, legacy?: unknown): Headers {
  const headers = openHeaders(box, sealed, legacy);
  for (const [name, value] of Object.entries(headers)) {
    const problem = headerNameProblem(name) ?? headerValueProblem(value);
    if (problem) throw new Error(`extra header ${JSON.stringify(name)}: ${problem}; PATCH the subscription's headers to fix it`);
  }
  return headers;
}

export type HeadersInspection = { ok: true; names: string[] } | { ok: false; problem: string };

/** The header names, for showing; never throws (a list shows broken rows). */
export function inspectHeaders(box: SecretBox, sealed: string | null | undefined, legacy?: unknown): HeadersInspection {
  try {
    return { ok: true, names: Object.keys(openHeaders(box, sealed, legacy)) };
  } catch (err) {
    const why = err instanceof SecretDecryptError ? err.message : `cannot be read (${(err as Error).message})`;
    return { ok: false, problem: `${why}; PATCH headers with their values to replace them` };
  }
}

/** The public view of the headers: every name, each with "[set]". */
export const shownHeaders = (names: string[]): Record<string, typeof HEADER_SET> => Object.fromEntries(names.map((n) => [n, HEADER_SET]));

/** Create input: a placeholder is never a value. */
export function placeholderErrors(headers: Headers | undefined): FieldError[] {
  return Object.entries(headers ?? {}).filter(([, v]) => isPlaceholder(v)).map(([name]) => ({
    field: `headers.${name}`,
    message: `"${HEADER_SET}" stands for a stored value and is never sent; give the header's value`,
  }));
}

/**
 * A PATCH's headers (they replace the stored set) with each placeholder replaced by the stored value of that
 * name (names compare case-insensitively); a placeholder for a name with no readable stored value is an error.
 */
export function resolvePatchHeaders(patch: Headers, stored: Headers | Error): { ok: true; headers: Headers } | { ok: false; errors: FieldError[] } {
  const byName = new Map(stored instanceof Error ? [] : Object.entries(stored).map(([n, v]) => [n.toLowerCase(), v]));
  const headers: Headers = {};
  const errors: FieldError[] = [];
  for (const [name, value] of Object.entries(patch)) {
    if (!isPlaceholder(value)) headers[name] = value;
    else if (byName.has(name.toLowerCase())) headers[name] = byName.get(name.toLowerCase())!;
    else {
      const why = stored instanceof Error ? 'the stored headers cannot be decrypted' : 'no value is stored for this header';
      errors.push({ field: `headers.${name}`, message: `"${value.trim()}" keeps a stored value, but ${why}; give the header's value` });
    }
  }
  return errors.length ? { ok: false, errors } : { ok: true, headers };
}

/** The stored headers of a subscription, opened (an Error when they cannot be); null when it does not exist. */
export async function loadStoredHeaders(db: Pool | PoolClient, box: SecretBox, id: string): Promise<Headers | Error | null> {
  const { rows } = await db.query('SELECT headers_enc, headers FROM subscriptions WHERE id = $1 AND deleted_at IS NULL', [id]);
  if (!rows[0]) return null;
  try {
    return openHeaders(box, rows[0].headers_enc, rows[0].headers);
  } catch (err) {
    return err as Error;
  }
}

/**
 * Seals the clear headers of rows written before migration 008 and empties the clear column. Run by every
 * process once it holds the secret key (checkSecretKey); concurrent runs are harmless (a row is sealed once).
 */
export async function sealLegacyHeaders(db: Pool | PoolClient, box: SecretBox): Promise<number> {
  const { rows } = await db.query(
    `SELECT id, headers FROM subscriptions
      WHERE headers_enc IS NULL AND jsonb_typeof(headers) = 'object' AND headers <> '{}'::jsonb`,
  );
  let sealed = 0;
  for (const row of rows) {
    // A row whose shape is unreadable is sealed as it is: shown with its error, replaced by a PATCH.
    const { rowCount } = await db.query(
      `UPDATE subscriptions SET headers_enc = $2, headers = '{}'::jsonb
        WHERE id = $1 AND headers_enc IS NULL AND headers = $3::jsonb`,
      [row.id, box.seal(JSON.stringify(row.headers)), JSON.stringify(row.headers)],
    );
    sealed += rowCount ?? 0;
  }
  return sealed;
}
