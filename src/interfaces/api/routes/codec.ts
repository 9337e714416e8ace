// The codec server: POST /codec/decode and /codec/encode with the contract of the Temporal Web UI and
// `temporal --codec-endpoint` ({ payloads: [{ metadata: { k: base64 }, data: base64 }] }, X-Namespace), through the
// gateway's own Temporal client's codecs. Operators only: a platform key as Bearer, or the secret path segment of a
// Web UI that cannot send one (HRHOOKS_CODEC_UI_TOKEN: /codec/web-ui/<token>/decode); CORS for the configured Web UI
// origins, preflight included. Mounted ahead of the request log, which would log the token: it logs its own line.
import crypto from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import express, { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { FieldError } from '../../../domain/events/schema';
import type { Config } from '../../../infra/config';
import { authenticate, requireScope } from '../auth';
import type { RouteDeps } from '../deps';
import { NotFoundError, UnauthorizedError, ValidationError } from '../errors';

const ALLOWED_HEADERS = 'Authorization, Content-Type, X-Namespace';
const UI_TOKEN_PREFIX = '/codec/web-ui/';

/** The origins allowed to call the codec server from a browser: HRHOOKS_CODEC_ORIGINS, else TEMPORAL_UI_URL's. */
export function codecOrigins(config: Pick<Config, 'HRHOOKS_CODEC_ORIGINS' | 'temporalUiUrl'>): Set<string> {
  const listed = config.HRHOOKS_CODEC_ORIGINS?.split(',').map((o) => o.trim()).filter(Boolean) ?? [config.temporalUiUrl];
  return new Set(listed.flatMap((o) => {
    try {
      return [new URL(o).origin];
    } catch {
      return [];
    }
  }));
}

function cors(origins: Set<string>): RequestHandler {
  return (req, res, next) => {
    const origin = req.get('origin');
    res.vary('Origin');
    if (origin && origins.has(origin)) {
      res.set({
        'access-control-allow-origin': origin,
        'access-control-allow-credentials': 'true',
        // helmet's same-origin default is for pages; these answers are read cross-origin by the Web UI
        'cross-origin-resource-policy': 'cross-origin',
      });
    }
    if (req.method !== 'OPTIONS') return next();
    if (!origin || !origins.has(origin)) return res.status(403).end();
    res.set({ 'access-control-allow-methods': 'POST, OPTIONS', 'access-control-allow-headers': ALLOWED_HEADERS, 'access-control-max-age': '600' }).status(204).end();
  };
}

/** Logs the request as the app's request log would, with the Web UI token replaced. */
function ownRequestLog(deps: RouteDeps): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const path = req.originalUrl.split('?')[0]!.replace(/^\/codec\/web-ui\/[^/]+/, '/codec/web-ui/[token]');
      const key = res.locals.apiKey as { name?: string } | undefined;
      deps.log.info({ method: req.method, path, status: res.statusCode, ms: Math.round(Number(process.hrtime.bigint() - started) / 1e6), key: key?.name }, 'request');
    });
    next();
  };
}

function tokenMatches(expected: string | undefined, presented: string): boolean {
  if (!expected) return false;
  const a = crypto.createHash('sha256').update(expected).digest();
  const b = crypto.createHash('sha256').update(presented).digest();
  return crypto.timingSafeEqual(a, b);
}

function webUiToken(config: Pick<Config, 'HRHOOKS_CODEC_UI_TOKEN'>): RequestHandler {
  return (req, _res, next) => {
    if (!tokenMatches(config.HRHOOKS_CODEC_UI_TOKEN, String(req.params.token ?? ''))) return next(new UnauthorizedError('unknown codec endpoint token'));
    next();
  };
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

function bytesOf(value: unknown, field: string, errors: FieldError[]): Uint8Array | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !BASE64.test(value)) {
    errors.push({ field, message: 'must be base64 text' });
    return undefined;
  }
  return Buffer.from(value, 'base64');
}

/** The request's payloads (the JSON form of temporal.api.common.v1.Payload), or a 400 naming each bad field. */
function payloadsOf(body: unknown): Payload[] {
  const list = (body as { payloads?: unknown } | null)?.payloads;
  if (!Array.isArray(list)) throw new ValidationError([{ field: 'payloads', message: 'must be an array of payloads' }]);
  const errors: FieldError[] = [];
  const payloads = list.map((item: unknown, i): Payload => {
    if (!item || typeof item !== 'object' || Array.isArray(item)) {
      errors.push({ field: `payloads[${i}]`, message: 'must be an object { metadata, data }' });
      return {};
    }
    const { metadata, data } = item as { metadata?: unknown; data?: unknown };
    const meta: Record<string, Uint8Array> = {};
    if (metadata !== undefined && metadata !== null) {
      if (typeof metadata !== 'object' || Array.isArray(metadata)) errors.push({ field: `payloads[${i}].metadata`, message: 'must be an object of base64 values' });
      else for (const [k, v] of Object.entries(metadata)) {
        const bytes = bytesOf(v, `payloads[${i}].metadata.${k}`, errors);
        if (bytes) meta[k] = bytes;
      }
    }
    return { metadata: meta, data: bytesOf(data, `payloads[${i}].data`, errors) ?? new Uint8Array() };
  });
  if (errors.length) throw new ValidationError(errors);
  return payloads;
}

function jsonOf(payload: Payload) {
  const b64 = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('base64');
  return { metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, b64(v)])), data: b64(payload.data) };
}

/** Decodes each payload on its own: one this installation cannot open (another namespace's, a lost key) is returned as it came. */
async function decodeEach(codecs: PayloadCodec[], payloads: Payload[]): Promise<Payload[]> {
  return Promise.all(payloads.map(async (payload) => {
    try {
      let current = [payload];
      for (const codec of [...codecs].reverse()) current = await codec.decode(current);
      return current[0]!;
    } catch {
      return payload;
    }
  }));
}

async function encodeAll(codecs: PayloadCodec[], payloads: Payload[]): Promise<Payload[]> {
  let current = payloads;
  for (const codec of codecs) current = await codec.encode(current);
  return current;
}

export function codecRouter(deps: RouteDeps): Router {
  const router = Router();
  const codecs = deps.temporal.options.loadedDataConverter.payloadCodecs;
  const json = express.json({ limit: Math.max(4 * deps.config.HRHOOKS_MAX_BODY, 4 * 1024 * 1024), type: ['application/json', 'application/*+json'] });
  const handle = (op: 'encode' | 'decode') => async (req: Request, res: Response, next: NextFunction) => {
    try {
      const payloads = payloadsOf(req.body);
      const out = op === 'decode' ? await decodeEach(codecs, payloads) : await encodeAll(codecs, payloads);
      res.set('cache-control', 'no-store').json({ payloads: out.map(jsonOf) });
    } catch (err) {
      next(err);
    }
  };
  const platformOnly = [authenticate(deps), requireScope('platform')];
  router.use('/codec', ownRequestLog(deps), cors(codecOrigins(deps.config)));
  for (const op of ['encode', 'decode'] as const) {
    router.post(`/codec/${op}`, ...platformOnly, json, handle(op));
    router.post(`${UI_TOKEN_PREFIX}:token/${op}`, webUiToken(deps.config), json, handle(op));
  }
  // anything else under /codec ends here: the app's request log must never see a token in a path
  router.use('/codec', (_req, _res, next) => next(new NotFoundError('the codec server answers POST /codec/encode and /codec/decode')));
  return router;
}
