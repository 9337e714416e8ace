// The audit_log table (migration 017): one INSERT per entry, and the newest-first page read with its filters.
// Append-only in Postgres (a trigger refuses UPDATE and DELETE); row-level security shows a tenant's pool its own.
import type { Pool, PoolClient } from 'pg';

export type Queryable = Pick<Pool | PoolClient, 'query'>;

export interface AuditRow {
  id: string;
  at: Date;
  tenantId: string | null;
  actorType: string;
  actorId: string | null;
  actorName: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  outcome: string;
  status: number | null;
  address: string | null;
  requestId: string | null;
  door: string;
  detail: Record<string, unknown>;
  /** `at` exactly as Postgres holds it (microseconds), for a page cursor. */
  cursorAt: string;
}

export type NewAuditRow = Omit<AuditRow, 'id' | 'at' | 'cursorAt'>;

export async function insertAuditRow(db: Queryable, r: NewAuditRow): Promise<void> {
  await db.query(
    `INSERT INTO audit_log (tenant_id, actor_type, actor_id, actor_name, action, target_type, target_id, outcome, status, address, request_id, door, detail)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [r.tenantId, r.actorType, r.actorId, r.actorName, r.action, r.targetType, r.targetId, r.outcome, r.status, r.address, r.requestId, r.door, JSON.stringify(r.detail)],
  );
}

export interface AuditFilter {
  /** 'tenant': that tenant's entries; 'platform': the platform-level ones (tenant NULL); 'all': every entry. */
  scope: { kind: 'tenant'; tenantId: string } | { kind: 'platform' } | { kind: 'all' };
  since?: Date;
  until?: Date;
  actor?: string;
  action?: string;
  target?: string;
  /** The last entry of the previous page (its `cursorAt`: Postgres' own text of the time, microseconds kept). */
  after?: { at: string; id: string };
  limit: number;
}

function whereOf(f: AuditFilter): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, ...values: unknown[]) => {
    let text = sql;
    for (const v of values) {
      params.push(v);
      text = text.replace('?', `$${params.length}`);
    }
    clauses.push(text);
  };
  if (f.scope.kind === 'tenant') add('tenant_id = ?', f.scope.tenantId);
  if (f.scope.kind === 'platform') clauses.push('tenant_id IS NULL');
  if (f.since) add('at >= ?', f.since);
  if (f.until) add('at < ?', f.until);
  if (f.actor) add('(actor_name = ? OR actor_id = ?)', f.actor, f.actor);
  if (f.action) add(f.action.endsWith('.') ? 'starts_with(action, ?)' : 'action = ?', f.action);
  if (f.target) add('(target_id = ? OR target_type || \':\' || target_id = ?)', f.target, f.target);
  if (f.after) add('(at, id) < (?::timestamptz, ?::bigint)', f.after.at, f.after.id);
  return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

/** Newest first; one more row than the limit tells whether another page follows. */
export async function auditRows(db: Queryable, f: AuditFilter): Promise<AuditRow[]> {
  const where = whereOf(f);
  const { rows } = await db.query(
    `SELECT id::text, at, at::text AS cursor_at, tenant_id, actor_type, actor_id, actor_name, action, target_type, target_id, outcome, status, address, request_id, door, detail
       FROM audit_log ${where.sql} ORDER BY at DESC, id DESC LIMIT ${Math.trunc(f.limit) + 1}`,
    where.params,
  );
  return rows.map((r) => ({
    id: r.id, at: r.at, tenantId: r.tenant_id, actorType: r.actor_type, actorId: r.actor_id, actorName: r.actor_name,
    action: r.action, targetType: r.target_type, targetId: r.target_id, outcome: r.outcome, status: r.status,
    address: r.address, requestId: r.request_id, door: r.door, detail: r.detail, cursorAt: r.cursor_at,
  }));
}

/** The tenant owning a subscription, delivery or key (null: none, or no such row). */
export async function ownerTenantOf(db: Queryable, target: { type: string; id: string }): Promise<string | null> {
  const table = { subscription: 'subscriptions', delivery: 'deliveries', key: 'api_keys' }[target.type] ?? null;
  if (!table) return null;
  const { rows } = await db.query(`SELECT tenant_id FROM ${table} WHERE id = $1`, [target.id]);
  return (rows[0]?.tenant_id as string | undefined) ?? null;
}
