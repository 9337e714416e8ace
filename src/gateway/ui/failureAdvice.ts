// Why an attempt failed, in a sentence an HR/payroll admin can act on, and what to do next: one
// mapping from the attempt's error kind or HTTP status, used wherever a failure is shown. Pure.
export interface FailureAdvice {
  why: string;
  next: string;
}

export function failureAdvice(error: { kind: string; message: string | null } | null, status: number | null, url: string): FailureAdvice {
  const host = (() => {
    try {
      return new URL(url).host;
    } catch {
      return url;
    }
  })();
  switch (error?.kind) {
    case 'secret':
      return { why: 'The subscription\'s secret cannot be decrypted with this installation\'s HRHOOKS_SECRET_KEY.', next: 'Rotate the secret on the subscription page (give the receiver the new one), or start hrhooks with the key it was created under; then re-sync.' };
    case 'ssrf':
      return { why: `${host} resolves to a private or reserved address, which hrhooks refuses to call.`, next: 'If this receiver is meant to be on your network, allow its range with HRHOOKS_EGRESS_ALLOW; then re-sync.' };
    case 'invalid_url':
      return { why: 'The subscription\'s URL is not a valid http(s) URL.', next: 'Fix the URL on the subscription, then re-sync.' };
    case 'dns':
      return { why: `The host name ${host} does not resolve.`, next: 'Check the subscription\'s URL for a typo, or ask the receiver\'s owner; then re-sync.' };
    case 'refused':
      return { why: `Nothing is listening at ${host}.`, next: 'Check the URL and that the receiving tool is running; then re-sync.' };
    case 'timeout':
    case 'connect_timeout':
      return { why: `${host} did not answer in time.`, next: 'The receiving tool is slow or down; when it is back, re-sync.' };
    case 'tls':
      return { why: `The TLS connection to ${host} failed (certificate or protocol).`, next: 'Ask the receiver\'s owner to fix their certificate; then re-sync.' };
    case 'aborted':
      return { why: 'An operator cut this attempt off.', next: 'Nothing to do unless you want it sent again: re-sync.' };
    case 'missing':
      return { why: 'The event or subscription behind this delivery no longer exists.', next: 'Mark it processed with a note.' };
    case 'render':
      return { why: `The message could not be built: ${error.message ?? ''}`, next: 'Check the subscription\'s format options; then re-sync, or mark it processed.' };
    default:
      break;
  }
  if (status === 401 || status === 403) return { why: `The receiver rejected our credentials (HTTP ${status}).`, next: 'Rotate or re-enter the secret or Authorization value with the receiver\'s owner; then re-sync.' };
  if (status === 410) return { why: 'The receiver answered 410 Gone: it wants no more messages, so the subscription was disabled.', next: 'If that was a mistake, re-enable the subscription and re-sync; otherwise mark it processed.' };
  if (status !== null && status >= 500) return { why: `The receiving tool had an error (HTTP ${status}).`, next: 'When it works again, re-sync.' };
  if (status !== null && status >= 400) return { why: `The receiver refused the message (HTTP ${status}).`, next: 'Its response below says why; fix the data or the subscription, then re-sync, or mark it processed.' };
  if (status !== null && status >= 300) return { why: `The receiver answered a redirect (HTTP ${status}), which hrhooks never follows.`, next: 'Update the subscription\'s URL to the final address; then re-sync.' };
  return { why: error?.message ? `${error.kind}: ${error.message}` : 'The attempt failed.', next: 'Look at the attempts below, fix the cause, then re-sync; or mark it processed.' };
}
