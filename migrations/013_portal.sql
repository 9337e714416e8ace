-- Issue 22: the embedded follow-up portal. A portal link carries a single-use token; only its SHA-256 is stored
-- here. Opening the link uses the token (used_at) and opens a web session scoped to the tenant, with a role.
CREATE TABLE portal_tokens (
  id          text PRIMARY KEY,                -- SHA-256 (base64url) of the token; the token itself is never stored
  tenant_id   text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  role        text NOT NULL CHECK (role IN ('admin', 'viewer')),
  return_url  text,
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz
);
CREATE INDEX portal_tokens_by_expiry ON portal_tokens (expires_at);

-- A portal session has no API key: it is named by who asked for the link, and may show a way back to the
-- platform's own page (return_url, one of the tenant's portal origins).
ALTER TABLE ui_sessions ADD COLUMN name text, ADD COLUMN return_url text;

ALTER TABLE portal_tokens ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON portal_tokens USING (tenant_id = request_tenant()) WITH CHECK (tenant_id = request_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON portal_tokens TO hrhooks_tenant;
