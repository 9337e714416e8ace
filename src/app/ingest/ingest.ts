// The ingest use-case: validate an event, store it with its deliveries, hand it to the starter.
// Knows nothing of HTTP; the gateway maps its outcomes and errors to responses.
//
// Why this order: validate → ONE Postgres transaction (event + body hash + one `deliveries` row per
// matching subscription, workflow_started=false) → 202. The rows are the durable outbox: the event's
// workflow is started right after, off the request path (starter.ts), under a deterministic id, so a
// crash or a Temporal outage after the commit only delays it (the re-drive pass starts it later) and no
// path can deliver twice. Postgres down → nothing stored; the producer retries from scratch.
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { deliveriesOfEvent, type DeliveryStartRow } from '../../infra/db/deliveries';
import { bodyHashOf, storeEvent, type NewDeliveryRow, type Queryable } from '../../infra/db/events';
import { listActiveForMatching, type MatchableSubscription } from '../../infra/db/subscriptions';
import { MAX_NESTING_DEPTH, nestedTooDeep } from '../../domain/events/nestingDepth';
import { subjectOf } from '../../domain/events/subject';
import { parseEvent, type FieldError, type HrEvent } from '../../domain/events/schema';
import { deliveryIdFor } from '../../domain/formats/identity';
import { eventKey } from '../../domain/tenants/eventKey';
import { subscriptionMatches } from '../../domain/formats/matching';
import type { Logger } from '../../infra/observability/log';
import { eventsAccepted } from '../../infra/observability/metrics';
import { startEvents, type EventStarter } from './starter';
import type { DeliveryStatus } from '../../../workflows/definitions';

export interface IngestDeps {
  /** The tenant's scoped pool (../../infra/db/tenantScope.ts) on a tenant's request; the whole database for tools. */
  pool: Pool;
  /** The tenant the event is posted to: its subscriptions only are matched, its event ids only are compared. */
  tenantId: string;
  temporal: Client;
  taskQueue: string;
  log: Logger;
  /** Starts workflows after the answer; without one, ingest starts the workflow before answering. */
  starter?: EventStarter;
}

export interface AcceptedEvent {
  eventId: string;
  deliveries: { id: string; subscriptionId: string; status: DeliveryStatus }[];
  replayed: boolean;
}

export type IngestOutcome =
  | { kind: 'accepted'; accepted: AcceptedEvent }
  | { kind: 'invalid'; errors: FieldError[] }
  | { kind: 'conflict'; eventId: string };

/** The event is stored; some workflows could not be started yet (Temporal unreachable). */
export class DeliveryStartError extends Error {
  override readonly name = 'DeliveryStartError';
}

function rowsFor(tenantId: string, event: HrEvent, subs: MatchableSubscription[]): NewDeliveryRow[] {
  const subject = subjectOf(event.type, event.data);
  return subs
    .filter((s) => subscriptionMatches(s, event))
    .map((s) => ({ id: deliveryIdFor(s.id, event.id, tenantId), subscriptionId: s.id, format: s.format, subject }));
}

/** Temporal refused the event's workflow start for good; its deliveries are failed with this reason. */
export class DeliveryStartRefused extends Error {
  override readonly name = 'DeliveryStartRefused';
}

/**
 * Starts the event's workflow now (no starter: test messages, tools, a resync). Throws DeliveryStartError
 * if Temporal is unreachable, DeliveryStartRefused if it refused the start for good.
 */
export async function startEventNow(deps: IngestDeps, eventId: string): Promise<void> {
  const key = eventKey(deps.tenantId, eventId);
  const result = await startEvents(deps, [key]).catch((err: Error) => {
    throw new DeliveryStartError(`could not start the event workflow: ${err.message}`, { cause: err });
  });
  const refused = result.refused.get(key);
  if (refused) throw new DeliveryStartRefused(refused);
}

type AnsweredRow = Pick<DeliveryStartRow, 'id' | 'subscriptionId' | 'status' | 'workflowStarted'>;

function answer(eventId: string, rows: AnsweredRow[], replayed: boolean): AcceptedEvent {
  return {
    eventId,
    replayed,
    deliveries: [...rows].sort((a, b) => a.id.localeCompare(b.id)).map((r) => ({ id: r.id, subscriptionId: r.subscriptionId, status: r.status })),
  };
}

/**
 * Ingests a raw JSON body. `only` restricts matching to one subscription (test messages);
 * otherwise every enabled subscription is matched.
 */
export async function ingest(
  deps: IngestDeps,
  body: unknown,
  opts: { only?: MatchableSubscription; isTest?: boolean } = {},
): Promise<IngestOutcome> {
  if (nestedTooDeep(body)) {
    return { kind: 'invalid', errors: [{ field: 'data', message: `nested deeper than ${MAX_NESTING_DEPTH} levels` }] };
  }
  const parsed = parseEvent(body);
  if (!parsed.ok) return { kind: 'invalid', errors: parsed.errors };
  const event = parsed.event;
  // the tenant's subscriptions are matched in the event's own transaction, and only for a new event
  const matched = async (db: Queryable) => rowsFor(deps.tenantId, event, opts.only ? [opts.only] : await listActiveForMatching(db, deps.tenantId));
  const stored = await storeEvent(deps.pool, deps.tenantId, event, opts.isTest ?? false, matched);
  if (!stored.created && stored.existing.bodyHash !== bodyHashOf(event)) return { kind: 'conflict', eventId: event.id };
  if (stored.created) eventsAccepted.inc({ type: event.type });
  // a new event's rows are the ones just stored; a replayed one reads what the first call stored
  const rows: AnsweredRow[] = stored.created
    ? stored.rows.map((r) => ({ id: r.id, subscriptionId: r.subscriptionId, status: 'pending', workflowStarted: false }))
    : await deliveriesOfEvent(deps.pool, deps.tenantId, event.id);
  if (rows.some((r) => !r.workflowStarted)) {
    if (deps.starter) deps.starter.enqueue(eventKey(deps.tenantId, event.id));
    else await startEventNow(deps, event.id);
  }
  return { kind: 'accepted', accepted: answer(event.id, rows, !stored.created) };
}
