// Typed keys of the custom search attributes a delivery keeps up to date.
// Pure definitions: imported by the workflow sandbox and by clients.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const statusKey = defineSearchAttributeKey('HrhooksStatus', SearchAttributeType.KEYWORD);
export const subscriptionKey = defineSearchAttributeKey('HrhooksSubscription', SearchAttributeType.KEYWORD);
export const eventTypeKey = defineSearchAttributeKey('HrhooksEventType', SearchAttributeType.KEYWORD);
export const attemptsKey = defineSearchAttributeKey('HrhooksAttempts', SearchAttributeType.INT);
export const nextAttemptKey = defineSearchAttributeKey('HrhooksNextAttempt', SearchAttributeType.DATETIME);
