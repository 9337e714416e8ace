import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { standard } from '../../src/domain/formats/standard';
import { standardMessageId } from '../../src/domain/formats/identity';
import type { SubscriptionView } from '../../src/domain/formats/format';
import type { HrEvent } from '../../src/domain/events/schema';
import { generateStandardSecret, standardSignature, verifyStandard } from '../../src/domain/signing/signature';

const vector = JSON.parse(readFileSync(join(__dirname, '../vectors/standard.json'), 'utf8'));

const event: HrEvent = {
  id: 'evt-1',
  type: 'employee.updated',
  occurredAt: '2024-05-01T10:00:00.000Z',
  data: { id: 42, name: 'Ada Lovelace', note: 'ünïcode ✓' },
};

function sub(secrets: string[]): SubscriptionView {
  return { id: 'sub_1', format: 'standard', events: '*', secrets, headers: {}, properties: {} };
}

test('reproduces the Standard Webhooks published test vector', () => {
  const body = Buffer.from(vector.payload, 'utf8');
  assert.equal(standardSignature(vector.secret, vector.msgId, vector.timestamp, body), vector.signature);
  assert.ok(verifyStandard({ secret: vector.secret, msgId: vector.msgId, timestamp: String(vector.timestamp), signatureHeader: vector.signature, body }));
  assert.ok(!verifyStandard({ secret: vector.secret, msgId: vector.msgId, timestamp: String(vector.timestamp + 1), signatureHeader: vector.signature, body }));
  assert.equal(new Webhook(vector.secret).sign(vector.msgId, new Date(vector.timestamp * 1000), vector.payload), vector.signature);
});

test('renders type/timestamp/data with stable webhook-id and per-attempt timestamp', () => {
  const secret = generateStandardSecret();
  const now = new Date('2024-05-01T10:00:05.900Z');
  const req = standard.render({ event, deliveryId: 'dlv_a', attempt: 1, now, subscription: sub([secret]) });
  assert.equal(req.body.toString('utf8'), JSON.stringify({ type: event.type, timestamp: event.occurredAt, data: event.data }));
  assert.equal(req.headers['webhook-id'], standardMessageId('dlv_a'));
  assert.equal(req.headers['webhook-timestamp'], String(Math.floor(now.getTime() / 1000)));
  assert.equal(req.headers['content-type'], 'application/json');
  assert.match(req.headers['webhook-signature']!, /^v1,[A-Za-z0-9+/]+=*$/);
  const later = standard.render({ event, deliveryId: 'dlv_a', attempt: 2, now: new Date(now.getTime() + 60_000), subscription: sub([secret]) });
  assert.equal(later.headers['webhook-id'], req.headers['webhook-id']);
  assert.notEqual(later.headers['webhook-timestamp'], req.headers['webhook-timestamp']);
});

test('output verifies with the standardwebhooks library', () => {
  const secret = generateStandardSecret();
  assert.match(secret, /^whsec_[A-Za-z0-9+/]{32}$/);
  const req = standard.render({ event, deliveryId: 'dlv_b', attempt: 1, now: new Date(), subscription: sub([secret]) });
  assert.deepEqual(new Webhook(secret).verify(req.body, req.headers), JSON.parse(req.body.toString()));
  assert.throws(() => new Webhook(generateStandardSecret()).verify(req.body, req.headers));
  assert.throws(() => new Webhook(secret).verify(Buffer.concat([req.body, Buffer.from(' ')]), req.headers));
});

test('during rotation both secrets sign and each one alone verifies', () => {
  const [fresh, old] = [generateStandardSecret(), generateStandardSecret()];
  const req = standard.render({ event, deliveryId: 'dlv_c', attempt: 1, now: new Date(), subscription: sub([fresh, old]) });
  const signatures = req.headers['webhook-signature']!.split(' ');
  assert.equal(signatures.length, 2);
  for (const secret of [fresh, old]) {
    assert.ok(new Webhook(secret).verify(req.body, req.headers));
    assert.ok(verifyStandard({ secret, msgId: req.headers['webhook-id']!, timestamp: req.headers['webhook-timestamp']!, signatureHeader: req.headers['webhook-signature']!, body: req.body }));
  }
});

test('a malformed secret and a missing secret are clear errors', () => {
  assert.throws(() => standard.render({ event, deliveryId: 'd', attempt: 1, now: new Date(), subscription: sub([]) }), /no signing secret/);
  assert.throws(() => standard.render({ event, deliveryId: 'd', attempt: 1, now: new Date(), subscription: sub(['plain']) }), /whsec_/);
});
