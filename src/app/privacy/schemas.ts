// The inputs of the personal-data doors (issue 23): one zod schema each, validating the request and documenting it
// in /openapi.json; and the JSON schemas of the receipt and the access export. Pure.
import { z } from 'zod';

const employeeId = z
  .union([z.string().trim().min(1).max(200), z.number().int()])
  .transform(String)
  .describe('the employee id as the events carry it (subject id: `data.id` of employee.*, `data.owner.id` of leave.*, `data.employeeId`…)');

export const erasureRequestSchema = z.strictObject({ employeeId });
export const erasuresQuerySchema = z.object({ employeeId: z.string().min(1).max(200).optional().describe("one employee's receipts") });

const COUNTS = {
  type: 'object', required: ['events', 'deliveries', 'attempts'],
  description: 'rows this erasure redacted (a second erasure of the same employee counts zero)',
  properties: { events: { type: 'integer' }, deliveries: { type: 'integer' }, attempts: { type: 'integer' } },
};
export const ERASURE_RECEIPT = {
  type: 'object', required: ['id', 'employeeId', 'at', 'by', 'counts'],
  properties: {
    id: { type: 'string', description: '`ers_…`; the note of every delivery it cancelled is `erasure <id>`' },
    employeeId: { type: 'string' }, at: { type: 'string', format: 'date-time' }, by: { type: 'string', description: "the key's name" }, counts: COUNTS,
  },
};
export const ERASURE_LIST = { type: 'object', required: ['items'], properties: { items: { type: 'array', items: ERASURE_RECEIPT } } };
export const ACCESS_EXPORT = {
  type: 'object', required: ['tenantId', 'employeeId', 'exportedAt', 'events', 'deliveries', 'erasures'],
  properties: {
    tenantId: { type: 'string' }, employeeId: { type: 'string' }, exportedAt: { type: 'string', format: 'date-time' },
    events: { type: 'array', items: { type: 'object', description: 'id, type, occurredAt, receivedAt, isTest, body (the event as posted; `{"erased": …}` after an erasure)' } },
    deliveries: { type: 'array', items: { type: 'object', description: 'the delivery (subject name opened, `erased` after an erasure) with its `attempts` (request and response, bodies opened)' } },
    erasures: ERASURE_LIST.properties.items,
  },
};
