// Decides whether a subscription receives an event (its event list plus its format's rules). Pure: no I/O.
import { OPT_IN_EVENT_TYPES } from '../events/eventTypes';
import type { HrEvent } from '../events/schema';
import type { SubscriptionView } from './format';
import { getFormat } from './registry';

export function listsEvent(events: SubscriptionView['events'], type: HrEvent['type']): boolean {
  if (events === '*') return !OPT_IN_EVENT_TYPES.includes(type);
  return events.includes(type);
}

export function subscriptionMatches(sub: Pick<SubscriptionView, 'format' | 'events' | 'mode'>, event: HrEvent): boolean {
  return listsEvent(sub.events, event.type) && getFormat(sub.format).sends(event, sub);
}
