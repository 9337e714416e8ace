// The one rule for which HTTP header values are secret: what is shown of a request or a subscription's
// static headers (attempt log, API, UI, logs) never carries a credential. Pure.
const SENSITIVE_HEADER = /authorization|signature|secret|token|api[-_]?key|password|cookie/i;
export const REDACTED = '[redacted]';

/** Headers with every credential-looking value (and any named in secretHeaders) replaced by [redacted]. */
export function redactHeaders(headers: Record<string, string>, secretHeaders: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = secretHeaders.includes(name.toLowerCase()) || SENSITIVE_HEADER.test(name) ? REDACTED : value;
  }
  return out;
}
