// The "standard" format (SPEC §4.3): Standard Webhooks v1, one v1 signature per active secret.
// Pure rendering: no I/O; webhook-id is stable per delivery, webhook-timestamp is per attempt.
import type { HrEvent } from '../events/schema';
import { DEFAULT_LADDERS } from '../ladder';
import { standardSignature } from '../signing/signature';
import { FormatError, withExtraHeaders, type Format, type RenderInput, type SubscriptionView } from './format';
import { standardMessageId } from './identity';

function sends(_event: HrEvent, _sub: Pick<SubscriptionView, 'mode' | 'events'>): boolean {
  return true;
}

function render({ event, deliveryId, now, subscription }: RenderInput) {
  if (subscription.secrets.length === 0) throw new FormatError(`subscription ${subscription.id} has no signing secret`);
  const body = Buffer.from(JSON.stringify({ type: event.type, timestamp: event.occurredAt, data: event.data }), 'utf8');
  const msgId = standardMessageId(deliveryId);
  const timestamp = Math.floor(now.getTime() / 1000);
  const signatures = subscription.secrets.map((secret) => standardSignature(secret, msgId, timestamp, body));
  const own = {
    'webhook-id': msgId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signatures.join(' '),
    'content-type': 'application/json',
  };
  return { headers: withExtraHeaders(own, subscription.headers), body };
}

export const standard: Format = {
  name: 'standard',
  defaultLadder: DEFAULT_LADDERS.standard,
  sends,
  render,
  secretHeaders: ['authorization'],
};
