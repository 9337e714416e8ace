// Queries over the deliveries mirror: search with keyset pagination, detail with attempts,
// dashboard counts, and the not-yet-started list the starter re-drives. Never holds secrets.
import { eventKey, eventKeyColumns } from '../../domain/tenants/eventKey';
import { isStorableInstant } from '../../domain/events/instants';
import { resourceKeysMatching } from '../../domain/events/subject';
import type { Pool } from 'pg';
import { nameSearchTerms, openValues } from './employeeKeys';
import { scopeOf } from './tenantScope';
import type { FormatName } from '../../domain/formats/registry';
import { CLOSED_STATUSES, DELIVERY_STATUSES, type DeliveryStatus, type OperatorAction } from '../../../workflows/definitions';

export interface DeliveryStartRow {
  id: string;
  tenantId: string;
  eventId: string;
  subscriptionId: string;
  eventType: string;
  format: FormatName;
  retrySchedule: string[] | null;
  status: DeliveryStatus;
  workflowStarted: boolean;
  /** Why Temporal refused the event's workflow start for good; null when it was not refused. */
  startRefused: string | null;
}

export interface DeliverySummary {
  id: string;
  /** The tenant (customer business) the delivery belongs to. */
  tenantId: string;
  eventId: string;
  subscriptionId: string;
  subscriptionName: string | null;
  eventType: string;
  format: FormatName;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  /** What the event is about (src/domain/events/subject.ts): the person or pay run, and the resource key. */
  subject: { id: string | null; name: string | null; number: string | null; resourceKey: string | null };
  workflowStarted: boolean;
  /** While queued: the delivery ahead of it (same resource, earlier event), 'subscription paused' or 'rate limit'. */
  waitingFor: string | null;
  /** Closed as superseded (collapse): the later delivery that replaced it. */
  supersededBy: string | null;
  actions: OperatorAction[];
  createdAt: string;
  updatedAt: string;
}

export interface AttemptView {
  number: number;
  startedAt: string;
  durationMs: number;
  url: string;
  request: { headers: Record<string, string>; body: string };
  response: { status: number | null; headers: Record<string, string> | null; body: string | null; truncated: boolean };
  error: { kind: string; message: string | null } | null;
  outcome: string;
}

export interface DeliveryFilter {
  status?: DeliveryStatus;
  subscriptionId?: string;
  eventType?: string;
  since?: string;
  q?: string;
  limit?: number;
  cursor?: string;
}

export class CursorError extends Error {
  override readonly name = 'CursorError';
}

const OPEN_STATUSES = DELIVERY_STATUSES.filter((s) => !CLOSED_STATUSES.includes(s));
/** A stored time as ISO text; one Postgres can hold but JS cannot ('infinity', year 294276) stays as its raw text. */
const iso = (v: unknown): string | null => {
  if (v == null) return null;
  const d = new Date(v as string);
  return Number.isNaN(d.getTime()) ? String(v) : d.toISOString();
};

const START_COLUMNS = `d.id, d.tenant_id, d.event_id, d.subscription_id, d.event_type, s.format, s.retry_schedule, d.status, d.workflow_started, d.start_refused
  FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id`;

function toStartRow(r: Record<string, any>): DeliveryStartRow {
  return {
    id: r.id, tenantId: r.tenant_id, eventId: r.event_id, subscriptionId: r.subscription_id, eventType: r.event_type, format: r.format,
    retrySchedule: r.retry_schedule, status: r.status, workflowStarted: r.workflow_started, startRefused: r.start_refused,
  };
}

function toSummary(r: Record<string, any>): DeliverySummary {
  return {
    id: r.id, tenantId: r.tenant_id, eventId: r.event_id, subscriptionId: r.subscription_id, subscriptionName: r.subscription_name ?? null,
    eventType: r.event_type, format: r.format, status: r.status, attempts: r.attempts,
    lastStatusCode: r.last_status_code, lastError: r.last_error, nextAttemptAt: iso(r.next_attempt_at),
    subject: { id: r.subject_id, name: r.subject_name, number: r.subject_number ?? null, resourceKey: r.resource_key ?? null }, workflowStarted: r.workflow_started,
    waitingFor: r.waiting_for ?? null, supersededBy: r.superseded_by ?? null, actions: r.actions ?? [],
    createdAt: iso(r.created_at)!, updatedAt: iso(r.updated_at)!,
  };
}

/** Opens the sealed subject names of these rows in place (issue 23; `erased` where the key is gone). */
async function openNames<R extends Record<string, any>>(pool: Pool, rows: R[]): Promise<R[]> {
  const names = await openValues(pool, rows.map((r) => r.subject_name));
  rows.forEach((r, i) => ((r as Record<string, unknown>).subject_name = names[i]));
  return rows;
}

/** The blind index terms a name search means, in the pool's tenant (in each tenant for the platform's global view). */
async function nameTerms(pool: Pool, q: string): Promise<string[]> {
  const tenant = scopeOf(pool);
  const tenants = tenant !== null ? [tenant] : (await pool.query('SELECT id FROM tenants')).rows.map((r) => r.id as string);
  return tenants.flatMap((t) => nameSearchTerms(t, q));
}

export async function deliveriesOfEvent(pool: Pool, tenantId: string, eventId: string): Promise<DeliveryStartRow[]> {
  const { rows } = await pool.query(`SELECT ${START_COLUMNS} WHERE d.tenant_id = $1 AND d.event_id = $2 ORDER BY d.id`, [tenantId, eventId]);
  return rows.map(toStartRow);
}

export async function startRow(pool: Pool, id: string): Promise<DeliveryStartRow | null> {
  const { rows } = await pool.query(`SELECT ${START_COLUMNS} WHERE d.id = $1`, [id]);
  return rows[0] ? toStartRow(rows[0]) : null;
}

/** These events (../../domain/tenants/eventKey.ts) as a relation `k(tenant_id, event_id)` of parameters $1, $2. */
const EVENT_KEYS = 'unnest($1::text[], $2::text[]) AS k(tenant_id, event_id)';

/** The rows of these events whose workflow is not started yet, one event's rows together. */
export async function unstartedRowsOfEvents(pool: Pool, eventKeys: string[]): Promise<DeliveryStartRow[]> {
  if (eventKeys.length === 0) return [];
  const { rows } = await pool.query(
    `SELECT ${START_COLUMNS} JOIN ${EVENT_KEYS} ON d.tenant_id = k.tenant_id AND d.event_id = k.event_id
      WHERE NOT d.workflow_started ORDER BY d.tenant_id, d.event_id, d.id`,
    eventKeyColumns(eventKeys),
  );
  return rows.map(toStartRow);
}

/**
 * Events stored at least olderThanMs ago whose workflow was never started and not refused for good: those
 * whose start never failed first, then the oldest, so one event that keeps failing never holds back the rest.
 */
export async function unstartedEvents(pool: Pool, olderThanMs: number, limit: number): Promise<string[]> {
  const { rows } = await pool.query(
    `SELECT tenant_id, event_id FROM deliveries
      WHERE NOT workflow_started AND start_refused IS NULL AND created_at < now() - ($1::int * interval '1 millisecond')
      GROUP BY tenant_id, event_id ORDER BY max(start_failures), min(created_at) LIMIT $2`,
    [olderThanMs, limit],
  );
  return rows.map((r) => eventKey(r.tenant_id, r.event_id));
}

export async function markEventsStarted(pool: Pool, eventKeys: string[]): Promise<void> {
  if (eventKeys.length === 0) return;
  await pool.query(
    `UPDATE deliveries d SET workflow_started = true, start_refused = NULL FROM ${EVENT_KEYS}
      WHERE d.tenant_id = k.tenant_id AND d.event_id = k.event_id AND NOT d.workflow_started`,
    eventKeyColumns(eventKeys),
  );
}

/** Counts one more failed start (for now: Temporal unreachable, a deadline) on these events' rows. */
export async function countStartFailures(pool: Pool, eventKeys: string[]): Promise<void> {
  if (eventKeys.length === 0) return;
  await pool.query(
    `UPDATE deliveries d SET start_failures = start_failures + 1 FROM ${EVENT_KEYS}
      WHERE d.tenant_id = k.tenant_id AND d.event_id = k.event_id AND NOT d.workflow_started`,
    eventKeyColumns(eventKeys),
  );
}


function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string') && isStorableInstant(value[0])) {
      return value as [string, string];
    }
  } catch {
    // falls through to the error below
  }
  throw new CursorError('cursor is not one this API returned');
}

export async function listDeliveries(pool: Pool, filter: DeliveryFilter): Promise<{ items: DeliverySummary[]; nextCursor: string | null }> {
  const where: string[] = [];
  const values: unknown[] = [];
  const add = (sql: (n: string) => string, value: unknown) => {
    values.push(value);
    where.push(sql(`$${values.length}`));
  };
  if (filter.status) add((n) => `d.status = ${n}`, filter.status);
  if (filter.subscriptionId) add((n) => `d.subscription_id = ${n}`, filter.subscriptionId);
  if (filter.eventType) add((n) => `d.event_type = ${n}`, filter.eventType);
  if (filter.since) add((n) => `d.created_at >= ${n}::timestamptz`, filter.since);
  if (filter.q) {
    // One term, every meaning an admin may intend: a name (whole, or one of its words, through the keyed blind
    // index; a name stored in clear before issue 23, part of it), an employee id or number, an absence or pay-run
    // id (resource keys, by equality), a delivery or event id.
    values.push(resourceKeysMatching(filter.q));
    const keys = `$${values.length}::text[]`;
    values.push(await nameTerms(pool, filter.q));
    const terms = `$${values.length}::text[]`;
    add((n) => `(d.subject_name_index && ${terms} OR (d.subject_name NOT LIKE 'hrk1:%' AND d.subject_name ILIKE '%' || ${n} || '%')
      OR d.subject_id = ${n} OR d.subject_number = ${n} OR d.resource_key = ANY(${keys}) OR d.id = ${n} OR d.event_id = ${n})`, filter.q);
  }
  if (filter.cursor) {
    const [createdAt, id] = decodeCursor(filter.cursor);
    values.push(createdAt, id);
    where.push(`(d.created_at, d.id) < ($${values.length - 1}::timestamptz, $${values.length})`);
  }
  const limit = Math.min(Math.max(filter.limit ?? 50, 1), 200);
  values.push(limit + 1);
  const { rows } = await pool.query(
    `SELECT d.*, d.created_at::text AS cursor_at, s.name AS subscription_name
       FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY d.created_at DESC, d.id DESC LIMIT $${values.length}`,
    values,
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: (await openNames(pool, page)).map(toSummary),
    nextCursor: rows.length > limit && last ? encodeCursor(last.cursor_at, last.id) : null,
  };
}

/** Opens the sealed request and response bodies of these attempt rows in place (issue 23). */
export async function openBodies<R extends Record<string, any>>(pool: Pool, rows: R[]): Promise<R[]> {
  const opened = await openValues(pool, rows.flatMap((a) => [a.request_body, a.response_body]));
  rows.forEach((a, i) => Object.assign(a, { request_body: opened[2 * i], response_body: opened[2 * i + 1] }));
  return rows;
}

export async function getDelivery(pool: Pool, id: string): Promise<{ delivery: DeliverySummary; attempts: AttemptView[] } | null> {
  const { rows } = await pool.query(
    `SELECT d.*, s.name AS subscription_name FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id WHERE d.id = $1`,
    [id],
  );
  if (!rows[0]) return null;
  const attempts = await pool.query('SELECT * FROM attempts WHERE delivery_id = $1 ORDER BY number', [id]);
  await openNames(pool, rows);
  await openBodies(pool, attempts.rows);
  return {
    delivery: toSummary(rows[0]),
    attempts: attempts.rows.map((a) => ({
      number: a.number,
      startedAt: iso(a.started_at)!,
      durationMs: a.duration_ms,
      url: a.url,
      request: { headers: a.request_headers, body: a.request_body },
      response: { status: a.status_code, headers: a.response_headers, body: a.response_body, truncated: a.response_truncated },
      error: a.error_kind ? { kind: a.error_kind, message: a.error_message } : null,
      outcome: a.outcome,
    })),
  };
}

export async function dashboard(pool: Pool, todoLimit = 100): Promise<{ counts: Record<DeliveryStatus, number>; todo: DeliverySummary[] }> {
  const counted = await pool.query('SELECT status, count(*)::int AS n FROM deliveries GROUP BY status');
  const counts = Object.fromEntries(DELIVERY_STATUSES.map((s) => [s, 0])) as Record<DeliveryStatus, number>;
  for (const r of counted.rows) counts[r.status as DeliveryStatus] = r.n;
  const todo = await pool.query(
    `SELECT d.*, s.name AS subscription_name FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id
      WHERE d.status = 'failed' ORDER BY d.updated_at DESC, d.id DESC LIMIT $1`,
    [todoLimit],
  );
  return { counts, todo: (await openNames(pool, todo.rows)).map(toSummary) };
}

export async function openDeliveryIds(pool: Pool, subscriptionId: string): Promise<string[]> {
  const { rows } = await pool.query(
    'SELECT id FROM deliveries WHERE subscription_id = $1 AND status = ANY($2::text[]) AND workflow_started',
    [subscriptionId, OPEN_STATUSES],
  );
  return rows.map((r) => r.id as string);
}


export async function failedDeliveryIds(pool: Pool, filter: { subscriptionId?: string; since?: string }): Promise<string[]> {
  const { rows } = await pool.query(
    `SELECT id FROM deliveries WHERE status = 'failed'
        AND ($1::text IS NULL OR subscription_id = $1) AND ($2::timestamptz IS NULL OR created_at >= $2::timestamptz)
      ORDER BY created_at, id LIMIT 10000`,
    [filter.subscriptionId ?? null, filter.since ?? null],
  );
  return rows.map((r) => r.id as string);
}

