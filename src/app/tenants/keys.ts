// Keys per tenant and the platform's own keys, as the API creates them: a tenant's admin or producer key in
// the request's tenant (through its scoped pool: row-level security keeps it there), and platform keys (no
// tenant), which only a platform key lists, creates or revokes. The clear key is in the creation answer only.
import type { Pool } from 'pg';
import { z } from 'zod';
import type { FieldError } from '../../domain/events/schema';
import { createKey, listKeys, revokeKey, type ApiKeyView, type CreatedKey } from '../keys/apiKeys';
import type { Logger } from '../../infra/observability/log';
import { tenantFieldErrors } from './schemas';

const keyName = z.string().trim().min(1, 'required, 1–100 characters').max(100, 'at most 100 characters');
const tenantKeySchema = z.strictObject({ scope: z.enum(['admin', 'producer'], 'admin or producer'), name: keyName });
const platformKeySchema = z.strictObject({ name: keyName });

export type CreateKeyOutcome = { ok: true; key: CreatedKey } | { ok: false; errors: FieldError[] };

/** A tenant's key (`pool` is the tenant's scoped pool, `tenantId` its id). */
export async function createTenantKey(deps: { pool: Pool; tenantId: string; log?: Logger }, raw: unknown, by: string): Promise<CreateKeyOutcome> {
  const parsed = tenantKeySchema.safeParse(raw ?? {});
  if (!parsed.success) return { ok: false, errors: tenantFieldErrors(parsed.error) };
  const key = await createKey(deps.pool, parsed.data.scope, parsed.data.name, deps.tenantId);
  deps.log?.info({ apiKeyId: key.id, scope: key.scope, tenantId: deps.tenantId, by }, 'API key created');
  return { ok: true, key };
}

/** A platform key (`pool`: the whole database). */
export async function createPlatformKey(deps: { pool: Pool; log?: Logger }, raw: unknown, by: string): Promise<CreateKeyOutcome> {
  const parsed = platformKeySchema.safeParse(raw ?? {});
  if (!parsed.success) return { ok: false, errors: tenantFieldErrors(parsed.error) };
  const key = await createKey(deps.pool, 'platform', parsed.data.name, null);
  deps.log?.info({ apiKeyId: key.id, scope: key.scope, by }, 'API key created');
  return { ok: true, key };
}

export async function listPlatformKeys(pool: Pool): Promise<ApiKeyView[]> {
  return (await listKeys(pool)).filter((k) => k.scope === 'platform');
}

/** Revokes a platform key; null when the id names no platform key (a tenant's key is revoked in its tenant). */
export async function revokePlatformKey(deps: { pool: Pool; log?: Logger }, id: string, by: string): Promise<{ key: ApiKeyView; changed: boolean } | null> {
  if (!(await listPlatformKeys(deps.pool)).some((k) => k.id === id)) return null;
  return revokeKey(deps, id, by);
}
