// What a tenant id is: a customer business of the HR platform, named by the platform (its own business id,
// e.g. `acme-nz`) or generated. `default` is the tenant of a one-business installation and of every row
// stored before tenants existed. Pure.
import crypto from 'node:crypto';
import { z } from 'zod';

export const DEFAULT_TENANT = 'default';

export const TENANT_ID = /^[A-Za-z0-9._-]{1,64}$/;

export const tenantIdSchema = z.string().regex(TENANT_ID, 'a tenant id is 1–64 characters of A–Z, a–z, 0–9, ".", "_" or "-"');

export function isTenantId(value: unknown): value is string {
  return typeof value === 'string' && TENANT_ID.test(value);
}

/** A new tenant id when the platform names none: `tnt_` and 16 random base64url characters. */
export function newTenantId(): string {
  return `tnt_${crypto.randomBytes(12).toString('base64url')}`;
}
