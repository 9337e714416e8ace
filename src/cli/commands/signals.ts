// `hrhooks resync` and `hrhooks mark-processed`: signal the delivery's event workflow directly through
// Temporal (the delivery id names it), so they work while the gateway and Postgres are down. `resync --failed` reads the failed list from Postgres.
import { markProcessed, resync, resyncFailed } from '../../temporal/deliveryClient';
import { CliError, printJson, UsageError, type CliContext } from '../context';

const notOpen = (id: string) => new CliError(`delivery ${id} has no open workflow (unknown id, or already delivered/processed/cancelled)`);

export interface ResyncOptions {
  failed?: boolean; subscription?: string; since?: string; note?: string; by?: string; json?: boolean;
}

export async function resyncCommand(deliveryId: string | undefined, values: ResyncOptions, ctx: CliContext): Promise<number> {
  const by = values.by ?? ctx.defaultActor();
  if (values.failed) {
    if (deliveryId !== undefined) throw new UsageError('give either a delivery id or --failed, not both');
    if (values.since !== undefined && Number.isNaN(Date.parse(values.since))) throw new UsageError('--since must be an ISO date-time');
    const client = await ctx.temporal();
    const result = await resyncFailed(client, ctx.pool(), { subscriptionId: values.subscription, since: values.since }, by, values.note);
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
  const client = await ctx.temporal();
  if ((await resync(client, id, by, values.note)) === 'not_found') throw notOpen(id);
  if (values.json) printJson(ctx.io, { id, requested: 'resync', by });
  else ctx.io.stdout(`resync requested for ${id} (by ${by})\n`);
  return 0;
}

export async function markProcessedCommand(id: string, values: { note?: string; by?: string; json?: boolean }, ctx: CliContext): Promise<number> {
  if (!values.note?.trim()) throw new UsageError('--note is required: say why it no longer needs delivering');
  const by = values.by ?? ctx.defaultActor();
  const pool = ctx.config.DATABASE_URL ? ctx.pool() : undefined;
  if ((await markProcessed(await ctx.temporal(), id, by, values.note.trim(), pool)) === 'not_found') throw notOpen(id);
  if (values.json) printJson(ctx.io, { id, requested: 'markProcessed', by, note: values.note.trim() });
  else ctx.io.stdout(`marked ${id} as processed (by ${by})\n`);
  return 0;
}
