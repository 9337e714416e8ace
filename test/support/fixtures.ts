// Rows for engine tests that run without the gateway: a subscription (secrets
// sealed the way the gateway seals them), an event and its delivery, and the
// start of its event workflow on a given task queue.
import crypto from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { HrEvent } from '../../src/domain/events/schema';
import { getFormat, type FormatName } from '../../src/domain/formats/registry';
import { deliveryIdFor, eventWorkflowIdFor } from '../../src/domain/formats/identity';
import { resolveLadder } from '../../src/domain/delivery/ladder';
import { sealAuthorization, sealSecrets } from '../../src/infra/crypto/secretStore';
import { workflowIdOf } from '../../src/infra/temporal/deliveryClient';
import { EVENT_WORKFLOW, stateQuery, type DeliveryState, type EventInput, type EventState } from '../../workflows/definitions';
import { eventTypeKey, subscriptionKey } from '../../workflows/searchAttributes';
import { testBox } from './temporal';
import { specAbsence } from '../../dev-support/absence';

export interface FixtureSubscription {
  id: string;
  format: FormatName;
  url: string;
  secret: string | null;
  authorization: string | null;
  retrySchedule: string[] | null;
}

export async function insertSubscription(
  pool: Pool,
  opts: { format: FormatName; url: string; secret?: string; authorization?: string; retrySchedule?: string[]; mode?: 'all' | 'approved' },
): Promise<FixtureSubscription> {
  const id = `sub_${crypto.randomBytes(6).toString('hex')}`;
  const secret = opts.secret ?? (opts.format === 'lucca' ? null : opts.format === 'standard' ? `whsec_${crypto.randomBytes(24).toString('base64')}` : crypto.randomBytes(16).toString('hex'));
  await pool.query(
    `INSERT INTO subscriptions (id, name, url, format, events, mode, authorization_enc, secrets_enc, retry_schedule)
     VALUES ($1, $2, $3, $4, '"*"', $5, $6, $7, $8)`,
    [
      id, `fixture ${opts.format}`, opts.url, opts.format, opts.format === 'lucca' ? opts.mode ?? 'all' : null,
      sealAuthorization(testBox, opts.authorization ?? null),
      secret ? sealSecrets(testBox, [{ secret, expiresAt: null }]) : null,
      opts.retrySchedule ? JSON.stringify(opts.retrySchedule) : null,
    ],
  );
  return { id, format: opts.format, url: opts.url, secret, authorization: opts.authorization ?? null, retrySchedule: opts.retrySchedule ?? null };
}

export function sampleEvent(type: HrEvent['type'] = 'employee.updated', data: unknown = { id: 134, name: 'Luca Pacioli' }): HrEvent {
  return { id: `evt_${crypto.randomBytes(6).toString('hex')}`, type, occurredAt: new Date().toISOString(), data } as HrEvent;
}

export const sampleAbsence = specAbsence;

/** Stores the event and one `pending` delivery row per subscription (no workflow); returns the delivery ids. */
export async function insertFixtureEvent(pool: Pool, subs: FixtureSubscription[], event: HrEvent): Promise<string[]> {
  await pool.query(
    `INSERT INTO events (id, type, occurred_at, body, body_hash) VALUES ($1, $2, $3, $4, 'fixture') ON CONFLICT DO NOTHING`,
    [event.id, event.type, event.occurredAt, JSON.stringify(event)],
  );
  const ids = subs.map((sub) => deliveryIdFor(sub.id, event.id, 'default'));
  for (const [i, sub] of subs.entries()) {
    await pool.query(
      `INSERT INTO deliveries (id, event_id, subscription_id, event_type, format, status, workflow_started) VALUES ($1, $2, $3, $4, $5, 'pending', true)`,
      [ids[i], event.id, sub.id, event.type, sub.format],
    );
  }
  return ids;
}

/** Stores the event and one delivery row per subscription, then starts the event workflow; returns the delivery ids. */
export async function startFixtureEvent(
  pool: Pool,
  client: Client,
  taskQueue: string,
  subs: FixtureSubscription[],
  event: HrEvent,
  extra: Partial<EventInput> = {},
): Promise<string[]> {
  const ids = await insertFixtureEvent(pool, subs, event);
  const input: EventInput = {
    eventId: event.id,
    eventType: event.type,
    deliveries: subs.map((sub, i) => ({ deliveryId: ids[i]!, subscriptionId: sub.id, ladderMs: resolveLadder(getFormat(sub.format).defaultLadder, sub.retrySchedule) })),
    ...extra,
  };
  await client.workflow.start(EVENT_WORKFLOW, {
    workflowId: eventWorkflowIdFor(event.id, 'default'),
    taskQueue,
    args: [input],
    typedSearchAttributes: input.searchAttributes === false ? [] : [
      { key: subscriptionKey, value: subs.map((s) => s.id) },
      { key: eventTypeKey, value: event.type },
    ],
  });
  return ids;
}

/** One subscription's delivery of an event: stores the rows, starts the event workflow; returns the delivery id. */
export async function startFixtureDelivery(
  pool: Pool,
  client: Client,
  taskQueue: string,
  sub: FixtureSubscription,
  event: HrEvent,
  extra: Partial<EventInput> = {},
): Promise<string> {
  const [id] = await startFixtureEvent(pool, client, taskQueue, [sub], event, extra);
  return id!;
}

/** The live state of one delivery, from its event workflow's `state` query. */
export async function deliveryState(client: Client, deliveryId: string): Promise<DeliveryState> {
  const event = await client.workflow.getHandle(workflowIdOf(deliveryId)!).query(stateQuery);
  const found = event.deliveries.find((d) => d.deliveryId === deliveryId);
  if (!found) throw new Error(`event workflow of ${deliveryId} has no such delivery`);
  return found;
}

/** The final state of one delivery, from its event workflow's result (waits for the workflow to close). */
export async function deliveryResult(client: Client, deliveryId: string): Promise<DeliveryState> {
  const event: EventState = await client.workflow.getHandle(workflowIdOf(deliveryId)!).result();
  const found = event.deliveries.find((d) => d.deliveryId === deliveryId);
  if (!found) throw new Error(`event workflow of ${deliveryId} has no such delivery`);
  return found;
}
