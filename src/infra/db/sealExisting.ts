// The statements of `hrhooks data encrypt-existing` (src/app/privacy/sealExisting.ts): find a batch of rows still in
// clear (neither an `hrk1:` envelope nor an erasure marker), and replace one row's clear value by its sealed one —
// only if it is still the clear value read (a row changed meanwhile is left to the next batch).
import type { Pool } from 'pg';

export interface ClearEvent {
  tenantId: string;
  id: string;
  type: string;
  /** The stored JSON text, exactly. */
  body: string;
}

export async function clearEvents(pool: Pool, limit: number): Promise<ClearEvent[]> {
  const { rows } = await pool.query(
    `SELECT tenant_id, id, type, body::text AS body FROM events
      WHERE json_typeof(body) = 'object' AND body->'erased' IS NULL LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({ tenantId: r.tenant_id, id: r.id, type: r.type, body: r.body }));
}

export async function sealEvent(pool: Pool, e: ClearEvent, sealedJson: string, employeeId: string | null): Promise<number> {
  const { rowCount } = await pool.query(
    `UPDATE events SET body = $3::json, employee_id = $4 WHERE tenant_id = $1 AND id = $2 AND body::text = $5`,
    [e.tenantId, e.id, sealedJson, employeeId, e.body],
  );
  return rowCount ?? 0;
}

const CLEAR = (col: string) => `${col} IS NOT NULL AND ${col} NOT LIKE 'hrk1:%' AND ${col} NOT IN ('', 'erased')`;

export async function clearNames(pool: Pool, limit: number) {
  const { rows } = await pool.query(
    `SELECT id, tenant_id, subject_id, resource_key, subject_name FROM deliveries WHERE ${CLEAR('subject_name')} LIMIT $1`,
    [limit],
  );
  return rows as Array<{ id: string; tenant_id: string; subject_id: string | null; resource_key: string | null; subject_name: string }>;
}

export async function sealName(pool: Pool, id: string, clear: string, sealed: string, index: string[] | null): Promise<number> {
  const { rowCount } = await pool.query(
    'UPDATE deliveries SET subject_name = $3, subject_name_index = $4 WHERE id = $1 AND subject_name = $2',
    [id, clear, sealed, index],
  );
  return rowCount ?? 0;
}

export interface ClearAttempt {
  delivery_id: string;
  number: number;
  tenant_id: string;
  subject_id: string | null;
  resource_key: string | null;
  request_body: string;
  response_body: string | null;
}

export async function clearAttempts(pool: Pool, limit: number): Promise<ClearAttempt[]> {
  const { rows } = await pool.query(
    `SELECT a.delivery_id, a.number, d.tenant_id, d.subject_id, d.resource_key, a.request_body, a.response_body
       FROM attempts a JOIN deliveries d ON d.id = a.delivery_id
      WHERE (${CLEAR('a.request_body')}) OR (${CLEAR('a.response_body')}) LIMIT $1`,
    [limit],
  );
  return rows;
}

export async function sealAttempt(pool: Pool, a: ClearAttempt, request: string, response: string | null): Promise<number> {
  const { rowCount } = await pool.query(
    `UPDATE attempts SET request_body = $3, response_body = $4
      WHERE delivery_id = $1 AND number = $2 AND request_body = $5 AND response_body IS NOT DISTINCT FROM $6`,
    [a.delivery_id, a.number, request, response, a.request_body, a.response_body],
  );
  return rowCount ?? 0;
}
