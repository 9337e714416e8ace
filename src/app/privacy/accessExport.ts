// The right of access (GDPR Art. 15; issue 23 item 6): everything one tenant holds about one employee as one JSON
// document — their events (bodies opened), deliveries (subject names opened) with their attempts (request and
// response bodies opened) and the erasures asked for them. What an erasure shredded reads `erased`.
import type { Pool } from 'pg';
import { openEventBodies } from '../../infra/db/events';
import { openBodies } from '../../infra/db/deliveries';
import { openValues } from '../../infra/db/employeeKeys';
import { employeeKnown, employeeRows, listErasures, type ErasureReceipt } from '../../infra/db/personalData';

export interface AccessExport {
  tenantId: string;
  employeeId: string;
  exportedAt: string;
  events: Array<{ id: string; type: string; occurredAt: string; receivedAt: string; isTest: boolean; body: unknown }>;
  deliveries: Array<Record<string, unknown> & { attempts: Array<Record<string, unknown>> }>;
  erasures: ErasureReceipt[];
}

const iso = (v: unknown): string | null => (v == null ? null : new Date(v as string).toISOString());

function attemptJson(a: Record<string, any>) {
  return {
    number: a.number, startedAt: iso(a.started_at), durationMs: a.duration_ms, url: a.url,
    request: { headers: a.request_headers, body: a.request_body },
    response: { status: a.status_code, headers: a.response_headers, body: a.response_body, truncated: a.response_truncated },
    error: a.error_kind ? { kind: a.error_kind, message: a.error_message } : null,
    outcome: a.outcome,
  };
}

/** Null when the tenant holds nothing about the employee (the API answers 404). */
export async function exportEmployee(deps: { pool: Pool; tenantId: string }, employeeId: string): Promise<AccessExport | null> {
  const { pool, tenantId } = deps;
  if (!(await employeeKnown(pool, tenantId, employeeId))) return null;
  const rows = await employeeRows(pool, tenantId, employeeId);
  const bodies = await openEventBodies(pool, rows.events.map((e) => e.body));
  const names = await openValues(pool, rows.deliveries.map((d) => d.subject_name));
  await openBodies(pool, rows.attempts);
  return {
    tenantId,
    employeeId,
    exportedAt: new Date().toISOString(),
    events: rows.events.map((e, i) => ({
      id: e.id, type: e.type, occurredAt: iso(e.occurred_at)!, receivedAt: iso(e.received_at)!, isTest: e.is_test, body: bodies[i],
    })),
    deliveries: rows.deliveries.map((d, i) => ({
      id: d.id, eventId: d.event_id, subscriptionId: d.subscription_id, subscriptionName: d.subscription_name, eventType: d.event_type,
      format: d.format, status: d.status, attemptCount: d.attempts,
      subject: { id: d.subject_id, name: names[i] ?? null, number: d.subject_number, resourceKey: d.resource_key },
      actions: d.actions ?? [], createdAt: iso(d.created_at), updatedAt: iso(d.updated_at),
      attempts: rows.attempts.filter((a) => a.delivery_id === d.id).map(attemptJson),
    })),
    erasures: await listErasures(pool, tenantId, employeeId),
  };
}
