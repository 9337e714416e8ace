// Registers hrhooks' custom search attributes on a namespace when missing, so a worker pointed at any
// Temporal cluster makes events filterable in the Web UI. Reports attributes registered with another type.
import type { OperatorService } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from './searchAttributes';

const INDEXED = temporal.api.enums.v1.IndexedValueType;
const TYPE_OF = {
  Keyword: INDEXED.INDEXED_VALUE_TYPE_KEYWORD,
  KeywordList: INDEXED.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  Int: INDEXED.INDEXED_VALUE_TYPE_INT,
  Datetime: INDEXED.INDEXED_VALUE_TYPE_DATETIME,
} as const;

export class SearchAttributeTypeError extends Error {
  override readonly name = 'SearchAttributeTypeError';
}

export async function ensureSearchAttributes(connection: { operatorService: OperatorService }, namespace: string): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const known = existing.customAttributes ?? {};
  const wrong = Object.entries(SEARCH_ATTRIBUTES).filter(([name, type]) => name in known && known[name] !== TYPE_OF[type]);
  if (wrong.length) {
    throw new SearchAttributeTypeError(
      `namespace ${namespace} has ${wrong.map(([name, type]) => `${name} registered with another type than ${type}`).join(', ')} ` +
        '(left by an earlier hrhooks version); remove them (temporal operator search-attribute remove) and restart',
    );
  }
  const missing = Object.entries(SEARCH_ATTRIBUTES).filter(([name]) => !(name in known));
  if (missing.length === 0) return [];
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map(([name, type]) => [name, TYPE_OF[type]])),
  });
  return missing.map(([name]) => name);
}
