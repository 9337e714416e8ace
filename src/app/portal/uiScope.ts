// Which tenant a web-interface request works in, and the deps it runs its use cases with. A tenant's session
// (a tenant admin key's, or a portal link's) works in its tenant only: its pool is that tenant's row-level
// security scope (../tenants/scope.ts inTenant). A platform operator's session is global (the whole database,
// every tenant's rows) unless it names a tenant (the tenant filter), then it works as that tenant's.
import type { Pool } from 'pg';
import { DEFAULT_TENANT, isTenantId } from '../../domain/tenants/tenantId';
import { liveTenantNames, subscriptionTenants, tenantOfSubscription, type TenantName } from '../../infra/db/tenantDirectory';
import type { Tenant, TenantBranding } from '../../infra/db/tenants';
import { activeTenant, inTenant } from '../tenants/scope';

export type { Tenant, TenantBranding, TenantName };

export interface UiScope {
  /** The tenant the request works in; null: the platform operator's global view (every tenant). */
  tenant: Tenant | null;
  /** The session belongs to a platform operator (may switch tenants, sees the filter). */
  platform: boolean;
}

/** The scope of a request from a session of `sessionTenant` (null: platform) that asks for `requested` (the filter). */
export async function resolveUiScope(deps: { pool: Pool }, sessionTenant: string | null, requested: unknown): Promise<UiScope | null> {
  if (sessionTenant !== null) {
    const tenant = await activeTenant(deps.pool, sessionTenant);
    return tenant ? { tenant, platform: false } : null;
  }
  if (!isTenantId(requested)) return { tenant: null, platform: true };
  return { tenant: await activeTenant(deps.pool, requested), platform: true };
}

/** The deps a use case runs with in this scope: one tenant's rows (row-level security), or, global, all of them. */
export function depsInScope<T extends { pool: Pool }>(deps: T, scope: UiScope): T & { tenantId: string } {
  if (!scope.tenant) return { ...deps, tenantId: DEFAULT_TENANT };
  return inTenant(deps, scope.tenant.id);
}

/** In the global view, the deps of the tenant that owns a subscription (an action on it runs there). */
export async function depsOfSubscriptionOwner<T extends { pool: Pool }>(deps: T, scope: UiScope, subscriptionId: string): Promise<T & { tenantId: string }> {
  if (scope.tenant) return depsInScope(deps, scope);
  const owner = await tenantOfSubscription(deps.pool, subscriptionId);
  return owner ? inTenant(deps, owner) : depsInScope(deps, scope);
}

/** The live tenants (the platform operator's filter). */
export function tenantChoices(deps: { pool: Pool }): Promise<TenantName[]> {
  return liveTenantNames(deps.pool);
}

/** Global view: which tenant each subscription belongs to (its tenant column); in a tenant's scope, nothing. */
export async function subscriptionOwners(deps: { pool: Pool }, scope: UiScope): Promise<Map<string, string> | null> {
  return scope.tenant ? null : subscriptionTenants(deps.pool);
}
