// Reading the audit trail: the filters a caller may give (since, until, actor, action, target, cursor, limit),
// checked and named when wrong, and one newest-first page with the cursor of the next. Which entries a caller
// may see (its tenant's, the platform's) is decided by the door; this module only reads what it is told to.
import type { Pool } from 'pg';
import { auditRows, type AuditFilter, type AuditRow } from '../../infra/db/auditLog';

export type { AuditRow };
export type AuditScope = AuditFilter['scope'];

export interface AuditQuery {
  since?: unknown;
  until?: unknown;
  actor?: unknown;
  action?: unknown;
  target?: unknown;
  cursor?: unknown;
  limit?: unknown;
}

export interface FieldProblem {
  field: string;
  message: string;
}

export const AUDIT_PAGE_DEFAULT = 50;
export const AUDIT_PAGE_MAX = 500;

/** A duration such as 15m, 24h, 7d counts back from now; otherwise an ISO 8601 time. */
function timeOf(value: string, now: number): Date | null {
  const ago = /^(\d{1,6})([smhd])$/.exec(value);
  if (ago) return new Date(now - Number(ago[1]) * { s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 }[ago[2] as 's' | 'm' | 'h' | 'd']);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return null;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? null : at;
}

function encodeCursor(row: AuditRow): string {
  return Buffer.from(JSON.stringify([row.cursorAt, row.id]), 'utf8').toString('base64url');
}

function decodeCursor(value: string): { at: string; id: string } | null {
  try {
    const [at, id] = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (typeof at !== 'string' || !/^\d{4}-\d{2}-\d{2} [0-9:.+-]+$/.test(at) || typeof id !== 'string' || !/^\d{1,19}$/.test(id)) return null;
    return { at, id };
  } catch {
    return null;
  }
}

const TEXT = /^[^\u0000-\u001f]{1,200}$/;

/** The filter the query asks for, or every field it got wrong. */
export function parseAuditQuery(q: AuditQuery, scope: AuditScope, now = Date.now()): { ok: true; filter: AuditFilter } | { ok: false; errors: FieldProblem[] } {
  const errors: FieldProblem[] = [];
  const filter: AuditFilter = { scope, limit: AUDIT_PAGE_DEFAULT };
  const str = (field: keyof AuditQuery): string | undefined => {
    const v = q[field];
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'string' || !TEXT.test(v)) {
      errors.push({ field, message: 'one value of at most 200 characters' });
      return undefined;
    }
    return v;
  };
  for (const field of ['since', 'until'] as const) {
    const v = str(field);
    if (v === undefined) continue;
    const at = timeOf(v, now);
    if (at) filter[field] = at;
    else errors.push({ field, message: 'an ISO 8601 time (2026-12-05T09:00:00Z) or a duration back from now (15m, 24h, 7d)' });
  }
  filter.actor = str('actor');
  filter.action = str('action');
  filter.target = str('target');
  const cursor = str('cursor');
  if (cursor !== undefined) {
    const after = decodeCursor(cursor);
    if (after) filter.after = after;
    else errors.push({ field: 'cursor', message: 'not a cursor this endpoint gave' });
  }
  const limit = str('limit');
  if (limit !== undefined) {
    const n = /^\d{1,4}$/.test(limit) ? Number(limit) : NaN;
    if (n >= 1 && n <= AUDIT_PAGE_MAX) filter.limit = n;
    else errors.push({ field: 'limit', message: `a whole number from 1 to ${AUDIT_PAGE_MAX}` });
  }
  return errors.length ? { ok: false, errors } : { ok: true, filter };
}

export interface AuditPage {
  items: AuditRow[];
  nextCursor: string | null;
}

/** One page: `pool` is the caller's (a tenant's scoped pool sees that tenant's entries only, whatever the filter). */
export async function auditPage(pool: Pool, filter: AuditFilter): Promise<AuditPage> {
  const rows = await auditRows(pool, filter);
  const items = rows.slice(0, filter.limit);
  return { items, nextCursor: rows.length > filter.limit ? encodeCursor(items[items.length - 1]!) : null };
}

/** An entry as the API and the CLI's --json show it. */
export function auditJson(row: AuditRow) {
  const { cursorAt: _cursor, actorType, actorId, actorName, targetType, targetId, ...rest } = row;
  return {
    ...rest,
    actor: { type: actorType, id: actorId, name: actorName },
    target: targetType || targetId ? { type: targetType, id: targetId } : null,
  };
}
