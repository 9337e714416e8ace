// Which header names and values a subscription may ask hrhooks to send (its extra headers, lucca's
// Authorization): only what the HTTP client can put on the wire, checked at create and update so that a
// value that can never be sent is refused with its field instead of failing every attempt. Pure.

/** RFC 9110 token: the only characters a header name may hold. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Printable ASCII and tab (RFC 9110 field-value without the obsolete obs-text). */
const SENDABLE_VALUE = /^[\t\x20-\x7e]*$/;

/** Headers the HTTP client sets itself or refuses (undici: `Expect`, `Keep-Alive`…), and hop-by-hop ones. */
const FORBIDDEN_NAMES: Record<string, string> = {
  host: 'is set from the URL',
  'content-length': 'is set from the body',
  'transfer-encoding': 'is set by the HTTP client',
  connection: 'is managed by the HTTP client',
  'keep-alive': 'is managed by the HTTP client',
  upgrade: 'cannot be sent with a webhook',
  te: 'is a hop-by-hop header the HTTP client manages',
  trailer: 'cannot be sent with a webhook',
  expect: 'is not supported by the HTTP client (no 100-continue)',
  'proxy-authorization': 'is for proxies, never sent to a receiver',
  'proxy-connection': 'is managed by the HTTP client',
};

/** Why this header name can never be sent, or null. */
export function headerNameProblem(name: string): string | null {
  if (name.length === 0) return 'a header name cannot be empty';
  if (name.length > 100) return 'a header name has at most 100 characters';
  if (!TOKEN.test(name)) return "must be an HTTP header name: letters, digits and !#$%&'*+-.^_`|~ only";
  const forbidden = FORBIDDEN_NAMES[name.toLowerCase()];
  return forbidden ? `${name} cannot be set: it ${forbidden}` : null;
}

/** The first character that cannot go in a header value, named (never the value itself): a secret may be in it. */
function describeChar(ch: string, at: number): string {
  const code = ch.codePointAt(0)!;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  const kind = code < 0x20 || code === 0x7f ? 'a control character' : code === 0x2028 || code === 0x2029 ? 'a line separator' : 'not ASCII';
  return `${hex} (${kind}) at position ${at + 1}`;
}

/** Why this header value can never be sent, or null. */
export function headerValueProblem(value: string): string | null {
  if (SENDABLE_VALUE.test(value)) return null;
  const chars = [...value];
  const at = chars.findIndex((c) => !SENDABLE_VALUE.test(c));
  return `cannot be sent in an HTTP header: it contains ${describeChar(chars[at]!, at)}; only printable ASCII and tabs are allowed`;
}

/** What every extra header's value is shown as (the value itself is sealed and never shown). */
export const HEADER_SET = '[set]' as const;
