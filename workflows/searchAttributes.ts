// Typed keys of the custom search attributes an event workflow keeps up to date. Lists where an event
// holds several deliveries: `HrhooksStatus = "failed"` finds every event with a failed delivery.
// Pure definitions: imported by the workflow sandbox and by clients.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const statusKey = defineSearchAttributeKey('HrhooksStatus', SearchAttributeType.KEYWORD_LIST);
export const subscriptionKey = defineSearchAttributeKey('HrhooksSubscription', SearchAttributeType.KEYWORD_LIST);
export const eventTypeKey = defineSearchAttributeKey('HrhooksEventType', SearchAttributeType.KEYWORD);
/** The tenant (customer business) the event belongs to: set once, at the start. */
export const tenantKey = defineSearchAttributeKey('HrhooksTenant', SearchAttributeType.KEYWORD);
/** Attempts made by all the event's deliveries together. */
export const attemptsKey = defineSearchAttributeKey('HrhooksAttempts', SearchAttributeType.INT);
/** The earliest next attempt among the event's retrying deliveries. */
export const nextAttemptKey = defineSearchAttributeKey('HrhooksNextAttempt', SearchAttributeType.DATETIME);

/**
 * Bytes of HrhooksSubscription's JSON value an event's start sets at most. The engine refuses a search
 * attribute value past 2 KiB by default (`limit.searchAttributesSizeOfValue`, Temporal Cloud alike), metadata
 * included; this leaves room for it. About 75 subscription ids fit.
 */
export const SUBSCRIPTION_ATTRIBUTE_BUDGET = 1_800;
/** HrhooksSubscription of an event whose subscriptions do not fit the budget: the list is in Postgres, not here. */
export const MANY_SUBSCRIPTIONS = 'many';

/**
 * HrhooksSubscription for an event delivered to these subscriptions: every id, sorted, when they fit the
 * budget; else `[MANY_SUBSCRIPTIONS]` alone (never a partial list, which would hide an event from a query
 * as surely as none, and say the opposite).
 */
export function subscriptionAttribute(subscriptionIds: readonly string[]): string[] {
  const ids = [...new Set(subscriptionIds)].sort();
  return new TextEncoder().encode(JSON.stringify(ids)).length <= SUBSCRIPTION_ATTRIBUTE_BUDGET ? ids : [MANY_SUBSCRIPTIONS];
}

export const SEARCH_ATTRIBUTE_KEYS = [statusKey, subscriptionKey, eventTypeKey, attemptsKey, nextAttemptKey, tenantKey] as const;
