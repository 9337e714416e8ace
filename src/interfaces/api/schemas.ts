// The zod schemas of every API input (and the subscription views answered): they validate requests, give the
// TypeScript types, and feed /openapi.json (see openapi.ts). Subscription and delivery-query schemas live beside
// their use cases and are re-exported here. Pure: no I/O.
import { z } from 'zod';
import { instantSchema } from '../../domain/events/instants';
import { inputErrors } from '../../app/subscriptions/schemas';
import { ValidationError } from './errors';

export { formatSchema, eventsSchema, publicSubscriptionSchema } from '../../domain/subscriptions/publicSubscription';
export {
  inputErrors,
  subscriptionCreateSchema,
  subscriptionRules,
  subscriptionUpdateSchema,
  type SubscriptionCreate,
  type SubscriptionUpdate,
} from '../../app/subscriptions/schemas';
export { deliveriesQuerySchema } from '../../app/deliveries/querySchema';
export { rotateAuthorizationSchema, rotateSecretSchema } from '../../app/subscriptions/rotation';

export const markProcessedSchema = z.strictObject({ note: z.string().trim().min(1).max(2000) });
export const resyncSchema = z.strictObject({ note: z.string().max(2000).optional() });
export const bulkResyncSchema = z.strictObject({
  subscriptionId: z.string().min(1).max(100).optional(),
  since: instantSchema.optional(),
  note: z.string().max(2000).optional(),
});

/** Parses request input or throws a 400 naming each bad field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, prefix: PropertyKey[] = []): z.infer<S> {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) throw new ValidationError(inputErrors(parsed.error, prefix));
  return parsed.data;
}
