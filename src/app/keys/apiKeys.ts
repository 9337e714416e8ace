// API keys as operators manage them, for the API, the CLI and the gateway's start alike: create one (the key
// shown once, only its hash stored), list them (never a key), revoke one for good (its UI sessions end too),
// and the bootstrap keys a deployment configures, created once and never brought back once revoked.
import type { Pool } from 'pg';
import {
  createApiKey,
  ensureBootstrapKeys,
  listApiKeys,
  revokeApiKey,
  type ApiKeyView,
  type Scope,
} from '../../infra/db/apiKeys';
import type { Logger } from '../../infra/observability/log';

export type { ApiKeyView, Scope };

/** The scopes a tenant's key may have (platform keys are made by the platform, see ../tenants). */
export const SCOPES: readonly Scope[] = ['producer', 'admin'];

export type CreatedKey = Awaited<ReturnType<typeof createApiKey>>;

/** A new key of this scope (a tenant's, or a platform key: tenantId null); the clear key is in the answer only. */
export function createKey(pool: Pool, scope: Scope, name: string, tenantId: string | null): Promise<CreatedKey> {
  return createApiKey(pool, scope, name.trim(), tenantId);
}

export function listKeys(pool: Pool): Promise<ApiKeyView[]> {
  return listApiKeys(pool);
}

/** Revokes a key (null: no such key); `changed` is false when it was revoked already. Logged once. */
export async function revokeKey(deps: { pool: Pool; log?: Logger }, id: string, by: string): Promise<{ key: ApiKeyView; changed: boolean } | null> {
  const outcome = await revokeApiKey(deps.pool, id, by);
  if (outcome?.changed) deps.log?.info({ apiKeyId: outcome.key.id, by }, 'API key revoked');
  return outcome;
}

/**
 * The keys a deployment configures (HRHOOKS_ADMIN_KEY, HRHOOKS_PRODUCER_KEY): inserted the first time they are
 * seen, never un-revoked. Returns the configured ones that are revoked, warned about once here.
 */
export async function bootstrapKeys(deps: { pool: Pool; log?: Logger }, keys: { admin?: string; producer?: string }): Promise<string[]> {
  const { revoked } = await ensureBootstrapKeys(deps.pool, keys);
  if (revoked.length > 0) deps.log?.warn({ keys: revoked }, 'configured bootstrap keys are revoked and stay refused; create new ones with `hrhooks keys create`');
  return revoked;
}
