// Decides whether a subscription receives an event (its event list plus its format's rules). Pure: no I/O.
// A test message (hrhooks.test) reaches its subscription whatever its event list and mode: it is ingested
// for that one subscription only, and producers cannot post it.
import { isTestEventType, OPT_IN_EVENT_TYPES, type EventType } from '../events/eventTypes';
import type { HrEvent } from '../events/schema';
import type { SubscriptionView } from './format';
import { getFormat } from './registry';

export function listsEvent(events: SubscriptionView['events'], type: EventType): boolean {
  if (events === '*') return !OPT_IN_EVENT_TYPES.includes(type);
  return events.includes(type);
}

export function subscriptionMatches(sub: Pick<SubscriptionView, 'format' | 'events' | 'mode'>, event: HrEvent): boolean {
  if (isTestEventType(event.type)) return true;
  return listsEvent(sub.events, event.type) && getFormat(sub.format).sends(event, sub);
}
