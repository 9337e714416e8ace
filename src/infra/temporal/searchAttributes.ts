// The custom search attributes that make events and their deliveries filterable in the Temporal
// Web UI, and their registration flags for the dev server. No workflow code imports this.
import { SearchAttributeType } from '@temporalio/common';
import { SEARCH_ATTRIBUTE_KEYS } from '../../../workflows/searchAttributes';

export { statusKey, subscriptionKey, eventTypeKey, attemptsKey, nextAttemptKey, tenantKey } from '../../../workflows/searchAttributes';

/** The dev server's and the operator API's names for each attribute type hrhooks uses. */
export const TYPE_NAMES = {
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
  [SearchAttributeType.INT]: 'Int',
  [SearchAttributeType.DATETIME]: 'Datetime',
} as const;

type UsedType = keyof typeof TYPE_NAMES;

export const SEARCH_ATTRIBUTES: Record<string, (typeof TYPE_NAMES)[UsedType]> = Object.fromEntries(
  SEARCH_ATTRIBUTE_KEYS.map((key) => [key.name, TYPE_NAMES[key.type as UsedType]]),
);

/** `--search-attribute` flags for `temporal server start-dev`. */
export function devServerSearchAttributeFlags(): string[] {
  return Object.entries(SEARCH_ATTRIBUTES).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]);
}
