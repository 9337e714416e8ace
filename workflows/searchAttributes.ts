// Typed keys of the custom search attributes an event workflow keeps up to date. Lists where an event
// holds several deliveries: `HrhooksStatus = "failed"` finds every event with a failed delivery.
// Pure definitions: imported by the workflow sandbox and by clients.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const statusKey = defineSearchAttributeKey('HrhooksStatus', SearchAttributeType.KEYWORD_LIST);
export const subscriptionKey = defineSearchAttributeKey('HrhooksSubscription', SearchAttributeType.KEYWORD_LIST);
export const eventTypeKey = defineSearchAttributeKey('HrhooksEventType', SearchAttributeType.KEYWORD);
/** Attempts made by all the event's deliveries together. */
export const attemptsKey = defineSearchAttributeKey('HrhooksAttempts', SearchAttributeType.INT);
/** The earliest next attempt among the event's retrying deliveries. */
export const nextAttemptKey = defineSearchAttributeKey('HrhooksNextAttempt', SearchAttributeType.DATETIME);

export const SEARCH_ATTRIBUTE_KEYS = [statusKey, subscriptionKey, eventTypeKey, attemptsKey, nextAttemptKey] as const;
