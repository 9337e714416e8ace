// Every setting hrhooks understands, read from the environment once, parsed and defaulted by a zod
// schema; the rest of the code gets them from here. The only other readers of process.env locate
// external binaries (src/local/binaries.ts, src/local/localCluster.ts: PATH and their *_PATH/_DIR hints).
import path from 'node:path';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { parseDuration } from '../domain/delivery/ladder';
import { retentionDays } from '../domain/retention/policy';
import { AllowlistEntryError, parseAllowlist, type Cidr } from './http/ssrfGuard';

const durationMs = z.string().transform((value, ctx) => {
  try {
    return parseDuration(value);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `${(err as Error).message} (e.g. 250ms, 15s, 5m, 1h)` });
    return z.NEVER;
  }
});

const retentionPeriod = z.string().refine((v) => retentionDays(v) !== null, 'whole days, e.g. 90d (1d to 3650d)');

const PROXY_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** Express's `trust proxy`: true/false, a hop count, or a comma-separated list of addresses, CIDRs and range names. */
const trustProxy = z.string().transform((value, ctx): boolean | number | string[] => {
  const text = value.trim().toLowerCase();
  if (text === '' || text === 'false') return false;
  if (text === 'true') return true;
  if (/^\d+$/.test(text)) return Number(text);
  const entries = text.split(',').map((e) => e.trim()).filter((e) => e !== '');
  const bad = entries.find((e) => !PROXY_RANGES.has(e) && !ipaddr.isValid(e) && !isCidr(e));
  if (bad === undefined) return entries;
  ctx.addIssue({ code: 'custom', message: `"${bad}" is not an address, a CIDR or loopback/linklocal/uniquelocal (e.g. 1, true, 10.0.0.5, 10.0.0.0/8, loopback)` });
  return z.NEVER;
});

function isCidr(text: string): boolean {
  try {
    ipaddr.parseCIDR(text);
    return true;
  } catch {
    return false;
  }
}

const port = z.coerce.number().int().min(0).max(65535);

const envSchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z.string().optional(),
  TEMPORAL_ADDRESS: z.string().optional(),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_UI_URL: z.string().optional(),
  TEMPORAL_TASK_QUEUE: z.string().default('hrhooks'),
  TEMPORAL_CLI_PATH: z.string().optional(),
  TEMPORAL_TEST_SERVER_PATH: z.string().optional(),
  /** What `hrhooks start` runs when TEMPORAL_ADDRESS is unset: the dev server (SQLite) or the real server on its Postgres. */
  HRHOOKS_TEMPORAL: z.enum(['dev', 'server']).default('dev'),
  HRHOOKS_DATA_DIR: z.string().default('./data'),
  HRHOOKS_PG_PORT: port.default(55432),
  HRHOOKS_ADMIN_KEY: z.string().min(16).optional(),
  HRHOOKS_PRODUCER_KEY: z.string().min(16).optional(),
  HRHOOKS_SECRET_KEY: z.string().optional(),
  HRHOOKS_SECRET_KEY_PREVIOUS: z.string().optional(),
  /** The Temporal payload codec's key (AES-256-GCM; unset: <data dir>/payload.key, generated at first start); _PREVIOUS still decodes. */
  HRHOOKS_PAYLOAD_KEY: z.string().min(32, 'at least 32 characters (e.g. `openssl rand -base64 32`)').optional(),
  HRHOOKS_PAYLOAD_KEY_PREVIOUS: z.string().min(32, 'at least 32 characters').optional(),
  /** `off`: payloads go to Temporal in clear, for the bench's with/without comparison only. */
  HRHOOKS_PAYLOAD_CODEC: z.enum(['on', 'off']).default('on'),
  /** Origins (comma-separated) of the Temporal Web UIs allowed to call /codec/* from a browser (CORS); unset: TEMPORAL_UI_URL's. */
  HRHOOKS_CODEC_ORIGINS: z.string().optional(),
  /** A secret path segment for a Web UI that cannot send a platform key (`hrhooks start` sets one for its dev server UI). */
  HRHOOKS_CODEC_UI_TOKEN: z.string().min(32).optional(),
  HRHOOKS_EGRESS_ALLOW: z.string().default(''),
  HRHOOKS_ATTEMPT_TIMEOUT: durationMs.default(15_000),
  HRHOOKS_CONNECT_TIMEOUT: durationMs.default(5_000),
  HRHOOKS_ROTATION_GRACE: durationMs.default(24 * 3_600_000),
  HRHOOKS_MAX_BODY: z.coerce.number().int().positive().default(1024 * 1024),
  HRHOOKS_RATE_LIMIT: z.coerce.number().int().positive().default(6000),
  /** Which proxies' X-Forwarded-* headers the gateway believes (client address, https); unset: none. */
  HRHOOKS_TRUST_PROXY: trustProxy.default(false),
  /** Failed authentications (unknown or revoked API key) an address may make per window before 429. */
  HRHOOKS_AUTH_FAILURE_LIMIT: z.coerce.number().int().positive().default(10),
  HRHOOKS_AUTH_FAILURE_WINDOW: durationMs.default(60_000),
  HRHOOKS_WORKER_CONCURRENCY: z.coerce.number().int().positive().default(200),
  HRHOOKS_DB_POOL: z.coerce.number().int().positive().default(10),
  HRHOOKS_WORKFLOW_CACHE: z.coerce.number().int().min(2).default(500),
  HRHOOKS_START_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(32),
  HRHOOKS_WORKFLOW_POLLERS: z.union([z.literal('auto'), z.coerce.number().int().min(2).max(100)]).default('auto'),
  /** Fairness between tenants on the task queue: the tenant as each event workflow's fairness key, and the dynamic
   * config that turns Temporal's fairness on in the dev server and the real server hrhooks starts. `off`: one FIFO queue. */
  HRHOOKS_FAIRNESS: z.enum(['on', 'off']).default('on'),
  HRHOOKS_EMBEDDED_WORKER: z.enum(['true', 'false', '1', '0']).default('false').transform((v) => v === 'true' || v === '1'),
  /** The gateway's address as browsers reach it (e.g. https://hooks.example.com), the base of portal links; unset: the request's own. */
  HRHOOKS_PUBLIC_URL: z.url().optional(),
  /** Told when the circuit breaker pauses, resumes or disables a subscription (a JSON POST); unset: nobody. */
  HRHOOKS_ADMIN_WEBHOOK_URL: z.url().optional(),
  /** How long a subscription may stay paused by the circuit breaker before it is disabled. */
  HRHOOKS_PAUSE_DISABLE_AFTER: durationMs.default(5 * 24 * 3_600_000),
  /** Waits between the circuit breaker's probes of a paused subscription, the last repeated. */
  HRHOOKS_PROBE_SCHEDULE: z.string().default('5m,10m,20m,40m,1h').transform((value, ctx) => {
    try {
      const steps = value.split(',').map((step) => parseDuration(step));
      if (steps.some((ms) => ms < 1000)) throw new Error('each wait must be at least 1s');
      return steps;
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `${(err as Error).message} (e.g. 5m,10m,20m,40m,1h)` });
      return z.NEVER;
    }
  }),
  /** Retention for tenants that set none (issue 23): closed deliveries and their events, and closed deliveries' attempt bodies. */
  HRHOOKS_RETENTION_EVENTS: retentionPeriod.default('90d'),
  HRHOOKS_RETENTION_BODIES: retentionPeriod.default('30d'),
  /** How often the Temporal Schedule `hrhooks-retention` runs (creates partitions ahead, drops expired ones, strips bodies). */
  HRHOOKS_RETENTION_EVERY: durationMs.default(3_600_000),
  /** `managed`: hrhooks owns the Temporal namespace (hrhooks start sets it), whose closed-workflow retention it keeps at the longest events period. */
  HRHOOKS_TEMPORAL_RETENTION: z.enum(['managed', 'external']).default('external'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.infer<typeof envSchema>;

export interface Config extends Env {
  dataDir: string;
  temporalUiUrl: string;
  /** HRHOOKS_EGRESS_ALLOW parsed: the ranges exempt from the SSRF guard (the API, the UI and the worker use this). */
  egressAllow: Cidr[];
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration: ${lines.join('; ')}`);
  }
  const values = parsed.data;
  return {
    ...values,
    dataDir: path.resolve(values.HRHOOKS_DATA_DIR),
    temporalUiUrl: values.TEMPORAL_UI_URL ?? `http://localhost:${values.TEMPORAL_UI_PORT}`,
    egressAllow: egressAllowOf(values.HRHOOKS_EGRESS_ALLOW),
  };
}

function egressAllowOf(csv: string): Cidr[] {
  try {
    return parseAllowlist(csv);
  } catch (err) {
    if (err instanceof AllowlistEntryError) throw new ConfigError(`invalid configuration: HRHOOKS_EGRESS_ALLOW: ${err.message}`);
    throw err;
  }
}

/**
 * The Temporal Web UI that delivery links point to, or null: the all-in-one's Temporal server mode
 * (HRHOOKS_TEMPORAL=server) runs no Web UI, so without TEMPORAL_UI_URL a link would lead nowhere.
 */
export function temporalWebUiUrl(config: Pick<Config, 'HRHOOKS_TEMPORAL' | 'TEMPORAL_UI_URL' | 'temporalUiUrl'>): string | null {
  return config.HRHOOKS_TEMPORAL === 'server' && !config.TEMPORAL_UI_URL ? null : config.temporalUiUrl;
}

/** Read-only view of the raw environment for child processes we spawn. */
export function inheritedEnv(): NodeJS.ProcessEnv {
  return { ...process.env };
}
