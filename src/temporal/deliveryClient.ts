// The Temporal client side of a delivery: start it under its deterministic id (idempotent),
// signal it (resync, mark processed, cancel) and query its live state. No secrets ever go in here.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Pool } from 'pg';
import { failedDeliveryIds, openDeliveryIds, type DeliveryStartRow } from '../db/deliveries';
import type { Logger } from '../log';
import { resolveLadder } from '../ladder';
import {
  cancelSignal,
  DELIVERY_WORKFLOW,
  markProcessedSignal,
  resyncSignal,
  stateQuery,
  type DeliveryInput,
  type DeliveryState,
} from '../../workflows/definitions';
import { attemptsKey, eventTypeKey, statusKey, subscriptionKey } from '../../workflows/searchAttributes';

const CALL_DEADLINE_MS = 5_000;
const QUERY_DEADLINE_MS = 3_000;
/** Signals in flight during a bulk resync: 10,000 one after the other outlast any HTTP timeout. */
const BULK_SIGNAL_CONCURRENCY = 16;

export type StartRow = Pick<DeliveryStartRow, 'id' | 'eventId' | 'subscriptionId' | 'eventType' | 'format' | 'retrySchedule'>;

export type SignalOutcome = 'signalled' | 'not_found';

function within<T>(client: Client, ms: number, fn: () => Promise<T>): Promise<T> {
  return client.withDeadline(Date.now() + ms, fn);
}

/** Starts the delivery workflow; an existing workflow with the same id counts as started. */
export async function startDelivery(client: Client, taskQueue: string, row: StartRow): Promise<'started' | 'already_started'> {
  const input: DeliveryInput = {
    deliveryId: row.id,
    eventId: row.eventId,
    subscriptionId: row.subscriptionId,
    eventType: row.eventType,
    ladderMs: resolveLadder(row.format, row.retrySchedule),
  };
  try {
    await within(client, CALL_DEADLINE_MS, () =>
      client.workflow.start(DELIVERY_WORKFLOW, {
        workflowId: row.id,
        taskQueue,
        args: [input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        workflowIdConflictPolicy: 'FAIL',
        typedSearchAttributes: [
          { key: statusKey, value: 'pending' },
          { key: subscriptionKey, value: row.subscriptionId },
          { key: eventTypeKey, value: row.eventType },
          { key: attemptsKey, value: 0 },
        ],
      }),
    );
    return 'started';
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return 'already_started';
    throw err;
  }
}

async function signalled(work: () => Promise<void>): Promise<SignalOutcome> {
  try {
    await work();
    return 'signalled';
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return 'not_found';
    throw err;
  }
}

export function resync(client: Client, id: string, by: string, note?: string | null): Promise<SignalOutcome> {
  return signalled(() => within(client, CALL_DEADLINE_MS, () => client.workflow.getHandle(id).signal(resyncSignal, { by, note: note ?? null })));
}

export function markProcessed(client: Client, id: string, by: string, note: string): Promise<SignalOutcome> {
  return signalled(() => within(client, CALL_DEADLINE_MS, () => client.workflow.getHandle(id).signal(markProcessedSignal, { by, note })));
}

export function cancel(client: Client, id: string, by: string, reason: string): Promise<SignalOutcome> {
  return signalled(() => within(client, CALL_DEADLINE_MS, () => client.workflow.getHandle(id).signal(cancelSignal, { by, reason })));
}

/** Cancels the open deliveries of a subscription that was disabled or deleted; failures are logged only. */
export async function cancelOpenDeliveries(
  deps: { pool: Pool; temporal: Client; log: Logger },
  subscriptionId: string,
  by: string,
  reason: string,
): Promise<void> {
  for (const id of await openDeliveryIds(deps.pool, subscriptionId)) {
    await cancel(deps.temporal, id, by, reason).catch((err: Error) =>
      deps.log.warn({ deliveryId: id, err: err.message }, 'could not cancel delivery'),
    );
  }
}

export interface LiveState {
  workflowStatus: string;
  state: DeliveryState | null;
}

/** Live state from the workflow; null when Temporal does not know it. Query failures leave state null. */
export async function queryState(client: Client, id: string): Promise<LiveState | null> {
  const handle = client.workflow.getHandle(id);
  let workflowStatus: string;
  try {
    workflowStatus = (await within(client, QUERY_DEADLINE_MS, () => handle.describe())).status.name;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
  try {
    const state = await within(client, QUERY_DEADLINE_MS, () => handle.query(stateQuery));
    return { workflowStatus, state };
  } catch {
    return { workflowStatus, state: null };
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
  const outcomes: Array<SignalOutcome | 'failed'> = new Array(ids.length);
  let next = 0;
  const signalNext = async (): Promise<void> => {
    while (next < ids.length) {
      const i = next++;
      outcomes[i] = await resync(client, ids[i]!, by, note ?? 'bulk resync').catch(() => 'failed' as const);
    }
  };
  await Promise.all(Array.from({ length: Math.min(BULK_SIGNAL_CONCURRENCY, ids.length) }, signalNext));
  const result: BulkResyncResult = { matched: ids.length, signalled: 0, notFound: [], failed: [] };
  outcomes.forEach((outcome, i) => {
    if (outcome === 'signalled') result.signalled += 1;
    else if (outcome === 'not_found') result.notFound.push(ids[i]!);
    else result.failed.push(ids[i]!);
  });
  return result;
}
