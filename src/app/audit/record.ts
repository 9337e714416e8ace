// The audit trail's one way in: recordAudit(db, entry) appends who did what, in which tenant, on what, with what
// outcome and from where. Owns the action vocabulary and the rule that an entry holds no payload, secret or
// personal data: detail values are numbers, booleans or identifier-like strings only (never free text).
import type { Pool, PoolClient } from 'pg';
import { insertAuditRow, ownerTenantOf } from '../../infra/db/auditLog';

/** Every action the trail knows. A new door or use case adds its words here (README "Audit trail"). */
export const AUDIT_ACTIONS = [
  'session.sign_in', 'session.sign_out', 'portal.session_opened', 'portal.link_issued',
  'key.created', 'key.revoked', 'platform_key.created', 'platform_key.revoked',
  'tenant.created', 'tenant.updated', 'tenant.disabled', 'tenant.enabled', 'tenant.deleted',
  'subscription.created', 'subscription.updated', 'subscription.enabled', 'subscription.disabled', 'subscription.deleted',
  'subscription.secret_rotated', 'subscription.authorization_rotated', 'subscription.credential_activated',
  'subscription.test_sent', 'subscription.resumed', 'subscription.failed_resynced',
  'delivery.resynced', 'delivery.marked_processed', 'delivery.bulk_resynced', 'delivery.bulk_marked_processed',
  'erasure.requested', 'retention.updated', 'secret_key.rotated',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * Who acted: an API key, a web session opened by a key, a portal session (no key; its role), the offline CLI
 * (`cli:<os user>`), hrhooks itself (schedules), or nobody known (a refused sign-in).
 */
export type AuditActor =
  | { type: 'key' | 'session'; id: string; name: string }
  | { type: 'portal'; name: string; role: string }
  | { type: 'cli' | 'system' | 'anonymous'; name: string };

export interface AuditEntry {
  /** The tenant the action happened in; null for a platform-level one (tenants, platform keys). */
  tenantId: string | null;
  actor: AuditActor;
  action: AuditAction;
  target?: { type: string; id: string | null } | null;
  /** ok; refused (the action was asked for and said no: 4xx); failed (5xx, an error). Default ok. */
  outcome?: 'ok' | 'refused' | 'failed';
  /** The HTTP status answered, when the action came through a door that answers one. */
  status?: number | null;
  /** The client's address (proxy-aware), when there is one. */
  address?: string | null;
  requestId?: string | null;
  door: 'api' | 'web' | 'cli' | 'app';
  /** Counts and flags only (e.g. { hasNote: true, matched: 3 }): values that are not identifier-like are dropped. */
  detail?: Record<string, unknown>;
}

const IDENTIFIER = /^[A-Za-z0-9._:@/-]{0,128}$/;
const ACTIONS = new Set<string>(AUDIT_ACTIONS);

export function isAuditAction(value: unknown): value is AuditAction {
  return typeof value === 'string' && ACTIONS.has(value);
}

/** Only what cannot carry personal data or a secret: numbers, booleans, short identifier-like strings. */
export function safeDetail(detail: Record<string, unknown> | undefined): Record<string, number | boolean | string> {
  const kept: Record<string, number | boolean | string> = {};
  for (const [key, value] of Object.entries(detail ?? {})) {
    if (!/^[A-Za-z][A-Za-z0-9]{0,40}$/.test(key)) continue;
    if (typeof value === 'number' && Number.isFinite(value)) kept[key] = value;
    else if (typeof value === 'boolean') kept[key] = value;
    else if (typeof value === 'string' && IDENTIFIER.test(value)) kept[key] = value;
  }
  return kept;
}

/** An identifier as stored: control characters out, at most 200 characters. */
function clip(value: string | null | undefined, max = 200): string | null {
  if (value === null || value === undefined) return null;
  return value.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, max);
}

function actorColumns(actor: AuditActor): { actorType: string; actorId: string | null; actorName: string } {
  if (actor.type === 'key' || actor.type === 'session') return { actorType: actor.type, actorId: clip(actor.id), actorName: clip(actor.name)! };
  if (actor.type === 'portal') return { actorType: 'portal', actorId: clip(actor.role), actorName: clip(actor.name)! };
  return { actorType: actor.type, actorId: null, actorName: clip(actor.name)! };
}

/**
 * Appends one entry. `db` is any pool or client: the connecting role's, or a tenant's scoped pool (then the
 * entry must be that tenant's: row-level security refuses another). Throws on an unknown action (a programming
 * error) and when Postgres refuses; the doors log that and answer as they would have.
 */
export async function recordAudit(db: Pool | PoolClient, entry: AuditEntry): Promise<void> {
  if (!isAuditAction(entry.action)) throw new Error(`unknown audit action ${JSON.stringify(entry.action)}`);
  await insertAuditRow(db, {
    tenantId: entry.tenantId,
    ...actorColumns(entry.actor),
    action: entry.action,
    targetType: clip(entry.target?.type ?? null, 64),
    targetId: clip(entry.target?.id ?? null),
    outcome: entry.outcome ?? 'ok',
    status: entry.status ?? null,
    address: clip(entry.address ?? null, 64),
    requestId: clip(entry.requestId ?? null, 128),
    door: entry.door,
    detail: safeDetail(entry.detail),
  });
}

/** Which tenant a subscription or delivery belongs to, for an action taken from the platform's global view. */
export function tenantOfTarget(pool: Pool, target: { type: string; id: string | null } | null): Promise<string | null> {
  return target?.id ? ownerTenantOf(pool, { type: target.type, id: target.id }) : Promise.resolve(null);
}

/**
 * A refused action's target as a tenant's trail may show it: an id that is not that tenant's (another tenant's,
 * or none at all) is left out — the trail must not echo another tenant's ids — the target's type stays.
 */
export async function ownTarget(pool: Pool, tenantId: string | null, target: { type: string; id: string | null } | null): Promise<{ type: string; id: string | null } | null> {
  if (!target?.id || tenantId === null) return target;
  if (target.type === 'tenant') return target.id === tenantId ? target : { type: target.type, id: null };
  if (!['subscription', 'delivery', 'key'].includes(target.type)) return target;
  return (await ownerTenantOf(pool, { type: target.type, id: target.id })) === tenantId ? target : { type: target.type, id: null };
}
