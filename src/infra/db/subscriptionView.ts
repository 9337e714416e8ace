// How a stored subscription row becomes its public view (domain/subscriptions/publicSubscription.ts). Reading a
// row never throws: a column that cannot be shown is emptied and named in `error`, so one bad row never fails a
// list or a page. Never reveals a secret, an authorization value or an extra header's value (names only,
// headerStore.ts). Shows the circuit breaker's pause. No I/O.
import type { z } from 'zod';
import type { SecretBox } from '../crypto/secretBox';
import { getFormat, type FormatName } from '../../domain/formats/registry';
import { DEFAULT_LIMITS } from '../../domain/flow/limits';
import { retryScheduleSchema } from '../../domain/delivery/ladder';
import { formatSchema, eventsSchema, modeSchema, pauseSchema, propertiesSchema, type PublicSubscription } from '../../domain/subscriptions/publicSubscription';
import { inspectHeaders, shownHeaders } from '../crypto/headerStore';
import { authorizationProblem, inspectPending, inspectSecrets } from '../crypto/secretStore';

type Row = Record<string, any>;
interface Problem {
  field: string;
  message: string;
}

function column<S extends z.ZodType>(schema: S, value: unknown, field: string, problems: Problem[]): z.infer<S> | null {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0];
  problems.push({ field, message: `unreadable stored value${first ? ` (${first.message})` : ''}` });
  return null;
}

function time(value: unknown, field: string, problems: Problem[]): string | null {
  const d = value instanceof Date ? value : new Date(value as string);
  if (!Number.isNaN(d.getTime())) return d.toISOString();
  problems.push({ field, message: `not a representable time (${String(value)})` });
  return null;
}

function credentials(box: SecretBox, row: Row, format: FormatName | null, now: Date, problems: Problem[]) {
  const authorization = authorizationProblem(box, row.authorization_enc ?? null);
  if (authorization) problems.push({ field: 'authorization', message: authorization });
  const inspected = inspectPending(box, row.pending_credential_enc ?? null, now);
  if (!inspected.ok) problems.push({ field: 'pendingCredential', message: `${inspected.problem}; rotate again to replace it` });
  const pendingCredential = inspected.ok ? inspected.pending : null;
  const secrets = inspectSecrets(box, row.secrets_enc ?? null, now);
  if (!secrets.ok) {
    problems.push({ field: 'secret', message: `${secrets.problem}; rotate the secret to replace it` });
    return { secretCount: null, secretExpiresAt: null, pendingCredential };
  }
  if (secrets.live === 0 && format !== null && getFormat(format).credential.kind === 'secret') {
    problems.push({ field: 'secret', message: 'no live signing secret; rotate the secret to set one' });
  }
  return { secretCount: secrets.live, secretExpiresAt: secrets.previousExpiresAt, pendingCredential };
}

/**
 * The circuit breaker's pause, from the flow-control columns the repository joins in (pause_since, pause_failures,
 * pause_waiting, pause_last_error); null when not paused.
 */
function pauseOf(row: Row, problems: Problem[]): z.infer<typeof pauseSchema> | null {
  if (row.pause_since == null) return null;
  const since = time(row.pause_since, 'pause', problems);
  if (since === null) return null;
  const failures = Number(row.pause_failures ?? 0);
  const last = typeof row.pause_last_error === 'string' ? `; last: ${row.pause_last_error}` : '';
  return {
    since,
    reason: `${failures} failed attempt${failures === 1 ? '' : 's'} in a row (pauseAfterFailures ${Number(row.pause_after_failures ?? DEFAULT_LIMITS.pauseAfterFailures)})${last}`,
    consecutiveFailures: failures,
    waiting: Number(row.pause_waiting ?? 0),
  };
}

/** The public view of a stored row; whatever cannot be read is null (or empty) and explained in `error`. */
export function readSubscriptionRow(box: SecretBox, row: Row, now = new Date()): PublicSubscription {
  const problems: Problem[] = [];
  const format = column(formatSchema, row.format, 'format', problems);
  const headers = inspectHeaders(box, row.headers_enc, row.headers);
  if (!headers.ok) problems.push({ field: 'headers', message: headers.problem });
  const enabled = row.enabled === true;
  const pause = enabled ? pauseOf(row, problems) : null;
  const view: PublicSubscription = {
    id: String(row.id),
    name: typeof row.name === 'string' ? row.name : String(row.name ?? ''),
    url: typeof row.url === 'string' ? row.url : String(row.url ?? ''),
    format,
    events: column(eventsSchema, row.events, 'events', problems),
    mode: column(modeSchema.nullable(), row.mode ?? null, 'mode', problems),
    retrySchedule: column(retryScheduleSchema.nullable(), row.retry_schedule ?? null, 'retrySchedule', problems),
    headers: shownHeaders(headers.ok ? headers.names : []),
    properties: column(propertiesSchema, row.properties ?? {}, 'properties', problems) ?? {},
    enabled,
    state: !enabled ? 'disabled' : pause ? 'paused' : 'enabled',
    pause,
    ordering: row.ordering === 'resource' ? 'resource' : 'none',
    collapse: row.collapse === true,
    maxPerSecond: Number(row.max_per_second ?? DEFAULT_LIMITS.maxPerSecond),
    maxInFlight: Number(row.max_in_flight ?? DEFAULT_LIMITS.maxInFlight),
    pauseAfterFailures: Number(row.pause_after_failures ?? DEFAULT_LIMITS.pauseAfterFailures),
    disabledReason: typeof row.disabled_reason === 'string' ? row.disabled_reason : null,
    hasAuthorization: row.authorization_enc != null,
    ...credentials(box, row, format, now, problems),
    createdAt: time(row.created_at, 'createdAt', problems),
    updatedAt: time(row.updated_at, 'updatedAt', problems),
    error: null,
  };
  if (problems.length) view.error = problems.map((p) => `${p.field}: ${p.message}`).join('; ');
  return view;
}
