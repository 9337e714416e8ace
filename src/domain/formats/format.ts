// The one shape every wire format implements (SPEC §4), plus the header merge they all share.
// Pure: formats render bytes and headers; they never send, log, or read secrets from storage.
// A format's name is known only to its own file and the registry (registry.ts), never to callers.
import type { EventType } from '../events/eventTypes';
import type { FieldError, HrEvent } from '../events/schema';

export interface SubscriptionView {
  id: string;
  /** a registered format's name (see registry.ts: FormatName) */
  format: string;
  events: EventType[] | '*';
  mode?: 'all' | 'approved' | null;
  authorization?: string | null;
  /** newest first; two during a rotation grace period */
  secrets: string[];
  headers: Record<string, string>;
  properties: Record<string, unknown>;
}

export interface RenderInput {
  event: HrEvent;
  deliveryId: string;
  /** 1-based */
  attempt: number;
  /** replaces the message id derived from the delivery id (aspnet work-item `Id`, standard `webhook-id`); formats without one ignore it */
  messageId?: string | undefined;
  now: Date;
  subscription: SubscriptionView;
}

/** Always POSTed to the subscription's url. Header names are lowercase. */
export interface RenderedRequest {
  headers: Record<string, string>;
  body: Buffer;
}

/** The subscription fields whose rules depend on the format (on create; on update, the fields changed). */
export interface SubscriptionFields {
  events?: EventType[] | '*' | undefined;
  mode?: string | null | undefined;
  authorization?: string | null | undefined;
  secret?: string | undefined;
}

/** How a receiver authenticates a request: an HMAC over a secret hrhooks holds, or a static Authorization value. */
export type Credential = { kind: 'secret'; generate(): string } | { kind: 'authorization' };

/** A request as a receiver got it (header names lowercase). */
export interface ReceivedRequest {
  headers: Record<string, string>;
  body: Buffer;
}

/** What a receiver checks a request with: its secrets (newest first) or its Authorization value. */
export interface VerifyKey {
  secrets: readonly string[];
  authorization?: string | undefined;
  /** largest accepted clock skew for formats that sign a timestamp; unchecked when absent */
  toleranceSeconds?: number | undefined;
  now: Date;
}

export interface Format<Name extends string = string> {
  name: Name;
  /**
   * How the format is offered where a person picks one (the web form): a short description shown after its
   * name, and its place in the list (lowest first; the first is preselected). Unset: listed by name, last.
   */
  offer?: { label: string; rank: number };
  defaultLadder: readonly string[];
  credential: Credential;
  /** the mode a subscription gets when it names none; null when the format has no modes */
  defaultMode: 'all' | 'approved' | null;
  /**
   * Delivery order a subscription gets when it names none: `resource` sends the events of one resource
   * (absence, employee, pay run) in event order; `none` sends each as soon as it can.
   */
  defaultOrdering: 'resource' | 'none';
  /** Whether `collapse` may close a superseded `*.updated` unsent (a format whose receivers need every step says no). */
  collapsible: boolean;
  validate(fields: SubscriptionFields): FieldError[];
  sends(event: HrEvent, sub: Pick<SubscriptionView, 'mode' | 'events'>): boolean;
  render(input: RenderInput): RenderedRequest;
  /** why a receiver would reject the request (null: it is authentic and well-formed for this format) */
  verify(request: ReceivedRequest, key: VerifyKey): string | null;
  /** lowercase header names to redact in logs and the API */
  secretHeaders: readonly string[];
  /** the request carries a message id stable across attempts, which render's `messageId` can set */
  hasMessageId: boolean;
  /**
   * How a rotated credential reaches the receiver. `overlap`: the request carries every live secret's signature, so
   * the old and the new one both sign during the grace period. `pending` (default): the request carries one credential,
   * so the new one waits, unsent, until its activation time or an admin activates it; the old one is sent until then.
   */
  rotation?: 'overlap' | 'pending';
}

export function rotationOf(format: Format): 'overlap' | 'pending' {
  return format.rotation ?? 'pending';
}

/** The errors for fields a format does not take (mode, authorization), named after the format. */
export function unusedFieldErrors(format: string, fields: SubscriptionFields, unused: ReadonlyArray<'mode' | 'authorization'>): FieldError[] {
  const messages = { mode: 'subscriptions have no mode', authorization: 'subscriptions send no Authorization value' } as const;
  return unused.filter((field) => fields[field] != null).map((field) => ({ field, message: `${format} ${messages[field]}` }));
}

export class FormatError extends Error {
  override readonly name = 'FormatError';
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const RESERVED = new Set(['__proto__', 'host', 'content-length', 'transfer-encoding', 'connection', 'upgrade', 'te', 'trailer']);

/** Adds a subscription's static headers; they never override the format's own or transport headers. */
export function withExtraHeaders(own: Record<string, string>, extra: Record<string, string>): Record<string, string> {
  const merged: Record<string, string> = { ...own };
  for (const [rawName, value] of Object.entries(extra)) {
    const name = rawName.toLowerCase();
    if (!TOKEN.test(name) || RESERVED.has(name) || Object.hasOwn(merged, name)) continue;
    if (typeof value !== 'string' || /[\r\n\0]/.test(value)) continue;
    merged[name] = value;
  }
  return merged;
}

export function newestSecret(sub: SubscriptionView): string {
  const secret = sub.secrets[0];
  if (!secret) throw new FormatError(`subscription ${sub.id} has no signing secret`);
  return secret;
}
