// Deterministic identities: the event workflow id per (tenant, event), the delivery id per (subscription,
// tenant, event), and the per-format message ids derived from it, stable across attempts. Pure.
// The `default` tenant's ids are those of before tenants existed (running workflows, recorded histories and
// receivers' dedup keys keep them); another tenant's hash also covers the tenant id, so two tenants may both
// send `evt-1`. An event id never holds U+0000 (Postgres cannot store it), so the two inputs never collide.
import { createHash } from 'node:crypto';
import { DEFAULT_TENANT } from '../tenants/tenantId';
import { FormatError } from './format';

const SAFE_SUBSCRIPTION_ID = /^[A-Za-z0-9_-]{1,64}$/;

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

const EVENT_HASH_LENGTH = 22;

function eventHash(eventId: string, tenantId: string): string {
  const input = tenantId === DEFAULT_TENANT ? eventId : `${tenantId}\u0000${eventId}`;
  return sha256(input).toString('base64url').slice(0, EVENT_HASH_LENGTH);
}

/** The `event` workflow's id: one per accepted event of a tenant. */
export function eventWorkflowIdFor(eventId: string, tenantId: string): string {
  return `evt_${eventHash(eventId, tenantId)}`;
}

/** A delivery's id: `dlv_<subscription id>_<event hash>`, so it names its workflow and subscription by itself. */
export function deliveryIdFor(subscriptionId: string, eventId: string, tenantId: string): string {
  if (!SAFE_SUBSCRIPTION_ID.test(subscriptionId)) {
    throw new FormatError(`subscription id ${JSON.stringify(subscriptionId)} is not a safe token`);
  }
  return `dlv_${subscriptionId}_${eventHash(eventId, tenantId)}`;
}

const DELIVERY_ID = new RegExp(`^dlv_([A-Za-z0-9_-]{1,64})_([A-Za-z0-9_-]{${EVENT_HASH_LENGTH}})$`);

/** The workflow and subscription a delivery id names, without a database lookup; null for anything else. */
export function parseDeliveryId(deliveryId: string): { workflowId: string; subscriptionId: string } | null {
  const match = DELIVERY_ID.exec(deliveryId);
  if (!match) return null;
  return { subscriptionId: match[1]!, workflowId: `evt_${match[2]!}` };
}

export function aspnetWorkItemId(deliveryId: string): string {
  return sha256(deliveryId).toString('hex').slice(0, 32);
}

export function standardMessageId(deliveryId: string): string {
  return `msg_${sha256(`standard:${deliveryId}`).toString('base64url').slice(0, 24)}`;
}
