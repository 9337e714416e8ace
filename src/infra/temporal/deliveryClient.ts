// The Temporal client side of events and their deliveries: start an event's workflow under its
// deterministic id (idempotent), signal one delivery in it (resync, mark processed, cancel) and query
// its live state. A delivery id names its workflow. Start, signal and query only: no Postgres, no use case
// (those that mirror a close or act in bulk live in src/app/deliveries/). No secrets in here.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { DeliveryStartRow } from '../db/deliveries';
import { eventWorkflowIdFor, parseDeliveryId } from '../../domain/formats/identity';
import { getFormat } from '../../domain/formats/registry';
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
} from '../../../workflows/definitions';
import { eventTypeKey, subscriptionAttribute, subscriptionKey, tenantKey } from '../../../workflows/searchAttributes';
import { fairnessPriority } from './fairness';

const CALL_DEADLINE_MS = 5_000;
const QUERY_DEADLINE_MS = 3_000;

export type StartRow = Pick<DeliveryStartRow, 'id' | 'tenantId' | 'eventId' | 'subscriptionId' | 'eventType' | 'format' | 'retrySchedule'>;

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
 * back to a worker sharing this client's connection (the all-in-one), saving a round trip. `fairness`
 * (default on) makes the tenant its fairness key, so one tenant's flood does not queue the others (./fairness.ts).
 */
export async function startEvent(
  client: Client,
  taskQueue: string,
  rows: StartRow[],
  opts: { eager?: boolean; fairness?: boolean } = {},
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
        workflowId: eventWorkflowIdFor(first.eventId, first.tenantId),
        taskQueue,
        args: [input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        workflowIdConflictPolicy: 'FAIL',
        requestEagerStart: opts.eager,
        ...(opts.fairness === false ? {} : { priority: fairnessPriority(first.tenantId) }),
        // HrhooksStatus and the attempt attributes come later, only if a delivery needs more than a first try.
        typedSearchAttributes: [
          { key: subscriptionKey, value: subscriptionAttribute(rows.map((r) => r.subscriptionId)) },
          { key: eventTypeKey, value: first.eventType },
          { key: tenantKey, value: first.tenantId },
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

export function markProcessed(client: Client, id: string, by: string, note: string): Promise<SignalOutcome> {
  return signalled(id, (wf) => within(client, CALL_DEADLINE_MS, () => client.workflow.getHandle(wf).signal(markProcessedSignal, { deliveryId: id, by, note })));
}

export function cancel(client: Client, id: string, by: string, reason: string): Promise<SignalOutcome> {
  return signalled(id, (wf) => within(client, CALL_DEADLINE_MS, () => client.workflow.getHandle(wf).signal(cancelSignal, { deliveryId: id, by, reason })));
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
