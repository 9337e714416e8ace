// What Postgres holds about one employee of one tenant (issue 23 items 4 and 6): their open deliveries, the
// redaction of their rows and the receipts of erasures (`erasures`), and the rows an access export reads.
// An employee's rows: events whose employee_id is theirs, deliveries whose subject is them (not a pay run),
// those deliveries' attempts. Statements only; never decides, never logs personal data.
import type { Pool, PoolClient } from 'pg';
import { CLOSED_STATUSES } from '../../../workflows/definitions';
import { ERASED } from '../crypto/dataKeys';

type Db = Pool | PoolClient;

/** Deliveries about the employee ($1 tenant, $2 employee id); alias d. */
const HERS = `d.tenant_id = $1 AND d.subject_id = $2 AND (d.resource_key IS NULL OR d.resource_key NOT LIKE 'payrun:%')`;
/** Events about the employee: by their employee_id, or named by one of their deliveries; alias e. */
const HER_EVENTS = `e.tenant_id = $1 AND (e.employee_id = $2 OR e.id IN (SELECT d.event_id FROM deliveries d WHERE ${HERS}))`;

export interface ErasureCounts {
  events: number;
  deliveries: number;
  attempts: number;
}

export interface ErasureReceipt {
  id: string;
  employeeId: string;
  at: string;
  by: string;
  counts: ErasureCounts;
}

/** Whether the tenant holds anything about the employee: an event, a delivery, a data key or an erasure. */
export async function employeeKnown(db: Db, tenantId: string, employeeId: string): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT EXISTS (SELECT 1 FROM events e WHERE e.tenant_id = $1 AND e.employee_id = $2)
         OR EXISTS (SELECT 1 FROM deliveries d WHERE ${HERS})
         OR EXISTS (SELECT 1 FROM employee_keys k WHERE k.tenant_id = $1 AND k.employee_id = $2)
         OR EXISTS (SELECT 1 FROM erasures r WHERE r.tenant_id = $1 AND r.employee_id = $2) AS known`,
    [tenantId, employeeId],
  );
  return rows[0].known === true;
}

/** The employee's deliveries still open: whether each has a workflow to signal. */
export async function openDeliveriesOf(db: Db, tenantId: string, employeeId: string): Promise<Array<{ id: string; workflowStarted: boolean }>> {
  const { rows } = await db.query(
    `SELECT d.id, d.workflow_started FROM deliveries d WHERE ${HERS} AND d.status <> ALL($3::text[]) ORDER BY d.id`,
    [tenantId, employeeId, CLOSED_STATUSES],
  );
  return rows.map((r) => ({ id: r.id, workflowStarted: r.workflow_started }));
}

/**
 * Replaces what the employee's rows say about them with markers (run in the erasure's transaction, after their
 * keys are erased): event bodies → {"erased": "<erasure id>"} (and their hash), subject names → `erased` (the blind index
 * dropped), attempt bodies → `erased`. Counts only rows changed now (a second erasure counts zero).
 */
export async function redactEmployee(db: Db, tenantId: string, employeeId: string, erasureId: string): Promise<ErasureCounts> {
  const params = [tenantId, employeeId];
  const events = await db.query(
    `UPDATE events e SET body = json_build_object('erased', $3::text), body_hash = 'erased'
      WHERE ${HER_EVENTS} AND (json_typeof(e.body) <> 'object' OR e.body->'erased' IS NULL)`,
    [...params, erasureId],
  );
  // a delivery whose workflow never started is not started later (the re-drive pass skips refused starts)
  await db.query(`UPDATE deliveries d SET start_refused = $3 WHERE ${HERS} AND NOT d.workflow_started AND d.start_refused IS NULL`, [...params, 'erased']);
  const deliveries = await db.query(
    `UPDATE deliveries d SET subject_name = $3, subject_name_index = NULL
      WHERE ${HERS} AND d.subject_name IS NOT NULL AND d.subject_name <> $3`,
    [...params, ERASED],
  );
  const attempts = await db.query(
    `UPDATE attempts a SET request_body = $3, response_body = CASE WHEN a.response_body IS NULL THEN NULL ELSE $3 END
       FROM deliveries d
      WHERE a.delivery_id = d.id AND ${HERS}
        AND (a.request_body NOT IN ('', $3) OR a.response_body IS DISTINCT FROM $3 AND a.response_body IS NOT NULL)`,
    [...params, ERASED],
  );
  return { events: events.rowCount ?? 0, deliveries: deliveries.rowCount ?? 0, attempts: attempts.rowCount ?? 0 };
}

const toReceipt = (r: Record<string, any>): ErasureReceipt => ({
  id: r.id, employeeId: r.employee_id, at: new Date(r.at).toISOString(), by: r.by, counts: r.counts,
});

export async function insertErasure(db: Db, tenantId: string, receipt: Omit<ErasureReceipt, 'at'>): Promise<ErasureReceipt> {
  const { rows } = await db.query(
    'INSERT INTO erasures (id, tenant_id, employee_id, by, counts) VALUES ($1, $2, $3, $4, $5) RETURNING *',
    [receipt.id, tenantId, receipt.employeeId, receipt.by, JSON.stringify(receipt.counts)],
  );
  return toReceipt(rows[0]);
}

/** The tenant's erasure receipts, newest first; of one employee when named. */
export async function listErasures(db: Db, tenantId: string, employeeId: string | null, limit = 200): Promise<ErasureReceipt[]> {
  const { rows } = await db.query(
    `SELECT * FROM erasures WHERE tenant_id = $1 AND ($2::text IS NULL OR employee_id = $2) ORDER BY at DESC, id DESC LIMIT $3`,
    [tenantId, employeeId, limit],
  );
  return rows.map(toReceipt);
}

/** The raw rows an access export is made of (bodies and names still sealed: the caller opens them). */
export async function employeeRows(db: Db, tenantId: string, employeeId: string) {
  const params = [tenantId, employeeId];
  const events = await db.query(
    `SELECT e.id, e.type, e.occurred_at, e.received_at, e.body, e.is_test FROM events e WHERE ${HER_EVENTS} ORDER BY e.seq`,
    params,
  );
  const deliveries = await db.query(
    `SELECT d.id, d.event_id, d.subscription_id, s.name AS subscription_name, d.event_type, d.format, d.status, d.attempts,
            d.subject_id, d.subject_name, d.subject_number, d.resource_key, d.actions, d.created_at, d.updated_at
       FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id WHERE ${HERS} ORDER BY d.created_at, d.id`,
    params,
  );
  const attempts = await db.query(
    `SELECT a.delivery_id, a.number, a.started_at, a.duration_ms, a.url, a.request_headers, a.request_body, a.status_code,
            a.response_headers, a.response_body, a.response_truncated, a.error_kind, a.error_message, a.outcome
       FROM attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE ${HERS} ORDER BY a.delivery_id, a.number`,
    params,
  );
  return { events: events.rows, deliveries: deliveries.rows, attempts: attempts.rows };
}
