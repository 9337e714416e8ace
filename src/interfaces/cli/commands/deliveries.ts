// `hrhooks deliveries list|show`: the deliveries list and one delivery's detail (src/app/deliveries/), in the
// terminal's words: a table, or the detail line by line; --json prints the read model as it is.
import { deliveriesList, type DeliverySummary } from '../../../app/deliveries/deliveriesList';
import { deliveryDetail } from '../../../app/deliveries/deliveryDetail';
import { deliveriesQuerySchema } from '../../../app/deliveries/querySchema';
import { parseWaitingFor } from '../../../domain/flow/waitingFor';
import { CliError, printJson, UsageError, type CliContext } from '../context';
import { table } from '../table';
import { terminalLine as line } from '../terminalText';

const COLUMNS = ['ID', 'EVENT', 'SUBSCRIPTION', 'STATUS', 'ATTEMPTS', 'NEXT ATTEMPT', 'LAST ERROR'];

function row(d: DeliverySummary): string[] {
  return [d.id, d.eventType, d.subscriptionName ?? d.subscriptionId, d.status, String(d.attempts), d.nextAttemptAt ?? '-', (d.lastError ?? '').split('\n')[0]!.slice(0, 60)];
}

export interface ListOptions {
  status?: string; subscription?: string; eventType?: string; since?: string; q?: string; limit?: string; cursor?: string; json?: boolean;
}

export async function listCommand(values: ListOptions, ctx: CliContext): Promise<number> {
  const parsed = deliveriesQuerySchema.safeParse({
    status: values.status, subscriptionId: values.subscription, eventType: values.eventType,
    since: values.since, q: values.q, limit: values.limit, cursor: values.cursor,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`--${String(issue.path[0] ?? 'option')}: ${issue.message}`);
  }
  const page = await deliveriesList({ pool: ctx.pool() }, parsed.data);
  if (values.json) {
    printJson(ctx.io, page);
    return 0;
  }
  if (page.items.length === 0) ctx.io.stdout('no deliveries\n');
  else ctx.io.stdout(table(COLUMNS, page.items.map(row)));
  if (page.nextCursor) ctx.io.stdout(`more: --cursor ${page.nextCursor}\n`);
  return 0;
}

export async function showCommand(id: string, values: { json?: boolean }, ctx: CliContext): Promise<number> {
  const found = await deliveryDetail({ pool: ctx.pool(), temporal: () => ctx.temporal(), namespace: ctx.config.TEMPORAL_NAMESPACE, config: ctx.config }, id);
  if (!found) throw new CliError(`no delivery ${id}`);
  const { delivery: d, live, liveError, temporalUrl } = found;
  if (values.json) {
    printJson(ctx.io, { ...d, event: found.event, attempts: found.attempts, live, temporalUrl });
    return 0;
  }
  const out = ctx.io.stdout;
  out(line`${d.id}\n  status       ${found.current.status}${live ? ` (workflow ${live.workflowStatus})` : ''}\n`);
  out(line`  event        ${d.eventId} (${d.eventType})\n  subscription ${d.subscriptionId}${d.subscriptionName ? ` (${d.subscriptionName})` : ''}\n`);
  if (d.subject.name || d.subject.id) out(line`  subject      ${d.subject.name ?? ''} ${d.subject.id ? `#${d.subject.id}` : ''}\n`);
  if (d.waitingFor) out(line`  waiting for  ${d.waitingFor}${parseWaitingFor(d.waitingFor).kind === 'delivery' ? ' (same resource, earlier event)' : ''}\n`);
  if (d.supersededBy) out(line`  superseded   by ${d.supersededBy} (a later update of the same resource; never sent)\n`);
  if (d.nextAttemptAt) out(line`  next attempt ${d.nextAttemptAt}\n`);
  if (d.lastError) out(line`  last error   ${d.lastError}\n`);
  out(temporalUrl ? line`  temporal     ${temporalUrl}\n` : '  temporal     no Web UI (Temporal server mode: set TEMPORAL_UI_URL to yours)\n');
  if (liveError) out(line`  live state   not read (${liveError})\n`);
  for (const a of found.attempts) {
    const result = a.response.status !== null ? `HTTP ${a.response.status}` : a.error ? `${a.error.kind}: ${a.error.message ?? ''}` : a.outcome;
    out(line`  attempt ${a.number}  ${a.startedAt}  ${result}  ${a.durationMs} ms  (${a.outcome})\n`);
  }
  for (const action of d.actions) out(line`  ${action.kind} by ${action.by} at ${action.at}${action.note ? `: ${action.note}` : ''}\n`);
  return 0;
}
