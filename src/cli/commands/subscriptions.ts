// `hrhooks subscriptions list|create`: manages subscriptions in Postgres directly. A created
// subscription's secret is printed once, here, and never again.
import { parseArgs } from 'node:util';
import { createSubscription, listSubscriptions } from '../../db/subscriptions';
import { checkUrl, parseAllowlist } from '../../http/ssrfGuard';
import { inputErrors, subscriptionCreateSchema, subscriptionRules } from '../../gateway/schemas';
import { printJson, UsageError, type CliContext } from '../context';

export const SUBSCRIPTIONS_USAGE =
  'usage: hrhooks subscriptions list [--json]\n' +
  '       hrhooks subscriptions create --name N --url U --format lucca|aspnet|standard --events a,b|\'*\'\n' +
  '         [--mode all|approved] [--authorization A] [--secret S] [--retry 1m,10m] [--header K=V]... [--disabled] [--json]\n';

async function list(argv: string[], ctx: CliContext): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean', default: false } } });
  const items = await listSubscriptions(ctx.pool(), await ctx.box());
  if (values.json) {
    printJson(ctx.io, { items });
    return 0;
  }
  if (items.length === 0) ctx.io.stdout('no subscriptions\n');
  for (const s of items) {
    const events = s.events === '*' ? '*' : s.events?.join(',') ?? '?';
    ctx.io.stdout(`${s.id}  ${s.enabled ? 'enabled ' : 'disabled'}  ${(s.format ?? '?').padEnd(8)}  ${s.name}  ${s.url}  [${events}]\n`);
    if (s.error) ctx.io.stdout(`  ! ${s.error}\n`);
  }
  return 0;
}

function headersOf(pairs: string[] | undefined): Record<string, string> | undefined {
  if (!pairs) return undefined;
  return Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf('=');
      if (at <= 0) throw new UsageError(`--header expects NAME=VALUE, got "${pair}"`, SUBSCRIPTIONS_USAGE);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}

async function create(argv: string[], ctx: CliContext): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      name: { type: 'string' }, url: { type: 'string' }, format: { type: 'string' }, events: { type: 'string' },
      mode: { type: 'string' }, authorization: { type: 'string' }, secret: { type: 'string' }, retry: { type: 'string' },
      header: { type: 'string', multiple: true }, disabled: { type: 'boolean', default: false }, json: { type: 'boolean', default: false },
    },
  });
  const events = values.events === '*' ? '*' : values.events?.split(',').map((e) => e.trim()).filter(Boolean);
  const parsed = subscriptionCreateSchema.safeParse({
    name: values.name, url: values.url, format: values.format, events, mode: values.mode,
    authorization: values.authorization, secret: values.secret,
    retrySchedule: values.retry?.split(',').map((s) => s.trim()), headers: headersOf(values.header),
    enabled: !values.disabled,
  });
  const problems = parsed.success ? subscriptionRules(parsed.data.format, parsed.data) : inputErrors(parsed.error);
  if (parsed.success) {
    const verdict = checkUrl(parsed.data.url, parseAllowlist(ctx.config.HRHOOKS_EGRESS_ALLOW));
    if (!verdict.ok) problems.push({ field: 'url', message: verdict.reason });
  }
  if (!parsed.success || problems.length > 0) {
    throw new UsageError(problems.map((p) => `--${p.field === 'retrySchedule' ? 'retry' : p.field}: ${p.message}`).join('; '), SUBSCRIPTIONS_USAGE);
  }
  const created = await createSubscription(ctx.pool(), await ctx.box(), parsed.data);
  if (values.json) {
    printJson(ctx.io, { ...created.subscription, secret: created.secret ?? undefined, authorization: created.authorization ?? undefined });
    return 0;
  }
  ctx.io.stdout(`created ${created.subscription.id} (${created.subscription.format}) → ${created.subscription.url}\n`);
  if (created.secret) ctx.io.stdout(`secret: ${created.secret}\n(shown once: store it now)\n`);
  return 0;
}

export async function runSubscriptions(argv: string[], ctx: CliContext): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'list') return list(rest, ctx);
  if (sub === 'create') return create(rest, ctx);
  throw new UsageError(sub ? `unknown subscriptions command "${sub}"` : 'expected list or create', SUBSCRIPTIONS_USAGE);
}
