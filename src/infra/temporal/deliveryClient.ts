// The Temporal client side of events and their deliveries: start an event's workflow under its
// deterministic id (idempotent), signal one delivery in it (resync, mark processed, cancel) and query
// its live state. A delivery id names its workflow; Postgres only mirrors an operator's close at once and
// lists the deliveries a bulk action or a subscription's disable covers. No secrets in here.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import pLimit from 'p-limit';
import type { Pool } from 'pg';
import { publishAbort } from '../db/abortChannel';
import { cancelRefusedDeliveries, closeDelivery, failedDeliveryIds, openDeliveryIds, type DeliveryStartRow } from '../db/deliveries';
import { eventWorkflowIdFor, parseDeliveryId } from '../../domain/formats/identity';
import { getFormat } from '../../domain/formats/registry';
import type { Logger } from '../observability/log';
import { workflowStarts } from '../observability/metrics';
import { resolveLadder } from '../../domain/delivery/ladder';
import {
  cancelSignal,
  EVENT_WORKFLOW,
  markProcessedSignal,
  resyncSignal,
  stateQuery,
  type DeliveryState,
  type EventInput,
  type OperatorAction,
} from '../../../workflows/definitions';
import { eventTypeKey, subscriptionAttribute, subscriptionKey } from '../../../workflows/searchAttributes';

const CALL_DEADLINE_MS = 5_000;
const QUERY_DEADLINE_MS = 3_000;
/** Signals in flight during a bulk resync (measured: 16 at a time needed 60 s for 10,000, longer than the HTTP request). */
const BULK_SIGNAL_CONCURRENCY = 64;

export type StartRow = Pick<DeliveryStartRow, 'id' | 'eventId' | 'subscriptionId' | 'eventType' | 'format' | 'retrySchedule'>;

export type SignalOutcome = 'signalled' | 'not_found';

function within<T>(client: Client, ms: number, fn: () => Promise<T>): Promise<T> {
  return client.withDeadline(Date.now() + ms, fn);
}

/** The workflow a delivery lives in; null for an id that is not a delivery id. */
export function workflowIdOf(deliveryId: string): string | null {
  return parseDeliveryId(deliveryId)?.workflowId ?? null;
}

/**
 * Starts the event workflow with all of its deliveries (the rows of one event); an existing workflow
 * with the same id counts as started. `eager` asks the server to hand the first workflow task straight
 * back to a worker sharing this client's connection (the all-in-one), saving a round trip.
 */
export async function startEvent(
  client: Client,
  taskQueue: string,
  rows: StartRow[],
  opts: { eager?: boolean } = {},
): Promise<'started' | 'started_eagerly' | 'already_started'> {
  const first = rows[0];
  if (!first) throw new Error('startEvent needs at least one delivery');
  const input: EventInput = {
    eventId: first.eventId,
    eventType: first.eventType,
    deliveries: rows.map((r) => ({ deliveryId: r.id, subscriptionId: r.subscriptionId, ladderMs: resolveLadder(getFormat(r.format).defaultLadder, r.retrySchedule) })),
  };
  try {
    const handle = await within(client, CALL_DEADLINE_MS, () =>
      client.workflow.start(EVENT_WORKFLOW, {
        workflowId: eventWorkflowIdFor(first.eventId),
        taskQueue,
        args: [input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        workflowIdConflictPolicy: 'FAIL',
        requestEagerStart: opts.eager,
        // HrhooksStatus and the attempt attributes come later, only if a delivery needs more than a first try.
        typedSearchAttributes: [
          { key: subscriptionKey, value: subscriptionAttribute(rows.map((r) => r.subscriptionId)) },
          { key: eventTypeKey, value: first.eventType },
        ],
      }),
    );
    const how = handle.eagerlyStarted ? 'started_eagerly' : 'started';
    workflowStarts.inc({ how });
    return how;
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      workflowStarts.inc({ how: 'already_started' });
      return 'already_started';
    }
    throw err;
  }
}

async function signalled(deliveryId: string, work: (workflowId: string) => Promise<void>): Promise<SignalOutcome> {
  const workflowId = workflowIdOf(deliveryId);
  if (!workflowId) return 'not_found';
  try {
    await work(workflowId);
    return 'signalled';
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return 'not_found';
    throw err;
  }
}

export function resync(client: Client, id: string, by: string, note?: string | null): Promise<SignalOutcome> {
  return signalled(id, (wf) => within(client, CALL_DEADLINE_MS, () => client.workflow.getHandle(wf).signal(resyncSignal, { deliveryId: id, by, note: note ?? null })));
}

/**
 * After the signal is in the workflow's history: closes the Postgres row at once and cuts an in-flight
 * attempt off (NOTIFY to the workers). The workflow closes the delivery too, at its next workflow task;
 * this makes the close take effect now for the API, the UI and the receiver. Failures here are logged
 * only: the signal alone still closes the delivery.
 */
async function closeNow(mirror: Mirror | undefined, id: string, status: 'processed' | 'cancelled', action: OperatorAction): Promise<void> {
  if (!mirror) return;
  const logged = (what: string) => (err: Error) =>
    mirror.log.warn({ deliveryId: id, err }, `${what}; the workflow signal still closes the delivery`);
  await closeDelivery(mirror.pool, id, status, action).catch(logged('could not close the delivery row at once'));
  await publishAbort(mirror.pool, id).catch(logged('could not publish the abort of its in-flight attempt'));
}

/** Where an operator's close is mirrored at once (see closeNow); absent when Postgres is out of reach. */
export interface Mirror {
  pool: Pool;
  log: Logger;
}

export async function markProcessed(client: Client, id: string, by: string, note: string, mirror?: Mirror): Promise<SignalOutcome> {
  const outcome = await signalled(id, (wf) => within(client, CALL_DEADLINE_MS, () => client.workflow.getHandle(wf).signal(markProcessedSignal, { deliveryId: id, by, note })));
  if (outcome === 'signalled') await closeNow(mirror, id, 'processed', { kind: 'markProcessed', by, note, at: new Date().toISOString() });
  return outcome;
}

export async function cancel(client: Client, id: string, by: string, reason: string, mirror?: Mirror): Promise<SignalOutcome> {
  const outcome = await signalled(id, (wf) => within(client, CALL_DEADLINE_MS, () => client.workflow.getHandle(wf).signal(cancelSignal, { deliveryId: id, by, reason })));
  if (outcome === 'signalled') await closeNow(mirror, id, 'cancelled', { kind: 'cancel', by, note: reason, at: new Date().toISOString() });
  return outcome;
}

/** Cancels the open deliveries of a subscription that was disabled or deleted (those never started because Temporal refused their event's start: in Postgres); failures are logged only. */
export async function cancelOpenDeliveries(
  deps: { pool: Pool; temporal: Client; log: Logger },
  subscriptionId: string,
  by: string,
  reason: string,
): Promise<void> {
  await cancelRefusedDeliveries(deps.pool, subscriptionId, { kind: 'cancel', by, note: reason, at: new Date().toISOString() });
  for (const id of await openDeliveryIds(deps.pool, subscriptionId)) {
    await cancel(deps.temporal, id, by, reason, deps).catch((err: Error) =>
      deps.log.warn({ deliveryId: id, err }, 'could not cancel delivery'),
    );
  }
}

export interface LiveState {
  workflowId: string;
  workflowStatus: string;
  state: DeliveryState | null;
}

/** Live state of one delivery from its event workflow; null when Temporal does not know it. Query failures leave state null. */
export async function queryState(client: Client, id: string): Promise<LiveState | null> {
  const workflowId = workflowIdOf(id);
  if (!workflowId) return null;
  const handle = client.workflow.getHandle(workflowId);
  let workflowStatus: string;
  try {
    workflowStatus = (await within(client, QUERY_DEADLINE_MS, () => handle.describe())).status.name;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
  try {
    const event = await within(client, QUERY_DEADLINE_MS, () => handle.query(stateQuery));
    return { workflowId, workflowStatus, state: event.deliveries.find((d) => d.deliveryId === id) ?? null };
  } catch {
    return { workflowId, workflowStatus, state: null };
  }
}

export interface BulkResyncResult {
  matched: number;
  signalled: number;
  notFound: string[];
  failed: string[];
}

/** Signals resync to every failed delivery (optionally of one subscription, created since a time). */
export async function resyncFailed(
  client: Client,
  pool: Pool,
  filter: { subscriptionId?: string; since?: string },
  by: string,
  note?: string | null,
): Promise<BulkResyncResult> {
  const ids = await failedDeliveryIds(pool, filter);
  const limit = pLimit(BULK_SIGNAL_CONCURRENCY);
  const outcomes = await Promise.all(
    ids.map((id) => limit(() => resync(client, id, by, note ?? 'bulk resync').catch(() => 'failed' as const))),
  );
  const result: BulkResyncResult = { matched: ids.length, signalled: 0, notFound: [], failed: [] };
  outcomes.forEach((outcome, i) => {
    if (outcome === 'signalled') result.signalled += 1;
    else if (outcome === 'not_found') result.notFound.push(ids[i]!);
    else result.failed.push(ids[i]!);
  });
  return result;
}
