// What a producer reads when an event is refused: zod's issues in plain words ("is required", "must be a
// date like 2026-03-01"), and a failed union reported at the field its first alternative names.
// A schema's own message wins; this only words what a schema leaves to zod. Pure: no I/O.
import type { z } from 'zod';

/** One bad field of an input, named by its path (`data.start.half`), with what is wrong in plain words. */
export interface FieldError {
  field: string;
  message: string;
}

const KIND: Record<string, string> = {
  string: 'a string', number: 'a number', int: 'an integer', boolean: 'true or false', object: 'an object',
  array: 'a list', null: 'null', bigint: 'an integer', date: 'a date',
};

const FORMAT: Record<string, string> = {
  date: 'must be a date like 2026-03-01',
  datetime: 'must be a date-time like 2026-03-01T09:00:00Z',
};

function sizeWord(origin: string, n: number | bigint): string {
  if (origin === 'string') return `${n} character${n === 1 ? '' : 's'}`;
  if (origin === 'array' || origin === 'set') return `${n} item${n === 1 ? '' : 's'}`;
  return String(n);
}

function listed(values: readonly unknown[]): string {
  return values.length === 1 ? `must be ${JSON.stringify(values[0])}` : `must be one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
}

/** The plain-words message of a raw zod issue, or undefined to keep zod's own. */
export function humanMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.input === undefined) return 'is required';
  switch (issue.code) {
    case 'invalid_type':
      return `must be ${KIND[issue.expected] ?? issue.expected}${issue.input === null ? ', not null' : ''}`;
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) === 1) return 'must not be empty';
      return `must be at least ${sizeWord(issue.origin, issue.minimum)}${issue.inclusive === false ? ' (exclusive)' : ''}`;
    case 'too_big':
      return `must be at most ${sizeWord(issue.origin, issue.maximum)}`;
    case 'invalid_value':
      return listed(issue.values);
    case 'invalid_format':
      return FORMAT[issue.format] ?? `must be a valid ${issue.format}`;
    default:
      return undefined;
  }
}

/** A schema's own message for a present but wrong value; a missing one still reads "is required". */
export function unlessMissing(message: string): (issue: z.core.$ZodRawIssue) => string | undefined {
  return (issue) => (issue.input === undefined ? undefined : message);
}

/** Parse options that word every issue with humanMessage. */
export const HUMAN: z.core.ParseContext<z.core.$ZodIssue> = { error: humanMessage };

/** The first alternative of a failed union that failed inside the value only (the value had its shape). */
function shapedBranch(issue: z.core.$ZodIssue): z.core.$ZodIssue[] | undefined {
  if (issue.code !== 'invalid_union') return undefined;
  return issue.errors.find((branch) => branch.length > 0 && branch.every((i) => i.path.length > 0));
}

/** One error per bad field; a union whose value had an alternative's shape names that alternative's fields. */
export function eventFieldErrors(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[]): FieldError[] {
  return issues.flatMap((issue) => {
    const branch = shapedBranch(issue);
    if (branch) return eventFieldErrors(branch.map((i) => ({ ...i, path: [...issue.path, ...i.path] }) as z.core.$ZodIssue), prefix);
    const path = [...prefix, ...issue.path].map(String).join('.');
    return [{ field: path === '' ? '(event)' : path, message: issue.message }];
  });
}
