// The one rule for text hrhooks accepts from outside and stores in Postgres: no U+0000 (a text column
// cannot hold it) and no lone UTF-16 surrogate (not Unicode: jsonb refuses "\ud800"). Pure: no I/O.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why Postgres cannot store this text as given, or null when it can. */
export function unstorableText(text: string): string | null {
  if (text.includes('\u0000')) return 'must not contain the NUL character (U+0000)';
  if (LONE_SURROGATE.test(text)) return 'must not contain a lone UTF-16 surrogate such as \\ud800 (it is not valid Unicode)';
  return null;
}
