// Tenant management for the platform (API /v1/tenants and `hrhooks tenants`): create (id given or generated,
// never reused), list, show, update, disable (no new events; open deliveries go on) and enable. Deletion is
// ./deleteTenant.ts. Runs on the whole database (the platform's pool), never inside a tenant's scope.
import type { Pool } from 'pg';
import type { FieldError } from '../../domain/events/schema';
import { isTenantId, newTenantId } from '../../domain/tenants/tenantId';
import {
  findTenant,
  insertTenant,
  listTenants,
  setTenantDisabled,
  updateTenant,
  type Tenant,
} from '../../infra/db/tenants';
import type { Logger } from '../../infra/observability/log';
import { tenantCreateSchema, tenantFieldErrors, tenantUpdateSchema } from './schemas';

export type { Tenant };

export interface TenantDeps {
  pool: Pool;
  log?: Logger;
}

export type CreateTenantOutcome =
  | { ok: true; tenant: Tenant }
  | { ok: false; reason: 'invalid'; errors: FieldError[] }
  | { ok: false; reason: 'exists'; id: string };

export type UpdateTenantOutcome = { ok: true; tenant: Tenant } | { ok: false; reason: 'invalid'; errors: FieldError[] } | { ok: false; reason: 'not_found' };

export async function createTenant(deps: TenantDeps, raw: unknown): Promise<CreateTenantOutcome> {
  const parsed = tenantCreateSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: 'invalid', errors: tenantFieldErrors(parsed.error) };
  const { id = newTenantId(), name, portalOrigins = [], branding = {}, limits = {}, retention = {} } = parsed.data;
  const tenant = await insertTenant(deps.pool, id, { name, portalOrigins, branding, limits, retention });
  if (!tenant) return { ok: false, reason: 'exists', id };
  deps.log?.info({ tenantId: id }, 'tenant created');
  return { ok: true, tenant };
}

export const TENANT_PAGE = { default: 50, max: 200 };

export type TenantPage = { ok: true; items: Tenant[]; nextCursor: string | null } | { ok: false; errors: FieldError[] };

/** A page of live tenants by id; the cursor is the last id of the page before. */
export async function tenantsPage(deps: TenantDeps, query: { cursor?: string; limit?: string | number }): Promise<TenantPage> {
  const errors: FieldError[] = [];
  const limit = query.limit === undefined ? TENANT_PAGE.default : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > TENANT_PAGE.max) errors.push({ field: 'limit', message: `a whole number from 1 to ${TENANT_PAGE.max}` });
  if (query.cursor !== undefined && !isTenantId(query.cursor)) errors.push({ field: 'cursor', message: 'not a cursor of this list' });
  if (errors.length > 0) return { ok: false, errors };
  const items = await listTenants(deps.pool, { after: query.cursor, limit });
  return { ok: true, items, nextCursor: items.length === limit ? items[items.length - 1]!.id : null };
}

/** The tenant, unless unknown or deleted (an id that cannot be one is simply unknown). */
export function getTenant(deps: TenantDeps, id: string): Promise<Tenant | null> {
  return isTenantId(id) ? findTenant(deps.pool, id) : Promise.resolve(null);
}

export async function updateTenantFields(deps: TenantDeps, id: string, raw: unknown): Promise<UpdateTenantOutcome> {
  const parsed = tenantUpdateSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: 'invalid', errors: tenantFieldErrors(parsed.error) };
  const tenant = isTenantId(id) ? await updateTenant(deps.pool, id, parsed.data) : null;
  return tenant ? { ok: true, tenant } : { ok: false, reason: 'not_found' };
}

/** No new events for the tenant (POST /v1/events answers 403); its open deliveries go on and stay actionable. */
export async function disableTenant(deps: TenantDeps, id: string, by: string): Promise<Tenant | null> {
  const tenant = isTenantId(id) ? await setTenantDisabled(deps.pool, id, by) : null;
  if (tenant) deps.log?.info({ tenantId: id, by }, 'tenant disabled');
  return tenant;
}

export async function enableTenant(deps: TenantDeps, id: string, by: string): Promise<Tenant | null> {
  const tenant = isTenantId(id) ? await setTenantDisabled(deps.pool, id, null) : null;
  if (tenant) deps.log?.info({ tenantId: id, by }, 'tenant enabled');
  return tenant;
}
