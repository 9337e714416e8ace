-- Issue 22: tenants. Every subscription, event, delivery, attempt, API key and web session belongs to one tenant
-- (a customer business of the HR platform). Today's rows move into the `default` tenant, nothing else changes for
-- them: their ids, workflow ids and delivery ids stay as they are (src/domain/tenants/identity.ts).
CREATE TABLE tenants (
  id              text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9._-]{1,64}$'),
  name            text NOT NULL,
  portal_origins  jsonb NOT NULL DEFAULT '[]'::jsonb,
  branding        jsonb NOT NULL DEFAULT '{}'::jsonb,
  limits          jsonb NOT NULL DEFAULT '{}'::jsonb,
  disabled_at     timestamptz,
  disabled_by     text,
  deleted_at      timestamptz,
  deleted_by      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
INSERT INTO tenants (id, name) VALUES ('default', 'Default');

-- The tenant a row is written under when the statement names none: the transaction's tenant (set by
-- src/infra/db/tenantScope.ts), else `default` (a one-business installation, the worker's own inserts).
CREATE FUNCTION current_tenant_or_default() RETURNS text LANGUAGE sql STABLE AS
  $$ SELECT coalesce(nullif(current_setting('hrhooks.tenant', true), ''), 'default') $$;

ALTER TABLE subscriptions ADD COLUMN tenant_id text NOT NULL DEFAULT 'default' REFERENCES tenants (id);
ALTER TABLE events        ADD COLUMN tenant_id text NOT NULL DEFAULT 'default' REFERENCES tenants (id);
ALTER TABLE deliveries    ADD COLUMN tenant_id text NOT NULL DEFAULT 'default' REFERENCES tenants (id);
ALTER TABLE attempts      ADD COLUMN tenant_id text NOT NULL DEFAULT 'default' REFERENCES tenants (id);
ALTER TABLE subscriptions ALTER COLUMN tenant_id SET DEFAULT current_tenant_or_default();
ALTER TABLE events        ALTER COLUMN tenant_id SET DEFAULT current_tenant_or_default();
ALTER TABLE deliveries    ALTER COLUMN tenant_id SET DEFAULT current_tenant_or_default();

-- An attempt is always its delivery's tenant's, whoever writes it (the worker writes attempts outside any tenant).
CREATE FUNCTION attempt_tenant() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT d.tenant_id INTO NEW.tenant_id FROM deliveries d WHERE d.id = NEW.delivery_id;
  RETURN NEW;
END $$;
CREATE TRIGGER attempts_tenant BEFORE INSERT ON attempts FOR EACH ROW EXECUTE FUNCTION attempt_tenant();

-- Idempotency is per tenant: two tenants may both send `evt-1`.
ALTER TABLE deliveries DROP CONSTRAINT deliveries_event_id_fkey;
ALTER TABLE events DROP CONSTRAINT events_pkey;
ALTER TABLE events ADD PRIMARY KEY (tenant_id, id);
ALTER TABLE deliveries ADD FOREIGN KEY (tenant_id, event_id) REFERENCES events (tenant_id, id);
ALTER TABLE deliveries DROP CONSTRAINT deliveries_event_id_subscription_id_key;
ALTER TABLE deliveries ADD UNIQUE (tenant_id, event_id, subscription_id);

-- One tenant's follow-up screen reads its own rows by these.
CREATE INDEX deliveries_by_tenant ON deliveries (tenant_id, created_at DESC, id DESC);
CREATE INDEX deliveries_by_tenant_status ON deliveries (tenant_id, status, created_at DESC, id DESC);
CREATE INDEX subscriptions_by_tenant ON subscriptions (tenant_id, id);
CREATE INDEX attempts_by_tenant ON attempts (tenant_id, started_at);

-- Keys: `platform` keys belong to no tenant (they manage tenants, and act inside one by naming it); `admin` and
-- `producer` keys belong to one. Every admin key of today keeps what it could do: it becomes a platform key
-- (on routes that name no tenant it acts in `default`); producer keys become the `default` tenant's.
ALTER TABLE api_keys ADD COLUMN tenant_id text REFERENCES tenants (id);
ALTER TABLE api_keys DROP CONSTRAINT api_keys_scope_check;
UPDATE api_keys SET scope = 'platform' WHERE scope = 'admin';
UPDATE api_keys SET tenant_id = 'default' WHERE scope = 'producer';
ALTER TABLE api_keys ADD CONSTRAINT api_keys_scope_check CHECK (scope IN ('platform', 'admin', 'producer'));
ALTER TABLE api_keys ADD CONSTRAINT api_keys_tenant_check CHECK ((scope = 'platform') = (tenant_id IS NULL));
CREATE INDEX api_keys_by_tenant ON api_keys (tenant_id, created_at);

-- Web sessions: a platform operator's (tenant NULL: the global interface), or one tenant's, opened by a portal
-- link (no API key; role admin or viewer).
ALTER TABLE ui_sessions ALTER COLUMN api_key_id DROP NOT NULL;
ALTER TABLE ui_sessions
  ADD COLUMN tenant_id text REFERENCES tenants (id),
  ADD COLUMN role text NOT NULL DEFAULT 'admin' CHECK (role IN ('admin', 'viewer'));
UPDATE ui_sessions u SET tenant_id = k.tenant_id FROM api_keys k WHERE k.id = u.api_key_id;

-- Defence in depth: row-level security. Requests made for one tenant run their statements as the role
-- hrhooks_tenant with `hrhooks.tenant` set for the transaction (SET LOCAL); a statement that forgets its tenant
-- filter sees no other tenant's rows, and cannot write one. The connecting role (owner) is not subject to it:
-- the worker and the platform's global views read across tenants, with explicit filters.
DO $$
BEGIN
  CREATE ROLE hrhooks_tenant NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
DO $$
BEGIN
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AND NOT pg_has_role(current_user, 'hrhooks_tenant', 'MEMBER') THEN
    EXECUTE format('GRANT hrhooks_tenant TO %I', current_user);
  END IF;
END $$;
GRANT USAGE ON SCHEMA public TO hrhooks_tenant;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO hrhooks_tenant;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO hrhooks_tenant;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO hrhooks_tenant;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO hrhooks_tenant;
-- Nothing a tenant's request needs: the key fingerprints, the failed-authentication counts, the migration list.
REVOKE ALL ON secret_key_fingerprints, auth_failures, schema_migrations FROM hrhooks_tenant;

CREATE FUNCTION request_tenant() RETURNS text LANGUAGE sql STABLE AS $$ SELECT current_setting('hrhooks.tenant', true) $$;

ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON tenants USING (id = request_tenant()) WITH CHECK (id = request_tenant());
ALTER TABLE subscriptions ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON subscriptions USING (tenant_id = request_tenant()) WITH CHECK (tenant_id = request_tenant());
ALTER TABLE events ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON events USING (tenant_id = request_tenant()) WITH CHECK (tenant_id = request_tenant());
ALTER TABLE deliveries ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON deliveries USING (tenant_id = request_tenant()) WITH CHECK (tenant_id = request_tenant());
ALTER TABLE attempts ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON attempts USING (tenant_id = request_tenant()) WITH CHECK (tenant_id = request_tenant());
ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON api_keys USING (tenant_id = request_tenant()) WITH CHECK (tenant_id = request_tenant());
ALTER TABLE ui_sessions ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON ui_sessions USING (tenant_id = request_tenant()) WITH CHECK (tenant_id = request_tenant());
-- Counters keyed by subscription: visible through the tenant's own subscriptions only.
ALTER TABLE flow_control ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON flow_control USING (EXISTS (SELECT 1 FROM subscriptions s WHERE s.id = subscription_id));
ALTER TABLE flow_leases ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON flow_leases USING (EXISTS (SELECT 1 FROM subscriptions s WHERE s.id = subscription_id));
