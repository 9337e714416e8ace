// Builds the event behind "send a test message" for a subscription: the reserved type hrhooks.test,
// the same data for every format (each format renders it in its own dialect; see the README).
// Pure apart from a random id: no I/O. The result always passes parseEvent.
import { randomBytes } from 'node:crypto';
import { TEST_EVENT_TYPE } from '../events/eventTypes';
import type { TestEvent } from '../events/schema';
import type { SubscriptionView } from './format';

export const TEST_MESSAGE_TEXT = 'Test Message from Application';

export function testEventFor(sub: Pick<SubscriptionView, 'id'>, now: Date = new Date()): TestEvent {
  return {
    id: `test_${randomBytes(12).toString('hex')}`,
    type: TEST_EVENT_TYPE,
    occurredAt: now.toISOString(),
    data: { message: TEST_MESSAGE_TEXT, subscriptionId: sub.id },
  };
}
