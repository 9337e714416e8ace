// Deterministic identities: the delivery (workflow) id per (subscription, event), and the per-format
// message ids derived from it, stable across attempts. Pure: no I/O, no randomness.
import { createHash } from 'node:crypto';
import { FormatError } from './format';

const SAFE_SUBSCRIPTION_ID = /^[A-Za-z0-9_-]{1,64}$/;

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

export function deliveryIdFor(subscriptionId: string, eventId: string): string {
  if (!SAFE_SUBSCRIPTION_ID.test(subscriptionId)) {
    throw new FormatError(`subscription id ${JSON.stringify(subscriptionId)} is not a safe token`);
  }
  return `dlv_${subscriptionId}_${sha256(eventId).toString('base64url').slice(0, 22)}`;
}

export function aspnetWorkItemId(deliveryId: string): string {
  return sha256(deliveryId).toString('hex').slice(0, 32);
}

export function standardMessageId(deliveryId: string): string {
  return `msg_${sha256(`standard:${deliveryId}`).toString('base64url').slice(0, 24)}`;
}
