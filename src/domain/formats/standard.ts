// The "standard" format (SPEC §4.3): Standard Webhooks v1, one v1 signature per active secret.
// Pure rendering: no I/O; webhook-id is stable per delivery, webhook-timestamp is per attempt.
import type { FieldError, HrEvent } from '../events/schema';
import { generateStandardSecret, SecretError, standardKey, standardSignature, verifyStandard } from '../signing/signature';
import {
  FormatError,
  unusedFieldErrors,
  withExtraHeaders,
  type Format,
  type ReceivedRequest,
  type RenderInput,
  type SubscriptionFields,
  type SubscriptionView,
  type VerifyKey,
} from './format';
import { standardMessageId } from './identity';

function sends(_event: HrEvent, _sub: Pick<SubscriptionView, 'mode' | 'events'>): boolean {
  return true;
}

function render({ event, deliveryId, messageId, now, subscription }: RenderInput) {
  if (subscription.secrets.length === 0) throw new FormatError(`subscription ${subscription.id} has no signing secret`);
  const body = Buffer.from(JSON.stringify({ type: event.type, timestamp: event.occurredAt, data: event.data }), 'utf8');
  const msgId = messageId ?? standardMessageId(deliveryId);
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

function validate(fields: SubscriptionFields): FieldError[] {
  const errors = unusedFieldErrors('standard', fields, ['mode', 'authorization']);
  if (fields.secret !== undefined) {
    try {
      standardKey(fields.secret);
    } catch (err) {
      if (!(err instanceof SecretError)) throw err;
      errors.push({ field: 'secret', message: err.message });
    }
  }
  return errors;
}

function verify(req: ReceivedRequest, key: VerifyKey): string | null {
  const msgId = req.headers['webhook-id'];
  const timestamp = req.headers['webhook-timestamp'];
  const signatureHeader = req.headers['webhook-signature'];
  if (!msgId) return 'missing webhook-id header';
  if (!timestamp) return 'missing webhook-timestamp header';
  if (!signatureHeader) return 'missing webhook-signature header';
  if (!/^\d{1,12}$/.test(timestamp)) return 'webhook-timestamp is not whole seconds';
  if (key.toleranceSeconds !== undefined) {
    const skew = Math.abs(key.now.getTime() / 1000 - Number(timestamp));
    if (skew > key.toleranceSeconds) return `webhook-timestamp is ${Math.round(skew)}s away from now (tolerance ${key.toleranceSeconds}s)`;
  }
  const matches = key.secrets.some((secret) => verifyStandard({ secret, msgId, timestamp, signatureHeader, body: req.body }));
  return matches ? null : 'no webhook-signature matches the body';
}

export const standard: Format<'standard'> = {
  name: 'standard',
  offer: { label: 'Standard Webhooks', rank: 1 },
  defaultLadder: ['5s', '5m', '30m', '2h', '5h', '10h', '14h', '20h', '24h'],
  credential: { kind: 'secret', generate: generateStandardSecret },
  defaultMode: null,
  defaultOrdering: 'none',
  collapsible: true,
  validate,
  sends,
  render,
  verify,
  secretHeaders: ['authorization'],
  hasMessageId: true,
  rotation: 'overlap',
};
