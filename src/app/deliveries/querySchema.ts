// The filters a delivery listing takes (API query string, CLI options); validated here, fed to /openapi.json.
// Pure: no I/O.
import { z } from 'zod';
import { eventTypeSchema } from '../../domain/events/eventTypes';
import { instantSchema } from '../../domain/events/instants';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../../../workflows/definitions';

export const deliveriesQuerySchema = z.object({
  status: z.enum(DELIVERY_STATUSES as unknown as [DeliveryStatus, ...DeliveryStatus[]]).optional(),
  subscriptionId: z.string().max(100).optional(),
  eventType: eventTypeSchema.optional(),
  since: instantSchema.optional(),
  q: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  cursor: z.string().max(1000).optional(),
});
