// The subscription forms' fields as text: what the create and edit forms post, what the edit form shows (from the
// stored subscription or as posted), and how posted text becomes the API's create / PATCH body. Shape only:
// every rule is the use case's (app/subscriptions/manage.ts), which names the field it refuses. Pure: no I/O.
import type { FieldError } from '../../../domain/events/schema';
import { getFormat, isFormatName } from '../../../domain/formats/registry';
import { REDACTED } from '../../../domain/subscriptions/headerRedaction';
import type { PublicSubscription } from '../../../domain/subscriptions/publicSubscription';

export type PostedForm = Record<string, string | string[] | undefined>;

/** One posted field's text (the first when repeated), trimmed. */
export function text(form: PostedForm, name: string): string {
  const v = form[name];
  return (Array.isArray(v) ? v[0] ?? '' : v ?? '').trim();
}

/** A posted field's values (repeated or single), trimmed, empty ones dropped. */
export function list(form: PostedForm, name: string): string[] {
  const v = form[name];
  return (Array.isArray(v) ? v : v ? [v] : []).map((s) => s.trim()).filter(Boolean);
}

const scheduleOf = (value: string): string[] => value.split(/[\s,]+/).filter(Boolean);

/** The properties field's text as JSON (empty: none); a text that is not JSON is the field's error. */
export function propertiesOf(value: string): { properties: unknown; errors: FieldError[] } {
  if (!value) return { properties: {}, errors: [] };
  try {
    return { properties: JSON.parse(value), errors: [] };
  } catch {
    return { properties: value, errors: [{ field: 'properties', message: 'write a JSON object, e.g. {"Tenant": "acme"}' }] };
  }
}

/** The create form's fields as the API's create body (the use case checks it, URL and format rules included). */
export function createBody(form: PostedForm): Record<string, unknown> {
  const format = text(form, 'format');
  const { properties } = propertiesOf(text(form, 'properties'));
  const defaultMode = isFormatName(format) ? getFormat(format).defaultMode : null;
  const schedule = scheduleOf(text(form, 'retrySchedule'));
  return {
    name: text(form, 'name'),
    url: text(form, 'url'),
    format,
    events: text(form, 'allEvents') === 'on' ? '*' : list(form, 'events'),
    ...(defaultMode !== null ? { mode: text(form, 'mode') || defaultMode } : {}),
    ...(text(form, 'authorization') ? { authorization: text(form, 'authorization') } : {}),
    ...(text(form, 'secret') ? { secret: text(form, 'secret') } : {}),
    ...(schedule.length ? { retrySchedule: schedule } : {}),
    ...(text(form, 'properties') ? { properties } : {}),
  };
}

/** What the edit form shows: from the stored subscription, or as posted when it comes back with errors. */
export interface EditValues {
  name: string;
  url: string;
  allEvents: boolean;
  events: string[];
  mode: string;
  retrySchedule: string;
  authorization: string;
  headers: string;
  /** The properties as JSON text (empty: none). */
  properties: string;
  /** The headers text as first shown (sensitive values redacted): unchanged means "keep the stored headers". */
  headersShown: string;
  ordering: string;
  collapse: boolean;
  maxPerSecond: string;
  maxInFlight: string;
  pauseAfterFailures: string;
}

export const FIELDS = ['name', 'url', 'events', 'mode', 'retrySchedule', 'authorization', 'headers', 'properties', 'ordering', 'collapse', 'maxPerSecond', 'maxInFlight', 'pauseAfterFailures'] as const;
export type Field = (typeof FIELDS)[number];
export const LIMITS = [
  ['maxPerSecond', 'Requests per second', 'at most, across all workers'],
  ['maxInFlight', 'Requests in flight', 'at once, across all workers'],
  ['pauseAfterFailures', 'Pause after', 'consecutive failed attempts (circuit breaker)'],
] as const;

const headersText = (h: Record<string, string>) => Object.entries(h).map(([k, v]) => `${k}: ${v}`).join('\n');

export function storedValues(s: PublicSubscription): EditValues {
  const shown = headersText(s.headers ?? {});
  return {
    name: s.name, url: s.url, allEvents: s.events === '*', events: Array.isArray(s.events) ? s.events : [],
    mode: s.mode ?? '', retrySchedule: (s.retrySchedule ?? []).join(' '), authorization: '', headers: shown, headersShown: shown,
    properties: Object.keys(s.properties ?? {}).length ? JSON.stringify(s.properties, null, 2) : '',
    ordering: s.ordering, collapse: s.collapse, maxPerSecond: String(s.maxPerSecond), maxInFlight: String(s.maxInFlight),
    pauseAfterFailures: String(s.pauseAfterFailures),
  };
}

export function postedValues(form: PostedForm): EditValues {
  return {
    name: text(form, 'name'), url: text(form, 'url'), allEvents: text(form, 'allEvents') === 'on', events: list(form, 'events'),
    mode: text(form, 'mode'), retrySchedule: text(form, 'retrySchedule'), authorization: text(form, 'authorization'),
    headers: text(form, 'headers'), headersShown: text(form, 'headersShown'), properties: text(form, 'properties'),
    ordering: text(form, 'ordering'), collapse: text(form, 'collapse') === 'on', maxPerSecond: text(form, 'maxPerSecond'),
    maxInFlight: text(form, 'maxInFlight'), pauseAfterFailures: text(form, 'pauseAfterFailures'),
  };
}

/** The headers text as a PATCH's headers; a line not "Name: value", or a redacted value typed back, is an error. */
function headersPatch(value: string): { headers: Record<string, string>; errors: FieldError[] } {
  const headers: Record<string, string> = {};
  const errors: FieldError[] = [];
  value.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).forEach((line, i) => {
    const colon = line.indexOf(':');
    if (colon <= 0) return errors.push({ field: 'headers', message: `line ${i + 1}: write each header as "Name: value"` });
    const [name, headerValue] = [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
    if (headerValue === REDACTED) return errors.push({ field: 'headers', message: `${name}: its stored value is not shown; type the value again (or remove the line)` });
    headers[name] = headerValue;
  });
  return { headers, errors };
}

/** Form text shaped into the API's PATCH body (no checks beyond shape: the use case validates). */
export function patchFrom(values: EditValues, s: PublicSubscription): { patch: Record<string, unknown>; errors: FieldError[] } {
  const format = s.format ? getFormat(s.format) : null;
  const schedule = scheduleOf(values.retrySchedule);
  const patch: Record<string, unknown> = {
    name: values.name,
    url: values.url,
    events: values.allEvents ? '*' : values.events,
    retrySchedule: schedule.length ? schedule : null,
    collapse: values.collapse,
  };
  if (values.ordering) patch.ordering = values.ordering;
  for (const [field] of LIMITS) if (values[field]) patch[field] = /^\d+$/.test(values[field]) ? Number(values[field]) : values[field];
  if (format?.defaultMode != null) patch.mode = values.mode || format.defaultMode;
  if (values.authorization) patch.authorization = values.authorization;
  const properties = propertiesOf(values.properties);
  patch.properties = properties.properties;
  if (values.headers.replace(/\r/g, '') === values.headersShown.replace(/\r/g, '')) return { patch, errors: properties.errors };
  const { headers, errors } = headersPatch(values.headers);
  return { patch: { ...patch, headers }, errors: [...errors, ...properties.errors] };
}

/** An error's field as the form names it ("retrySchedule.1" → retrySchedule, "headers.X-Tenant" → headers). */
export function fieldOf(error: FieldError): Field | null {
  const head = error.field.split('.')[0] as Field;
  return FIELDS.includes(head) ? head : null;
}

/** How many fields need a fix: errors of one field (several messages, or several parts of it) count once. */
export function fieldsToFix(errors: FieldError[]): number {
  return new Set(errors.map((e) => fieldOf(e) ?? e.field)).size;
}
