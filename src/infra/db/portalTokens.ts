// Portal tokens (migration 013): the single-use tokens of portal links, stored as their SHA-256 only. Using one
// is one UPDATE that succeeds once, while the token is unexpired and its tenant not deleted.
import crypto from 'node:crypto';
import type { Pool } from 'pg';

export type PortalRole = 'admin' | 'viewer';

export interface NewPortalToken {
  tenantId: string;
  role: PortalRole;
  returnUrl: string | null;
  createdBy: string;
  expiresAt: Date;
}

export interface UsedPortalToken {
  tenantId: string;
  role: PortalRole;
  returnUrl: string | null;
  createdBy: string;
}

/** Why a token opens nothing (and, when the token is ours, its tenant). */
export type UnusableToken = { reason: 'unknown'; tenantId: null } | { reason: 'used' | 'expired'; tenantId: string };

function tokenId(token: string): string {
  return crypto.createHash('sha256').update(token, 'utf8').digest('base64url');
}

export async function insertPortalToken(pool: Pool, token: string, t: NewPortalToken): Promise<void> {
  await pool.query('DELETE FROM portal_tokens WHERE expires_at < now() - interval \'1 day\'');
  await pool.query(
    'INSERT INTO portal_tokens (id, tenant_id, role, return_url, created_by, expires_at) VALUES ($1, $2, $3, $4, $5, $6)',
    [tokenId(token), t.tenantId, t.role, t.returnUrl, t.createdBy, t.expiresAt],
  );
}

/** Uses the token: its grant the first time, while unexpired and its tenant live; else why not. */
export async function usePortalToken(pool: Pool, token: string): Promise<UsedPortalToken | UnusableToken> {
  const { rows } = await pool.query(
    `UPDATE portal_tokens p SET used_at = now()
      WHERE p.id = $1 AND p.used_at IS NULL AND p.expires_at > now()
        AND EXISTS (SELECT 1 FROM tenants t WHERE t.id = p.tenant_id AND t.deleted_at IS NULL)
      RETURNING p.tenant_id, p.role, p.return_url, p.created_by`,
    [tokenId(token)],
  );
  if (rows[0]) return { tenantId: rows[0].tenant_id, role: rows[0].role, returnUrl: rows[0].return_url, createdBy: rows[0].created_by };
  const { rows: seen } = await pool.query('SELECT used_at IS NOT NULL AS used, tenant_id FROM portal_tokens WHERE id = $1', [tokenId(token)]);
  if (!seen[0]) return { reason: 'unknown', tenantId: null };
  return { reason: seen[0].used ? 'used' : 'expired', tenantId: seen[0].tenant_id };
}
