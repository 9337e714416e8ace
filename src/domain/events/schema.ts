// The event envelope (SPEC §2) and parseEvent: the envelope and the type's data are checked in one pass,
// so a refusal names every bad field at once, in plain words (issueMessages.ts).
// Pure validation: no I/O, never recurses over input itself (zod walks it, bounded by the schemas).
import { z } from 'zod';
import { absenceSchema } from './absence';
import { dataSchemaOf, typesBySchema } from './dataSchemas';
import { eventTypeSchema, isTestEventType, TEST_EVENT_TYPE } from './eventTypes';
import { eventFieldErrors, HUMAN, type FieldError } from './issueMessages';
import { instantSchema } from './instants';

export { absenceSchema, MAX_ABSENCE_DAYS, MAX_HALF_DAYS } from './absence';

const envelopeFields = { id: z.string().min(1).max(200), type: eventTypeSchema, occurredAt: instantSchema };

/** The envelope; `data` is checked against its type's schema separately (dataSchemas.ts) and kept as given. */
export const eventEnvelopeSchema = z.object({ ...envelopeFields, data: z.custom<unknown>((v) => v !== undefined) });

/** A producer's event as /openapi.json documents it: the envelope with each event type's `data` schema. */
export const producerEventDocSchema = z.discriminatedUnion(
  'type',
  typesBySchema().map(({ types, schema }) => z.object({ ...envelopeFields, type: z.enum(types), data: schema })) as unknown as [
    z.ZodObject<{ type: z.ZodEnum }>,
    ...z.ZodObject<{ type: z.ZodEnum }>[],
  ],
);

/** The data of a subscription test message: the same for every format, each renders it its own way. */
export const testMessageDataSchema = z.object({
  message: z.string().max(1000),
  subscriptionId: z.string().min(1).max(100),
});

/** Built by hrhooks only (src/domain/formats/testMessage.ts); producers posting this type are refused at the door. */
export const testEventSchema = eventEnvelopeSchema.extend({
  type: z.literal(TEST_EVENT_TYPE),
  data: testMessageDataSchema,
});

export type ProducerEvent = z.infer<typeof eventEnvelopeSchema>;
export type TestEvent = z.infer<typeof testEventSchema>;
export type HrEvent = ProducerEvent | TestEvent;
export type Absence = z.infer<typeof absenceSchema>;
export type TestMessageData = z.infer<typeof testMessageDataSchema>;

export type { FieldError } from './issueMessages';

export type ParseEventResult = { ok: true; event: HrEvent } | { ok: false; errors: FieldError[] };

/** The field errors of a producer event that claims the reserved test type (answered 422), or none. */
export function reservedTypeErrors(json: unknown): FieldError[] {
  if (!isTestEventType(claimedType(json))) return [];
  return [{ field: 'type', message: `${TEST_EVENT_TYPE} is reserved for subscription test messages (POST /v1/subscriptions/{id}/test)` }];
}

function claimedType(json: unknown): unknown {
  return typeof json === 'object' && json !== null ? (json as { type?: unknown }).type : undefined;
}

/** Parses a producer event, or a test message built by hrhooks (the gateway refuses the latter from producers first). */
export function parseEvent(json: unknown): ParseEventResult {
  if (isTestEventType(claimedType(json))) {
    const test = testEventSchema.safeParse(json, HUMAN);
    return test.success ? { ok: true, event: test.data } : { ok: false, errors: eventFieldErrors(test.error.issues, []) };
  }
  const envelope = eventEnvelopeSchema.safeParse(json, HUMAN);
  const errors = [...(envelope.success ? [] : eventFieldErrors(envelope.error.issues, [])), ...dataErrors(json)];
  if (!envelope.success || errors.length > 0) return { ok: false, errors };
  return { ok: true, event: envelope.data };
}

/** The data's errors against its type's schema, whatever else is wrong with the envelope. */
function dataErrors(json: unknown): FieldError[] {
  const type = eventTypeSchema.safeParse(claimedType(json));
  const data = typeof json === 'object' && json !== null ? (json as { data?: unknown }).data : undefined;
  if (!type.success || data === undefined) return [];
  const parsed = dataSchemaOf(type.data).safeParse(data, HUMAN);
  return parsed.success ? [] : eventFieldErrors(parsed.error.issues, ['data']);
}

export function fieldErrors(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[]): FieldError[] {
  return issues.map((issue) => {
    const path = [...prefix, ...issue.path].map(String).join('.');
    return { field: path === '' ? '(event)' : path, message: issue.message };
  });
}
