// The custom search attributes that make deliveries filterable in the Temporal
// Web UI, and their registration on a namespace. No workflow code imports this.
export { statusKey, subscriptionKey, eventTypeKey, attemptsKey, nextAttemptKey } from '../../workflows/searchAttributes';

export const SEARCH_ATTRIBUTES = {
  HrhooksStatus: 'Keyword',
  HrhooksSubscription: 'Keyword',
  HrhooksEventType: 'Keyword',
  HrhooksAttempts: 'Int',
  HrhooksNextAttempt: 'Datetime',
} as const;

/** `--search-attribute` flags for `temporal server start-dev`. */
export function devServerSearchAttributeFlags(): string[] {
  return Object.entries(SEARCH_ATTRIBUTES).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]);
}
