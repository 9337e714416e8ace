// What a subscription looks like outside its table (API, web interface, CLI): the public view's schema, which
// validates nothing stored (infra/db/subscriptionView.ts reads rows into it) and feeds the OpenAPI document.
// Never a secret, an authorization value or an extra header's value (names only, with "[set]"). Pure.
import { z } from 'zod';
import { EVENT_TYPES } from '../events/eventTypes';
import { formatNameSchema } from '../formats/registry';
import { HEADER_SET } from './headerRules';

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
export const pauseSchema = z.object({
  since: z.string().describe('when the circuit breaker paused it'),
  reason: z.string().describe('why: the failed attempts in a row that reached pauseAfterFailures, and the last one\'s error'),
  consecutiveFailures: z.number().int(),
  waiting: z.number().int().describe('deliveries held back (queued) until it resumes'),
});
export const propertiesSchema = z.record(z.string(), z.unknown());

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
