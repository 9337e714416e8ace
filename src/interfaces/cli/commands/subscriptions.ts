// `hrhooks subscriptions list|create|resume`: list reads Postgres (state, the circuit breaker's pause, header
// names only); create goes through the running gateway's API, whose rules decide. A created subscription's
// secret is printed once, here, and never again.
import type { PublicSubscription } from '../../../domain/subscriptions/publicSubscription';
import { createLogger } from '../../../infra/observability/log';
import { resumeNow } from '../../../app/subscriptions/resume';
import { listSubscriptions } from '../../../app/subscriptions/views';
import { bootstrapKeysFile, knownBootstrapKeys } from '../bootstrapKeys';
import { CliError, printJson, UsageError, type CliContext } from '../context';
import { table } from '../table';
import { recordCli } from '../audit';

/** The STATE column: enabled, disabled, or paused by the circuit breaker with since when and what waits. */
function stateOf(s: PublicSubscription): string {
  if (!s.pause) return s.state;
  return `paused since ${s.pause.since.slice(0, 16).replace('T', ' ')}Z, ${s.pause.waiting} waiting`;
}

export async function listCommand(values: { json?: boolean }, ctx: CliContext): Promise<number> {
  const items = await listSubscriptions({ pool: ctx.pool(), box: await ctx.box() });
  if (values.json) {
    printJson(ctx.io, { items });
    return 0;
  }
  if (items.length === 0) ctx.io.stdout('no subscriptions\n');
  else {
    const rows = items.map((s) => [
      s.id, stateOf(s), s.format ?? '?', s.name, s.url,
      s.events === '*' ? '*' : s.events?.join(',') ?? '?', Object.keys(s.headers).join(','),
      [s.pause ? `paused: ${s.pause.reason}` : '', s.error ?? ''].filter(Boolean).join('; '),
    ]);
    ctx.io.stdout(table(['ID', 'STATE', 'FORMAT', 'NAME', 'URL', 'EVENTS', 'HEADERS', 'ERROR'], rows));
  }
  return 0;
}

function headersOf(pairs: string[] | undefined): Record<string, string> | undefined {
  if (!pairs) return undefined;
  return Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf('=');
      if (at <= 0) throw new UsageError(`--header expects NAME=VALUE, got "${pair}"`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}

export interface CreateOptions {
  name?: string; url?: string; format?: string; events?: string; mode?: string; authorization?: string; secret?: string;
  retry?: string; header?: string[]; disabled?: boolean; json?: boolean; key?: string;
  ordering?: string; collapse?: boolean; maxPerSecond?: string; maxInFlight?: string; pauseAfterFailures?: string;
}

/** A number option as given (the server names it when it is not a whole number in range); absent stays absent. */
const numberOption = (value: string | undefined): number | string | undefined =>
  value === undefined ? undefined : Number.isFinite(Number(value)) && value.trim() !== '' ? Number(value) : value;

/** The option a schema field is set by. */
const OPTION_OF: Record<string, string> = {
  retrySchedule: 'retry', headers: 'header', maxPerSecond: 'max-per-second', maxInFlight: 'max-in-flight', pauseAfterFailures: 'pause-after-failures',
};
const optionOf = (field: string) => {
  const [head, ...rest] = field.split('.');
  return `--${OPTION_OF[head!] ?? head}${head === 'headers' && rest.length ? ` ${rest.join('.')}` : ''}`;
};

/** The request body of a create, from the options: checked by the running instance, never here. */
function createBody(values: CreateOptions): Record<string, unknown> {
  const events = values.events === '*' ? '*' : values.events?.split(',').map((e) => e.trim()).filter(Boolean);
  return {
    name: values.name, url: values.url, format: values.format, events, mode: values.mode,
    authorization: values.authorization, secret: values.secret,
    retrySchedule: values.retry?.split(',').map((s) => s.trim()), headers: headersOf(values.header),
    enabled: !values.disabled,
    ordering: values.ordering, collapse: values.collapse || undefined,
    maxPerSecond: numberOption(values.maxPerSecond), maxInFlight: numberOption(values.maxInFlight),
    pauseAfterFailures: numberOption(values.pauseAfterFailures),
  };
}

/** POSTs to the running gateway; a connection failure is one line saying which gateway was tried. */
async function postToGateway(ctx: CliContext, key: string, body: Record<string, unknown>): Promise<{ status: number; json: any }> {
  const base = ctx.gatewayUrl.replace(/\/+$/, '');
  let res: Response;
  try {
    res = await fetch(`${base}${ctx.apiPath('/v1/subscriptions')}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    const why = ((err as Error).cause as Error)?.message ?? (err as Error).message;
    throw new CliError(`cannot reach the gateway at ${base} (${why}): subscriptions are created by the running instance, `
      + 'which checks them against its own rules (HRHOOKS_EGRESS_ALLOW); start it with `npm start`, or set PORT / HRHOOKS_DATA_DIR to find it');
  }
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = { detail: text.slice(0, 200) };
  }
  return { status: res.status, json };
}

/**
 * Creates through the running gateway's API (admin key): the instance that will deliver decides what is valid,
 * its egress allowlist included, not this process's environment (issue 20).
 */
export async function createCommand(values: CreateOptions, ctx: CliContext): Promise<number> {
  const body = createBody(values);
  const key = values.key ?? knownBootstrapKeys(ctx.config).admin;
  if (!key) throw new CliError(`no admin API key: pass --key, set HRHOOKS_ADMIN_KEY, or run where ${bootstrapKeysFile(ctx.config)} exists`);
  const { status, json } = await postToGateway(ctx, key, body);
  if (status === 400 && Array.isArray(json?.errors)) {
    throw new UsageError(json.errors.map((p: { field: string; message: string }) => `${optionOf(p.field)}: ${p.message}`).join('; '));
  }
  if (status !== 201) throw new CliError(`the gateway at ${ctx.gatewayUrl} answered ${status}: ${json?.detail ?? json?.title ?? 'no detail'}`);
  if (values.json) {
    printJson(ctx.io, json);
    return 0;
  }
  ctx.io.stdout(`created ${json.id} (${json.format}) → ${json.url}\n`);
  if (json.secret) ctx.io.stdout(`secret: ${json.secret}\n(shown once: store it now)\n`);
  if (json.authorization) ctx.io.stdout('authorization: set (not shown again)\n');
  return 0;
}

/** Resumes a subscription the circuit breaker paused: its waiting deliveries go out in order, at its rate limit. */
export async function resumeCommand(id: string, values: { json?: boolean }, ctx: CliContext): Promise<number> {
  const outcome = await resumeNow({ pool: ctx.pool(), temporal: await ctx.temporal(), log: createLogger('silent') }, id, ctx.defaultActor());
  await recordCli(ctx, { action: 'subscription.resumed', target: { type: 'subscription', id }, outcome: outcome.ok ? 'ok' : 'refused', detail: outcome.ok ? { wasPaused: outcome.wasPaused } : {} });
  if (!outcome.ok) throw new CliError(`no subscription ${id}`);
  if (values.json) {
    printJson(ctx.io, { id, resumed: outcome.wasPaused });
    return 0;
  }
  ctx.io.stdout(outcome.wasPaused ? `resumed ${id}: its waiting deliveries are going out in order\n` : `${id} was not paused; nothing to do\n`);
  return 0;
}

