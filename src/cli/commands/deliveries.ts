// `hrhooks deliveries list|show`: reads the deliveries mirror in Postgres, plus live state from Temporal.
import { parseArgs } from 'node:util';
import { getDelivery, listDeliveries, type DeliverySummary } from '../../db/deliveries';
import { getEventBody } from '../../db/events';
import { queryState } from '../../temporal/deliveryClient';
import { deliveriesQuerySchema } from '../../gateway/schemas';
import { CliError, printJson, UsageError, type CliContext } from '../context';

export const DELIVERIES_USAGE =
  'usage: hrhooks deliveries list [--status S] [--subscription S] [--event-type T] [--since ISO] [--q TEXT] [--limit N] [--json]\n' +
  '       hrhooks deliveries show <delivery-id> [--json]\n';

function row(d: DeliverySummary): string {
  const subject = d.subject.name ?? d.subject.id ?? '';
  return [d.id.padEnd(44), d.status.padEnd(10), String(d.attempts).padStart(3), ` ${d.eventType.padEnd(22)}`, subject, d.updatedAt].join('  ');
}

async function list(argv: string[], ctx: CliContext): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      status: { type: 'string' }, subscription: { type: 'string' }, 'event-type': { type: 'string' },
      since: { type: 'string' }, q: { type: 'string' }, limit: { type: 'string' }, cursor: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const parsed = deliveriesQuerySchema.safeParse({
    status: values.status, subscriptionId: values.subscription, eventType: values['event-type'],
    since: values.since, q: values.q, limit: values.limit, cursor: values.cursor,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`--${String(issue.path[0] ?? 'option')}: ${issue.message}`, DELIVERIES_USAGE);
  }
  const page = await listDeliveries(ctx.pool(), parsed.data);
  if (values.json) {
    printJson(ctx.io, page);
    return 0;
  }
  if (page.items.length === 0) ctx.io.stdout('no deliveries\n');
  for (const d of page.items) ctx.io.stdout(`${row(d)}\n`);
  if (page.nextCursor) ctx.io.stdout(`more: --cursor ${page.nextCursor}\n`);
  return 0;
}

async function show(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
  if (positionals.length !== 1) throw new UsageError('expected one delivery id', DELIVERIES_USAGE);
  const found = await getDelivery(ctx.pool(), positionals[0]!);
  if (!found) throw new CliError(`no delivery ${positionals[0]}`);
  const d = found.delivery;
  const live = await ctx.temporal().then((c) => queryState(c, d.id)).catch(() => null);
  const temporalUrl = `${ctx.config.temporalUiUrl}/namespaces/${encodeURIComponent(ctx.config.TEMPORAL_NAMESPACE)}/workflows/${encodeURIComponent(d.id)}`;
  if (values.json) {
    printJson(ctx.io, { ...d, event: await getEventBody(ctx.pool(), d.eventId), attempts: found.attempts, live, temporalUrl });
    return 0;
  }
  const out = ctx.io.stdout;
  out(`${d.id}\n  status       ${live?.state?.status ?? d.status}${live ? ` (workflow ${live.workflowStatus})` : ''}\n`);
  out(`  event        ${d.eventId} (${d.eventType})\n  subscription ${d.subscriptionId}${d.subscriptionName ? ` (${d.subscriptionName})` : ''}\n`);
  if (d.subject.name || d.subject.id) out(`  subject      ${d.subject.name ?? ''} ${d.subject.id ? `#${d.subject.id}` : ''}\n`);
  if (d.nextAttemptAt) out(`  next attempt ${d.nextAttemptAt}\n`);
  if (d.lastError) out(`  last error   ${d.lastError}\n`);
  out(`  temporal     ${temporalUrl}\n`);
  for (const a of found.attempts) {
    const result = a.response.status !== null ? `HTTP ${a.response.status}` : a.error ? `${a.error.kind}: ${a.error.message ?? ''}` : a.outcome;
    out(`  attempt ${a.number}  ${a.startedAt}  ${result}  ${a.durationMs} ms  (${a.outcome})\n`);
  }
  for (const action of d.actions) out(`  ${action.kind} by ${action.by} at ${action.at}${action.note ? `: ${action.note}` : ''}\n`);
  return 0;
}

export async function runDeliveries(argv: string[], ctx: CliContext): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'list') return list(rest, ctx);
  if (sub === 'show') return show(rest, ctx);
  throw new UsageError(sub ? `unknown deliveries command "${sub}"` : 'expected list or show', DELIVERIES_USAGE);
}
