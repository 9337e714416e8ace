// The zod schemas of subscription input (create, update, secret rotation), the format's field rules and how a
// failed parse is reported field by field. Used by the use cases (manage.ts), the API's OpenAPI document and the
// web form. Pure: no I/O.
import { z } from 'zod';
import { fieldErrors, type FieldError } from '../../domain/events/schema';
import type { SubscriptionFields } from '../../domain/formats/format';
import { getFormat, type FormatName } from '../../domain/formats/registry';
import { retryScheduleSchema } from '../../domain/delivery/ladder';
import { headerNameProblem, headerValueProblem } from '../../domain/subscriptions/headerRules';
import { DEFAULT_LIMITS } from '../../domain/flow/limits';
import { eventsSchema, formatSchema } from '../../domain/subscriptions/publicSubscription';

/** Extra headers: each name and value one the HTTP client can send (headerRules.ts), never a placeholder. */
const headersSchema = z
  .record(z.string(), z.string().max(2000))
  .superRefine((headers, ctx) => {
    if (Object.keys(headers).length > 50) ctx.addIssue({ code: 'custom', message: 'at most 50 headers' });
    const seen = new Set<string>();
    for (const [name, value] of Object.entries(headers)) {
      const duplicate = seen.has(name.toLowerCase()) ? 'given twice: header names are case-insensitive' : null;
      seen.add(name.toLowerCase());
      const problem = duplicate ?? headerNameProblem(name) ?? headerValueProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', path: [name], message: problem });
    }
  });
/** lucca's Authorization value: sent as a header, so it must be one. */
const authorizationSchema = z.string().min(1).max(4000).superRefine((value, ctx) => {
  const problem = headerValueProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
const propertiesSchema = z
  .record(z.string().max(200), z.unknown())
  .refine((p) => JSON.stringify(p).length <= 16_384, 'at most 16 KiB of properties');

const subscriptionBase = z.strictObject({
  name: z.string().trim().min(1).max(200),
  url: z.string().min(1).max(2000),
  format: formatSchema,
  events: eventsSchema,
  mode: z.enum(['all', 'approved']).optional(),
  authorization: authorizationSchema.optional(),
  secret: z.string().min(16).max(200).optional(),
  retrySchedule: retryScheduleSchema.nullable().optional(),
  headers: headersSchema.optional(),
  properties: propertiesSchema.optional(),
  enabled: z.boolean().optional(),
  ordering: z.enum(['resource', 'none']).optional()
    .describe('resource: the events of one absence, employee or pay run reach the receiver in event order (default for lucca and aspnet)'),
  collapse: z.boolean().optional().describe('close a queued *.updated unsent when a later *.updated or deletion of the same resource follows'),
  maxPerSecond: z.int().min(1).max(10_000).optional().describe(`requests per second to this receiver, across all workers (default ${DEFAULT_LIMITS.maxPerSecond})`),
  maxInFlight: z.int().min(1).max(1000).optional().describe(`requests in flight to this receiver at once, across all workers (default ${DEFAULT_LIMITS.maxInFlight})`),
  pauseAfterFailures: z.int().min(1).max(100_000).optional()
    .describe(`consecutive failed attempts that pause the subscription (circuit breaker; default ${DEFAULT_LIMITS.pauseAfterFailures})`),
});

export const subscriptionCreateSchema = subscriptionBase;
export type SubscriptionCreate = z.infer<typeof subscriptionCreateSchema>;

export const subscriptionUpdateSchema = subscriptionBase
  .omit({ format: true, secret: true })
  .partial()
  .extend({ authorization: subscriptionBase.shape.authorization.unwrap().nullable().optional() });
export type SubscriptionUpdate = z.infer<typeof subscriptionUpdateSchema>;

/** The format's own rules for the fields given (checked on create, and on update against the stored format). */
export function subscriptionRules(format: FormatName, fields: SubscriptionFields & { collapse?: boolean | undefined }): FieldError[] {
  const f = getFormat(format);
  const collapse = fields.collapse && !f.collapsible
    ? [{ field: 'collapse', message: `${format} subscriptions never collapse: their receivers need every event` }]
    : [];
  return [...f.validate(fields), ...collapse];
}

/** A failed union ("*" or a list) reports the branch that got furthest, so the bad item is named. */
function precise(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  return issues.flatMap((issue) => {
    if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [issue];
    const depth = (branch: z.core.$ZodIssue[]) => Math.max(...branch.map((i) => i.path.length + (i.code === 'invalid_type' ? 0 : 0.5)));
    const best = [...issue.errors].sort((a, b) => depth(b) - depth(a))[0]!;
    if (depth(best) === 0) return [{ ...issue, message: 'expected "*" or a list of event types' } as z.core.$ZodIssue];
    return precise(best).map((i) => ({ ...i, path: [...issue.path, ...i.path] }) as z.core.$ZodIssue);
  });
}

/** A failed parse as one error per bad field (the path joined with dots, under `prefix`). */
export function inputErrors(error: z.ZodError, prefix: PropertyKey[] = []): FieldError[] {
  return fieldErrors(precise(error.issues), prefix);
}
