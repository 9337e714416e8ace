// Operator actions on one delivery (resync, mark processed), decided in one place for the API, the web
// interface and the CLI: refused when the delivery does not exist or is closed; its event's workflow
// started first when it never was. Each caller only turns the outcome into its own words.
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { startRow } from '../../infra/db/deliveries';
import { openDeliveryAhead } from '../../infra/db/ordering';
import { startEventNow } from '../ingest/ingest';
import type { Logger } from '../../infra/observability/log';
import { markProcessed, resync } from '../../infra/temporal/deliveryClient';
import { closeAtOnce } from './closeAtOnce';
import { CLOSED_STATUSES, type DeliveryStatus } from '../../../workflows/definitions';
import { closeDelivery } from '../../infra/db/deliveryStatus';

export interface ActionDeps {
  /** Absent when Postgres is unreachable (the CLI): the action then goes to Temporal unchecked. */
  pool?: Pool;
  temporal: Client;
  taskQueue: string;
  log: Logger;
}

export type ActionOutcome =
  | { ok: true; requested: 'resync' | 'start' | 'markProcessed' }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'closed'; status: DeliveryStatus }
  /** Ordered subscription: an earlier delivery of the same resource is still open; resync or close that one first. */
  | { ok: false; reason: 'waiting'; ahead: string }
  | { ok: false; reason: 'no_workflow' };

export const isClosed = (status: DeliveryStatus): boolean => CLOSED_STATUSES.includes(status);

/** Null when the delivery may be acted on (its workflow started if it never was); else why not. */
async function refusal(deps: ActionDeps, id: string): Promise<{ outcome: ActionOutcome | null; started: boolean }> {
  if (!deps.pool) return { outcome: null, started: false };
  const row = await startRow(deps.pool, id);
  if (!row) return { outcome: { ok: false, reason: 'not_found' }, started: false };
  if (isClosed(row.status)) return { outcome: { ok: false, reason: 'closed', status: row.status }, started: false };
  if (row.workflowStarted) return { outcome: null, started: false };
  await startEventNow({ ...deps, pool: deps.pool, tenantId: row.tenantId }, row.eventId);
  return { outcome: null, started: true };
}

/**
 * Attempt now (on a failed delivery: with a fresh ladder). A delivery never started is started instead
 * (one whose start Temporal refused for good is tried again: DeliveryStartRefused when refused again).
 * Refused while an earlier delivery of the same resource is open (ordered subscriptions): sending this one
 * first would break the order the receiver relies on.
 */
export async function resyncDelivery(deps: ActionDeps, id: string, by: string, note: string | null): Promise<ActionOutcome> {
  const ahead = deps.pool ? await openDeliveryAhead(deps.pool, id) : null;
  if (ahead) return { ok: false, reason: 'waiting', ahead };
  const { outcome, started } = await refusal(deps, id);
  if (outcome) return outcome;
  if (started) return { ok: true, requested: 'start' };
  return (await resync(deps.temporal, id, by, note)) === 'signalled' ? { ok: true, requested: 'resync' } : { ok: false, reason: 'no_workflow' };
}

/**
 * Close as processed, with who and why; takes effect at once (closeAtOnce.ts). A delivery whose event's
 * start Temporal refused for good has no workflow to signal: its row is closed here.
 */
export async function markDeliveryProcessed(deps: ActionDeps, id: string, by: string, note: string): Promise<ActionOutcome> {
  const refused = deps.pool ? await startRow(deps.pool, id) : null;
  if (deps.pool && refused?.startRefused && !refused.workflowStarted && !isClosed(refused.status)) {
    await closeDelivery(deps.pool, id, 'processed', { kind: 'markProcessed', by, note, at: new Date().toISOString() });
    return { ok: true, requested: 'markProcessed' };
  }
  const { outcome } = await refusal(deps, id);
  if (outcome) return outcome;
  if ((await markProcessed(deps.temporal, id, by, note)) !== 'signalled') return { ok: false, reason: 'no_workflow' };
  const action = { kind: 'markProcessed', by, note, at: new Date().toISOString() } as const;
  await closeAtOnce(deps.pool ? { pool: deps.pool, log: deps.log } : undefined, id, 'processed', action);
  return { ok: true, requested: 'markProcessed' };
}
