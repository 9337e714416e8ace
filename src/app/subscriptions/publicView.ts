// What a subscription looks like outside its table (API, web interface, CLI) and how a stored row becomes one.
// Reading a row never throws: a column that cannot be shown is emptied and named in `error`, so one bad row
// never fails a list or a page. Never reveals a secret, an authorization value or an extra header's value
// (names only, headerStore.ts). Shows the circuit breaker's pause. No I/O.
import { z } from 'zod';
import type { SecretBox } from '../../infra/crypto/secretBox';
import { EVENT_TYPES } from '../../domain/events/eventTypes';
import { formatNameSchema, getFormat, type FormatName } from '../../domain/formats/registry';
import { retryScheduleSchema } from '../../domain/delivery/ladder';
import { HEADER_SET, inspectHeaders, shownHeaders } from '../../infra/crypto/headerStore';
import { DEFAULT_LIMITS } from '../../domain/flow/limits';
import { authorizationProblem, inspectPending, inspectSecrets } from '../../infra/crypto/secretStore';

export const formatSchema = formatNameSchema();
/** An event type in a subscription's list; "*" there is named as such rather than answered with the whole enum. */
const listedEventType = z.enum(EVENT_TYPES, {
  error: (issue) => (issue.input === '*' ? '"*" (every event type but the clock events) stands alone: give "*" or ["*"], or list the types' : undefined),
});
/** "*" (every type but the clock events, README "Events in"), written "*" or ["*"], or a list of types. */
export const eventsSchema = z.union([
  z.literal('*'),
  z.tuple([z.literal('*')]).transform(() => '*' as const),
  z.array(listedEventType).min(1).max(EVENT_TYPES.length),
]);
export const modeSchema = z.enum(['all', 'approved']);
const headersSchema = z.record(z.string(), z.literal(HEADER_SET));
const pauseSchema = z.object({
  since: z.string().describe('when the circuit breaker paused it'),
  reason: z.string().describe('why: the failed attempts in a row that reached pauseAfterFailures, and the last one\'s error'),
  consecutiveFailures: z.number().int(),
  waiting: z.number().int().describe('deliveries held back (queued) until it resumes'),
});
const propertiesSchema = z.record(z.string(), z.unknown());

export const publicSubscriptionSchema = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  format: formatSchema.nullable().describe('null when the stored format is not one this version knows (see error)'),
  events: eventsSchema.nullable().describe('null when the stored list is unreadable (see error)'),
  mode: modeSchema.nullable(),
  retrySchedule: z.array(z.string()).nullable(),
  headers: headersSchema.describe(`extra headers sent with every request: each name with "${HEADER_SET}"; values are sealed and never shown. `
    + `In a PATCH, "${HEADER_SET}" for a stored name keeps its value`),
  properties: propertiesSchema,
  enabled: z.boolean(),
  state: z.enum(['enabled', 'paused', 'disabled']).describe('paused: enabled, but the circuit breaker holds its deliveries back (see pause)'),
  pause: pauseSchema.nullable().describe('null unless the circuit breaker paused it; POST /v1/subscriptions/{id}/resume lets its deliveries go'),
  ordering: z.enum(['resource', 'none']),
  collapse: z.boolean(),
  maxPerSecond: z.number().int(),
  maxInFlight: z.number().int(),
  pauseAfterFailures: z.number().int(),
  disabledReason: z.string().nullable(),
  hasAuthorization: z.boolean(),
  secretCount: z.number().int().nullable().describe('live signing secrets; null when they cannot be decrypted (see error)'),
  secretExpiresAt: z.string().nullable().describe('standard: when the rotated-out secret stops signing (both sign until then)'),
  pendingCredential: z.object({ kind: z.enum(['secret', 'authorization']), activateAt: z.string().nullable() }).nullable()
    .describe('aspnet and lucca (one credential per request): a rotated secret or Authorization value not sent yet; the current one '
      + 'is sent until activateAt, or, when null, until POST /v1/subscriptions/{id}/activate-credential'),
  createdAt: z.string().nullable(),
  updatedAt: z.string().nullable(),
  error: z
    .string()
    .nullable()
    .describe('null for a healthy subscription; otherwise why it cannot be shown or used fully, e.g. a secret sealed with another key. '
      + 'It can still be disabled, deleted and fixed (rotate-secret replaces an unreadable secret; PATCH replaces other fields).'),
});
export type PublicSubscription = z.infer<typeof publicSubscriptionSchema>;


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
