// Why an attempt failed, in a sentence an HR/payroll admin can act on, and what to do next: one mapping
// from the attempt's error kind (src/infra/http/dispatcher.ts ErrorKind, activities/send.ts) or HTTP status, used
// wherever a failure is shown (delivery page, attempts, to-do and search rows). Pure; the raw error stays
// for the caller to show one click away.
import { isIP } from 'node:net';

export interface FailureAdvice {
  why: string;
  next: string;
}

type AttemptError = { kind: string; message: string | null };

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** The first IP address named in a refusal ("10.1.2.3: private (RFC 1918)", "connected peer refused: ::1: loopback"). */
function addressIn(message: string): string | null {
  for (const token of message.split(/[\s;()]+/)) {
    const candidate = token.replace(/:$/, '');
    if (isIP(candidate)) return candidate;
  }
  return null;
}

function ssrfAdvice(message: string, host: string): FailureAdvice {
  const ip = addressIn(message);
  const where = ip && ip !== host ? `${host || 'The receiver'} (${ip})` : host || ip || 'The receiver';
  if (/metadata/.test(message)) {
    return { why: `${where} is a cloud metadata endpoint, which hrhooks never calls.`, next: 'Fix the subscription\'s URL (this is almost certainly a mistake or an attack); then re-sync.' };
  }
  const reason = ip ? message.slice(message.indexOf(ip) + ip.length).match(/^:\s*([^;]+)/)?.[1]?.trim() : null;
  const range = ip ? `${ip}${ip.includes(':') ? '/128' : '/32'}` : 'its range';
  return {
    why: `${where} is a ${reason ?? 'private'} address; hrhooks refuses to call private addresses unless they are allowed.`,
    next: `If this receiver is meant to be on your own network, allow it with HRHOOKS_EGRESS_ALLOW=${range} (restart hrhooks), then re-sync; otherwise fix the URL.`,
  };
}

function tlsAdvice(message: string, host: string): FailureAdvice {
  if (/wrong version number|packet length too long|http request/i.test(message)) {
    return { why: `${host} does not speak HTTPS on this port.`, next: 'Check the URL: use http:// or the receiver\'s HTTPS port; then re-sync.' };
  }
  if (/expired/i.test(message)) return { why: `The TLS certificate of ${host} has expired.`, next: 'Ask the receiver\'s owner to renew their certificate; then re-sync.' };
  if (/self.signed|unable to (get|verify)|issuer/i.test(message)) {
    return { why: `The TLS certificate of ${host} is not from a trusted authority (self-signed or incomplete chain).`, next: 'Ask the receiver\'s owner to install a certificate from a public authority with its full chain; then re-sync.' };
  }
  if (/altname|hostname|does not match/i.test(message)) {
    return { why: `The TLS certificate of ${host} is for another host name.`, next: 'Check the host name in the URL, or ask the receiver\'s owner to fix their certificate; then re-sync.' };
  }
  return { why: `The secure (TLS) connection to ${host} failed.`, next: 'Ask the receiver\'s owner to check their certificate and HTTPS set-up; then re-sync.' };
}

function errorAdvice(error: AttemptError, host: string): FailureAdvice | null {
  const message = error.message ?? '';
  switch (error.kind) {
    case 'secret':
      return { why: 'The subscription\'s secret cannot be decrypted with this installation\'s HRHOOKS_SECRET_KEY.', next: 'Rotate the secret on the subscription page (give the receiver the new one), or start hrhooks with the key it was created under; then re-sync.' };
    case 'ssrf':
      return ssrfAdvice(message, host);
    case 'invalid_url':
      return { why: `The subscription's URL cannot be used: ${message || 'not a valid http(s) URL'}.`, next: 'Fix the URL on the subscription, then re-sync.' };
    case 'dns':
      return { why: `The host name ${host || 'of the receiver'} does not resolve — a typo?`, next: 'Check the host name in the subscription\'s URL, or ask the receiver\'s owner whether it moved; then re-sync.' };
    case 'refused': {
      const at = /ECONNREFUSED\s+(\S+)/.exec(message)?.[1] ?? host;
      return { why: `The receiver is not listening at ${at}.`, next: 'Check the URL (host and port) or that the receiving tool is running; then re-sync.' };
    }
    case 'reset':
      return { why: `${host || 'The receiver'} closed the connection before answering.`, next: 'The receiving tool or a proxy in front of it dropped the request; when it is stable again, re-sync.' };
    case 'timeout':
      return { why: `${host || 'The receiver'} did not answer in time (${message || 'timeout'}).`, next: 'The receiving tool is slow or stuck; ask its owner to answer quickly (2xx first, work later), then re-sync.' };
    case 'connect_timeout':
      return { why: `No connection to ${host || 'the receiver'} could be opened in time.`, next: 'A firewall may be dropping our requests, or the host is down; check with the receiver\'s owner, then re-sync.' };
    case 'tls':
      return tlsAdvice(message, host);
    case 'aborted':
      return { why: 'An operator cut this attempt off.', next: 'Nothing to do unless you want it sent again: re-sync.' };
    case 'missing':
      return { why: 'The event or subscription behind this delivery no longer exists.', next: 'Mark it processed with a note.' };
    case 'render':
      return { why: `The message could not be built: ${message}`, next: 'Check the subscription\'s format options; then re-sync, or mark it processed.' };
    case 'other':
      return /HTTP\/1\.1 protocol|parse|invalid/i.test(message)
        ? { why: `${host || 'The receiver'} did not answer with valid HTTP.`, next: 'Check that the URL points at a web server (right port, right scheme); then re-sync.' }
        : null;
    default:
      return null;
  }
}

function statusAdvice(status: number): FailureAdvice | null {
  if (status === 401 || status === 403) return { why: `The receiver rejected our credentials (HTTP ${status}).`, next: 'Rotate or re-enter them: give the receiver the current signing secret, or replace the Authorization value, with the receiver\'s owner; then re-sync.' };
  if (status === 410) return { why: 'The receiver answered 410 Gone: it wants no more messages, so the subscription was disabled.', next: 'If that was a mistake, re-enable the subscription and re-sync; otherwise mark it processed.' };
  if (status === 404) return { why: 'The receiver has no webhook endpoint at this address (HTTP 404).', next: 'Check the path in the subscription\'s URL with the receiver\'s owner; then re-sync.' };
  if (status === 429) return { why: 'The receiver is rate-limiting us (HTTP 429).', next: 'Wait for it to accept more, or ask its owner to raise the limit; then re-sync.' };
  if (status >= 500) return { why: `The receiving tool had an error (HTTP ${status}).`, next: 'When it works again, re-sync.' };
  if (status >= 400) return { why: `The receiver refused the message (HTTP ${status}).`, next: 'Its response says why; fix the data or the subscription, then re-sync, or mark it processed.' };
  if (status >= 300) return { why: `The receiver answered a redirect (HTTP ${status}), which hrhooks never follows.`, next: 'Update the subscription\'s URL to the final address; then re-sync.' };
  return null;
}

export function failureAdvice(error: AttemptError | null, status: number | null, url: string): FailureAdvice {
  const host = hostOf(url);
  const advice = (error ? errorAdvice(error, host) : null) ?? (status !== null ? statusAdvice(status) : null);
  if (advice) return advice;
  return { why: error?.message ? `${error.kind}: ${error.message}` : 'The attempt failed.', next: 'Look at the attempts below, fix the cause, then re-sync; or mark it processed.' };
}

/** The advice for a delivery row's last error as stored ("<kind>: <message>" or "HTTP <code>"); null when there is none. */
export function lastErrorAdvice(lastError: string | null, status: number | null, url = ''): FailureAdvice | null {
  if (!lastError && status === null) return null;
  const colon = lastError?.indexOf(': ') ?? -1;
  const kind = lastError && colon > 0 && /^[a-z_]+$/.test(lastError.slice(0, colon)) ? lastError.slice(0, colon) : null;
  const error = kind ? { kind, message: lastError!.slice(colon + 2) } : null;
  return failureAdvice(error, status, url);
}
