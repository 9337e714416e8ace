// The single door for outbound webhook HTTP: one POST per attempt, SSRF-guarded at connect time, bounded reads.
// Never follows redirects, never buffers more than maxResponseBytes, never throws for transport failures.
import { lookup as dnsLookup } from 'node:dns';
import type { LookupFunction, Socket } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { checkUrl, isForbiddenAddress, type Cidr } from './ssrfGuard';

export type ErrorKind =
  | 'ssrf' | 'invalid_url' | 'dns' | 'refused' | 'reset' | 'timeout' | 'connect_timeout' | 'tls' | 'aborted' | 'other'
  // set by the delivery activity when no request could be built: secrets unopenable, render error, rows gone
  | 'secret' | 'render' | 'missing';

export interface AttemptResult {
  statusCode: number | null;
  responseHeaders: Record<string, string> | null;
  /** First maxResponseBytes of the body as UTF-8 (lossy). */
  responseBody: string | null;
  responseTruncated: boolean;
  durationMs: number;
  error: { kind: ErrorKind; message: string } | null;
}

export interface PostRequest {
  url: string;
  headers: Record<string, string>;
  body: Buffer;
  timeoutMs: number;
  connectTimeoutMs: number;
  allow: Cidr[];
  /** Default 64 KiB. */
  maxResponseBytes?: number;
  /** Aborts the request (an operator closed the delivery): the result's error kind is `aborted`. */
  signal?: AbortSignal;
}

const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;
const CONNECTIONS_PER_ORIGIN = 32;

class SsrfRefusal extends Error {
  override readonly name = 'SsrfRefusal';
  readonly code = 'ERR_HRHOOKS_SSRF';
}

class AttemptTimeout extends Error {
  override readonly name = 'AttemptTimeout';
  readonly code = 'ERR_HRHOOKS_ATTEMPT_TIMEOUT';
}

/** DNS resolution that only ever hands net.connect addresses the guard accepts. */
function guardedLookup(allow: Cidr[]): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { family: options.family, hints: options.hints, all: true }, (err, addresses) => {
      if (err) return callback(err, '');
      const verdicts = addresses.map((a) => ({ ...a, ...isForbiddenAddress(a.address, allow) }));
      const permitted = verdicts.filter((v) => !v.forbidden).map(({ address, family }) => ({ address, family }));
      if (permitted.length === 0) {
        const why = verdicts.map((v) => v.reason).join('; ') || 'no addresses';
        return callback(new SsrfRefusal(`refused to connect to ${hostname}: ${why}`), '');
      }
      if (options.all) return callback(null, permitted);
      callback(null, permitted[0]!.address, permitted[0]!.family);
    });
  };
}

/**
 * undici connector: names are resolved through the guard before any packet is sent, and every
 * connected socket's peer address is checked again (covers IP literals and anything lookup missed).
 */
export function guardedConnector(allow: Cidr[], connectTimeoutMs: number): buildConnector.connector {
  const dial = buildConnector({ timeout: connectTimeoutMs, lookup: guardedLookup(allow) });
  return (options, callback) => {
    dial(options, (err, socket) => {
      if (err) return callback(err, null);
      const peer = (socket as Socket).remoteAddress;
      const decision = peer === undefined
        ? { forbidden: true, reason: 'peer address unknown' }
        : isForbiddenAddress(peer, allow);
      if (decision.forbidden) {
        socket.destroy();
        return callback(new SsrfRefusal(`connected peer refused: ${decision.reason ?? peer}`), null);
      }
      callback(null, socket);
    });
  };
}

const agents = new Map<string, Agent>();

function agentFor(allow: Cidr[], connectTimeoutMs: number): Agent {
  const key = `${allow.map((c) => c.text).join(',')}|${connectTimeoutMs}`;
  let agent = agents.get(key);
  if (agent === undefined) {
    agent = new Agent({
      connect: guardedConnector(allow, connectTimeoutMs),
      connections: CONNECTIONS_PER_ORIGIN,
      pipelining: 1,
      keepAliveTimeout: 4_000,
      keepAliveMaxTimeout: 60_000,
    });
    agents.set(key, agent);
  }
  return agent;
}

export async function closeDispatcher(): Promise<void> {
  const open = [...agents.values()];
  agents.clear();
  await Promise.all(open.map((agent) => agent.close()));
}

export async function postOnce(req: PostRequest): Promise<AttemptResult> {
  const started = performance.now();
  const result: AttemptResult = {
    statusCode: null,
    responseHeaders: null,
    responseBody: null,
    responseTruncated: false,
    durationMs: 0,
    error: null,
  };
  const finish = (): AttemptResult => ({ ...result, durationMs: Math.round(performance.now() - started) });

  const checked = checkUrl(req.url, req.allow);
  if (!checked.ok) {
    result.error = { kind: checked.kind, message: checked.reason };
    return finish();
  }
  const url = checked.url;
  const abort = attemptAbort(req);
  const kept = new CappedBody(req.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
  try {
    const res = await agentFor(req.allow, req.connectTimeoutMs).request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      headers: req.headers,
      body: req.body,
      signal: abort.signal,
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs,
    });
    result.statusCode = res.statusCode;
    result.responseHeaders = flattenHeaders(res.headers);
    await kept.read(res.body as AsyncIterable<Buffer>);
  } catch (err) {
    result.error = failureOf(err, req, abort.signal);
  } finally {
    abort.release();
  }
  if (result.statusCode !== null) {
    result.responseBody = kept.text();
    result.responseTruncated = kept.truncated;
  }
  return finish();
}

/** The attempt's own deadline and the caller's cancel (an operator's close), as one signal; release() ends both. */
function attemptAbort(req: PostRequest): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new AttemptTimeout(`no complete response within ${req.timeoutMs} ms`)),
    req.timeoutMs,
  );
  const abortedByCaller = () => controller.abort(new Error('cancelled by operator'));
  if (req.signal?.aborted) abortedByCaller();
  req.signal?.addEventListener('abort', abortedByCaller, { once: true });
  return {
    signal: controller.signal,
    release() {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', abortedByCaller);
    },
  };
}

/** The response body up to `max` bytes (the rest is not read); what was read stays when the read fails midway. */
class CappedBody {
  private readonly chunks: Buffer[] = [];
  private bytes = 0;
  truncated = false;

  constructor(private readonly max: number) {}

  async read(body: AsyncIterable<Buffer>): Promise<void> {
    for await (const chunk of body) {
      const room = this.max - this.bytes;
      if (chunk.length > room) {
        this.chunks.push(chunk.subarray(0, room));
        this.bytes = this.max;
        this.truncated = true;
        return;
      }
      this.chunks.push(chunk);
      this.bytes += chunk.length;
    }
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

function failureOf(err: unknown, req: PostRequest, signal: AbortSignal): NonNullable<AttemptResult['error']> {
  if (req.signal?.aborted) return { kind: 'aborted', message: 'cancelled by operator' };
  if (signal.aborted) return { kind: 'timeout', message: `no complete response within ${req.timeoutMs} ms` };
  return { kind: errorKind(err), message: errorMessage(err) };
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

const KIND_BY_CODE: Record<string, ErrorKind> = {
  ERR_HRHOOKS_SSRF: 'ssrf',
  ERR_HRHOOKS_ATTEMPT_TIMEOUT: 'timeout',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EAI_FAIL: 'dns',
  EAI_NODATA: 'dns',
  ENODATA: 'dns',
  ECONNREFUSED: 'refused',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  UND_ERR_SOCKET: 'reset',
  UND_ERR_CLOSED: 'reset',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'connect_timeout',
  ETIMEDOUT: 'connect_timeout',
  EPROTO: 'tls',
};

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH)/;

/** Walks the cause chain (undici wraps socket errors); the deepest recognised code wins. */
function errorKind(err: unknown): ErrorKind {
  let found: ErrorKind = 'other';
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== 'string') continue;
    found = KIND_BY_CODE[code] ?? (TLS_CODE.test(code) ? 'tls' : found);
  }
  return found;
}

function errorMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error && err.cause.message !== err.message ? ` (${err.cause.message})` : '';
  return `${err.message}${cause}`;
}
