// The one shape every wire format implements (SPEC §4), plus the header merge they all share.
// Pure: formats render bytes and headers; they never send, log, or read secrets from storage.
import type { EventType } from '../events/eventTypes';
import type { HrEvent } from '../events/schema';

export type FormatName = 'lucca' | 'aspnet' | 'standard';

export const FORMAT_NAMES: readonly FormatName[] = ['lucca', 'aspnet', 'standard'];

export interface SubscriptionView {
  id: string;
  format: FormatName;
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
  now: Date;
  subscription: SubscriptionView;
}

/** Always POSTed to the subscription's url. Header names are lowercase. */
export interface RenderedRequest {
  headers: Record<string, string>;
  body: Buffer;
}

export interface Format {
  name: FormatName;
  defaultLadder: readonly string[];
  sends(event: HrEvent, sub: Pick<SubscriptionView, 'mode' | 'events'>): boolean;
  render(input: RenderInput): RenderedRequest;
  /** lowercase header names to redact in logs and the API */
  secretHeaders: readonly string[];
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
