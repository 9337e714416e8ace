-- Issue 22: per-tenant limits (tenants.limits, migration 012). Read by src/infra/db/tenantLimits.ts.

-- limits.eventsPerSecond: one row per tenant that has posted under a limit, shared by every gateway. `tat` is the
-- theoretical arrival time of the generic cell rate algorithm (a token bucket held as one timestamp): an event
-- is admitted when tat is at most the burst tolerance ahead of now, and moves it one emission interval on.
CREATE TABLE tenant_ingest (
  tenant_id text PRIMARY KEY REFERENCES tenants (id),
  tat       timestamptz NOT NULL
);
ALTER TABLE tenant_ingest ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON tenant_ingest USING (tenant_id = request_tenant()) WITH CHECK (tenant_id = request_tenant());

-- limits.subscriptions: checked where every creation passes (API, web, CLI), against concurrent creations too:
-- the tenant's row is locked (NO KEY UPDATE: events and deliveries referencing it are not held up) while its
-- live subscriptions are counted. SQLSTATE HRL01, DETAIL the limit: src/infra/db/tenantLimits.ts reads them.
CREATE FUNCTION enforce_subscription_limit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  cap bigint;
  live bigint;
BEGIN
  IF (SELECT limits ? 'subscriptions' FROM tenants WHERE id = NEW.tenant_id) IS NOT TRUE THEN
    RETURN NEW;
  END IF;
  SELECT (limits->>'subscriptions')::numeric::bigint INTO cap FROM tenants WHERE id = NEW.tenant_id FOR NO KEY UPDATE;
  IF cap IS NULL THEN
    RETURN NEW;
  END IF;
  SELECT count(*) INTO live FROM subscriptions WHERE tenant_id = NEW.tenant_id AND deleted_at IS NULL;
  IF live >= cap THEN
    RAISE EXCEPTION 'tenant % has % subscriptions, its limit', NEW.tenant_id, live
      USING ERRCODE = 'HRL01', DETAIL = cap::text;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER subscriptions_limit BEFORE INSERT ON subscriptions FOR EACH ROW EXECUTE FUNCTION enforce_subscription_limit();
