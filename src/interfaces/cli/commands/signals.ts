// `hrhooks resync` and `hrhooks mark-processed`: the same operator actions as the API and the web
// interface (src/app/deliveries/operatorActions.ts); when Postgres cannot be reached they signal the
// delivery's event workflow directly (the delivery id names it), so they work while the gateway and
// Postgres are down. `resync --failed` reads the failed list from Postgres.
import { INSTANT_MESSAGE, isStorableInstant } from '../../../domain/events/instants';
import { createLogger } from '../../../infra/observability/log';
import { markDeliveryProcessed, resyncDelivery, type ActionDeps, type ActionOutcome } from '../../../app/deliveries/operatorActions';
import { resyncFailed } from '../../../app/deliveries/bulkResync';
import { CliError, printJson, UsageError, type CliContext } from '../context';
import { recordCli } from '../audit';

/** Runs the action checked against Postgres; unchecked, straight to Temporal, when Postgres is unreachable. */
async function act(ctx: CliContext, action: (deps: ActionDeps) => Promise<ActionOutcome>): Promise<ActionOutcome> {
  const deps: ActionDeps = { temporal: await ctx.temporal(), taskQueue: ctx.config.TEMPORAL_TASK_QUEUE, log: createLogger('warn', 'hrhooks', { write: (line: string) => ctx.io.stderr(line) }) };
  if (!ctx.config.DATABASE_URL) return action(deps);
  try {
    return await action({ ...deps, pool: ctx.pool() });
  } catch (err) {
    if (!/ECONNREFUSED|ENOTFOUND|timeout|terminated|57P|08/.test(`${(err as { code?: string }).code ?? ''} ${(err as Error).message}`)) throw err;
    ctx.io.stderr(`Postgres unreachable (${(err as Error).message}); signalling Temporal directly\n`);
    return action(deps);
  }
}

function refused(id: string, outcome: ActionOutcome): void {
  if (outcome.ok) return;
  if (outcome.reason === 'closed') throw new CliError(`delivery ${id} is already ${outcome.status}; nothing was done`);
  if (outcome.reason === 'waiting') {
    throw new CliError(`delivery ${id} is waiting for ${outcome.ahead} (same resource, earlier event); resync or mark that one processed first`);
  }
  throw notOpen(id);
}

const notOpen = (id: string) => new CliError(`delivery ${id} has no open workflow (unknown id, or already delivered/processed/cancelled)`);

export interface ResyncOptions {
  failed?: boolean; subscription?: string; since?: string; note?: string; by?: string; json?: boolean;
}

export async function resyncCommand(deliveryId: string | undefined, values: ResyncOptions, ctx: CliContext): Promise<number> {
  const by = values.by ?? ctx.defaultActor();
  if (values.failed) {
    if (deliveryId !== undefined) throw new UsageError('give either a delivery id or --failed, not both');
    if (values.since !== undefined && !isStorableInstant(values.since)) throw new UsageError(`--since ${INSTANT_MESSAGE}`);
    const client = await ctx.temporal();
    const result = await resyncFailed(client, ctx.pool(), { subscriptionId: values.subscription, since: values.since }, by, values.note);
    const counts = { matched: result.matched, signalled: result.signalled, notFound: result.notFound.length, failed: result.failed.length, hasNote: Boolean(values.note?.trim()) };
    await recordCli(ctx, { action: 'delivery.bulk_resynced', tenantId: ctx.tenant, target: values.subscription ? { type: 'subscription', id: values.subscription } : null, detail: counts });
    if (values.json) printJson(ctx.io, result);
    else {
      ctx.io.stdout(`resync requested for ${result.signalled} of ${result.matched} failed deliveries\n`);
      for (const id of result.notFound) ctx.io.stdout(`  skipped ${id}: no open workflow\n`);
      for (const id of result.failed) ctx.io.stdout(`  failed ${id}: Temporal did not accept the signal\n`);
    }
    return result.failed.length > 0 ? 1 : 0;
  }
  if (deliveryId === undefined) throw new UsageError('expected one delivery id (or --failed)');
  const id = deliveryId;
  const outcome = await act(ctx, (deps) => resyncDelivery(deps, id, by, values.note ?? null));
  if (ctx.config.DATABASE_URL) await recordCli(ctx, { action: 'delivery.resynced', target: { type: 'delivery', id }, outcome: outcome.ok ? 'ok' : 'refused', detail: { hasNote: Boolean(values.note?.trim()) } });
  refused(id, outcome);
  const requested = outcome.ok ? outcome.requested : 'resync';
  if (values.json) printJson(ctx.io, { id, requested, by });
  else ctx.io.stdout(requested === 'start' ? `started the delivery ${id}, which had not started yet (by ${by})\n` : `resync requested for ${id} (by ${by})\n`);
  return 0;
}

export async function markProcessedCommand(id: string, values: { note?: string; by?: string; json?: boolean }, ctx: CliContext): Promise<number> {
  if (!values.note?.trim()) throw new UsageError('--note is required: say why it no longer needs delivering');
  const by = values.by ?? ctx.defaultActor();
  const note = values.note.trim();
  const outcome = await act(ctx, (deps) => markDeliveryProcessed(deps, id, by, note));
  if (ctx.config.DATABASE_URL) await recordCli(ctx, { action: 'delivery.marked_processed', target: { type: 'delivery', id }, outcome: outcome.ok ? 'ok' : 'refused', detail: { hasNote: true } });
  refused(id, outcome);
  if (values.json) printJson(ctx.io, { id, requested: 'markProcessed', by, note: values.note.trim() });
  else ctx.io.stdout(`marked ${id} as processed (by ${by})\n`);
  return 0;
}
