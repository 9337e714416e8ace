// The data each event type carries (SPEC §2), one zod schema per family: they validate POST /v1/events and
// document it in /openapi.json. leave.*: an absence; employee.*: the employee with its id; payrun.*: the pay
// run with its id (a deletion may send the bare id); the other families: the producer's value as given.
// Pure: no I/O.
import { z } from 'zod';
import { absenceSchema } from './absence';
import { EVENT_TYPES, type EventType } from './eventTypes';
import { identifier } from './identifier';
import { unlessMissing } from './issueMessages';
import { ID_FIELDS } from './subject';

const quoted = ([first, ...others]: readonly string[]) => `"${first}"${others.length ? ` (or ${others.map((f) => `"${f}"`).join(', ')})` : ''}`;

/** An object carrying the resource's id in one of `fields` (the first is the usual one); other fields as given. */
function carryingId(fields: readonly string[], what: string, bareIdToo: boolean) {
  const objects = fields.map((f) => z.looseObject({ [f]: identifier }));
  const alternatives = bareIdToo ? [...objects, identifier] : objects;
  const shape = `an object with ${what}'s id in ${quoted(fields)}${bareIdToo ? ', or the bare id' : ''}`;
  return z
    .union(alternatives as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]], { error: unlessMissing(`must be ${shape}`) })
    .meta({ description: `${shape[0]!.toUpperCase()}${shape.slice(1)}; every other field is passed through as given.` });
}

const asGiven = z
  .custom<unknown>((v) => v !== undefined)
  .meta({ description: "The producer's value (usually its model object), passed through as given." });

interface Family {
  prefix: string;
  schema: z.ZodType;
}

const FAMILIES: Family[] = [
  { prefix: 'leave.', schema: absenceSchema.meta({ description: 'The absence (leave request), SPEC §2.' }) },
  { prefix: 'employee.', schema: carryingId(ID_FIELDS.employee, 'the employee', false) },
  { prefix: 'payrun.deleted', schema: carryingId(ID_FIELDS.payrun, 'the pay run', true) },
  { prefix: 'payrun.', schema: carryingId(ID_FIELDS.payrun, 'the pay run', false) },
];

/** The schema of an event type's data. */
export function dataSchemaOf(type: EventType): z.ZodType {
  return FAMILIES.find((f) => type.startsWith(f.prefix))?.schema ?? asGiven;
}

/** The event types that share each data schema, in EVENT_TYPES order: one entry per schema. */
export function typesBySchema(): { types: EventType[]; schema: z.ZodType }[] {
  const groups = new Map<z.ZodType, EventType[]>();
  for (const type of EVENT_TYPES) {
    const schema = dataSchemaOf(type);
    groups.set(schema, [...(groups.get(schema) ?? []), type]);
  }
  return [...groups].map(([schema, types]) => ({ types, schema }));
}
