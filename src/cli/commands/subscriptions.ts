// `hrhooks subscriptions list|create`: manages subscriptions in Postgres directly. A created
// subscription's secret is printed once, here, and never again.
import { listSubscriptions } from '../../db/subscriptions';
import { parseAllowlist } from '../../http/ssrfGuard';
import { checkSubscriptionCreate, createSubscriptionChecked } from '../../subscriptions/manage';
import { createLogger } from '../../log';
import { resumeNow } from '../../subscriptions/resume';
import { CliError, printJson, UsageError, type CliContext } from '../context';
import { table } from '../table';

export async function listCommand(values: { json?: boolean }, ctx: CliContext): Promise<number> {
  const items = await listSubscriptions(ctx.pool(), await ctx.box());
  if (values.json) {
    printJson(ctx.io, { items });
    return 0;
  }
  if (items.length === 0) ctx.io.stdout('no subscriptions\n');
  else {
    const rows = items.map((s) => [
      s.id, s.enabled ? 'enabled' : 'disabled', s.format ?? '?', s.name, s.url,
      s.events === '*' ? '*' : s.events?.join(',') ?? '?', s.error ?? '',
    ]);
    ctx.io.stdout(table(['ID', 'STATE', 'FORMAT', 'NAME', 'URL', 'EVENTS', 'ERROR'], rows));
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
  retry?: string; header?: string[]; disabled?: boolean; json?: boolean;
  ordering?: string; collapse?: boolean; maxPerSecond?: string; maxInFlight?: string; pauseAfterFailures?: string;
}

/** A number option as given (the schema names it when it is not a whole number in range); absent stays absent. */
const numberOption = (value: string | undefined): number | undefined => (value === undefined ? undefined : Number(value));

/** The option a schema field is set by. */
const OPTION_OF: Record<string, string> = {
  retrySchedule: 'retry', maxPerSecond: 'max-per-second', maxInFlight: 'max-in-flight', pauseAfterFailures: 'pause-after-failures',
};

export async function createCommand(values: CreateOptions, ctx: CliContext): Promise<number> {
  const events = values.events === '*' ? '*' : values.events?.split(',').map((e) => e.trim()).filter(Boolean);
  const allow = parseAllowlist(ctx.config.HRHOOKS_EGRESS_ALLOW);
  // Checked before the database is opened, so bad options are a usage error even with no database reachable.
  const checked = checkSubscriptionCreate(allow, {
    name: values.name, url: values.url, format: values.format, events, mode: values.mode,
    authorization: values.authorization, secret: values.secret,
    retrySchedule: values.retry?.split(',').map((s) => s.trim()), headers: headersOf(values.header),
    enabled: !values.disabled,
    ordering: values.ordering, collapse: values.collapse || undefined,
    maxPerSecond: numberOption(values.maxPerSecond), maxInFlight: numberOption(values.maxInFlight),
    pauseAfterFailures: numberOption(values.pauseAfterFailures),
  });
  const outcome = checked.ok ? await createSubscriptionChecked({ pool: ctx.pool(), box: await ctx.box(), allow }, checked.input) : checked;
  if (!outcome.ok) {
    throw new UsageError(outcome.errors.map((p) => `--${OPTION_OF[p.field] ?? p.field}: ${p.message}`).join('; '));
  }
  const { created } = outcome;
  if (values.json) {
    printJson(ctx.io, { ...created.subscription, secret: created.secret ?? undefined, authorization: created.authorization ?? undefined });
    return 0;
  }
  ctx.io.stdout(`created ${created.subscription.id} (${created.subscription.format}) → ${created.subscription.url}\n`);
  if (created.secret) ctx.io.stdout(`secret: ${created.secret}\n(shown once: store it now)\n`);
  return 0;
}

/** Resumes a subscription the circuit breaker paused: its waiting deliveries go out in order, at its rate limit. */
export async function resumeCommand(id: string, values: { json?: boolean }, ctx: CliContext): Promise<number> {
  const outcome = await resumeNow({ pool: ctx.pool(), temporal: await ctx.temporal(), log: createLogger('silent') }, id, ctx.defaultActor());
  if (!outcome.ok) throw new CliError(`no subscription ${id}`);
  if (values.json) {
    printJson(ctx.io, { id, resumed: outcome.wasPaused });
    return 0;
  }
  ctx.io.stdout(outcome.wasPaused ? `resumed ${id}: its waiting deliveries are going out in order\n` : `${id} was not paused; nothing to do\n`);
  return 0;
}

