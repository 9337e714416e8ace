-- Issue 23 item 5: retention per tenant. tenants.retention {events, bodies} (absent: HRHOOKS_RETENTION_* defaults),
-- and the attempt log partitioned by day on started_at, so that expiry drops a day's partition instead of
-- deleting its rows (src/infra/db/retention.ts; the rules in src/app/retention/run.ts).
ALTER TABLE tenants ADD COLUMN retention jsonb NOT NULL DEFAULT '{}'::jsonb;

-- The old table's names are freed for the new one; its rows are copied below, then it goes.
ALTER TABLE attempts RENAME TO attempts_unpartitioned;
DROP TRIGGER attempts_tenant ON attempts_unpartitioned;
DROP POLICY tenant_rows ON attempts_unpartitioned;
DROP INDEX attempts_by_subscription, attempts_latency, attempts_by_tenant;
ALTER TABLE attempts_unpartitioned DROP CONSTRAINT attempts_pkey;

-- Same columns in the same order; bodies_dropped_at: when retention removed the request and response bodies.
-- A unique key of a partitioned table must hold its partition key: (delivery_id, number) is unique per
-- started_at only. The one writer (src/infra/db/deliveryStatus.ts) replaces a delivery's attempt `number`
-- under that delivery's row lock, so an attempt number still appears once.
CREATE TABLE attempts (
  delivery_id        text NOT NULL REFERENCES deliveries (id),
  number             integer NOT NULL,
  started_at         timestamptz NOT NULL,
  duration_ms        integer NOT NULL,
  url                text NOT NULL,
  request_headers    jsonb NOT NULL,
  request_body       text NOT NULL,
  status_code        integer,
  response_headers   jsonb,
  response_body      text,
  response_truncated boolean NOT NULL DEFAULT false,
  error_kind         text,
  error_message      text,
  outcome            text NOT NULL,
  tenant_id          text NOT NULL DEFAULT 'default' REFERENCES tenants (id),
  bodies_dropped_at  timestamptz,
  PRIMARY KEY (delivery_id, number, started_at)
) PARTITION BY RANGE (started_at);

-- Rows of days that have no partition (yet, or any more): attempts of open deliveries kept when their day's
-- partition was dropped, and whatever lands before the partitions ahead exist.
CREATE TABLE attempts_default PARTITION OF attempts DEFAULT;

-- The indexes of 004 and 012, on every partition.
CREATE INDEX attempts_by_subscription ON attempts (delivery_subscription_id(delivery_id), started_at)
  INCLUDE (delivery_id, outcome, duration_ms, status_code, error_kind);
CREATE INDEX attempts_latency ON attempts (started_at) INCLUDE (duration_ms)
  WHERE status_code IS NOT NULL OR error_kind = 'timeout';
CREATE INDEX attempts_by_tenant ON attempts (tenant_id, started_at);
-- The bodies retention has still to drop: only rows not yet stripped, so a run reads what it changes.
CREATE INDEX attempts_bodies_held ON attempts (tenant_id, started_at) WHERE bodies_dropped_at IS NULL;

CREATE TRIGGER attempts_tenant BEFORE INSERT ON attempts FOR EACH ROW EXECUTE FUNCTION attempt_tenant();
ALTER TABLE attempts ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON attempts USING (tenant_id = request_tenant()) WITH CHECK (tenant_id = request_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON attempts TO hrhooks_tenant;

-- A partition is read through `attempts` (whose policy applies): a tenant's role gets no privilege on it, and it
-- carries the same policy in case one is ever granted.
CREATE FUNCTION attempts_partition_secure(part text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('REVOKE ALL ON %I FROM hrhooks_tenant', part);
  EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', part);
  EXECUTE format('CREATE POLICY tenant_rows ON %I USING (tenant_id = request_tenant()) WITH CHECK (tenant_id = request_tenant())', part);
END $$;
SELECT attempts_partition_secure('attempts_default');

-- The partition of one UTC day, `attempts_pYYYYMMDD`; false when it exists. Rows of that day already in the
-- default partition (nobody created it in time) move into it before it is attached.
CREATE FUNCTION attempts_partition_ensure(day date) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  part text := 'attempts_p' || to_char(day, 'YYYYMMDD');
  lo timestamptz := day::timestamp AT TIME ZONE 'UTC';
  hi timestamptz := (day + 1)::timestamp AT TIME ZONE 'UTC';
BEGIN
  IF to_regclass(part) IS NOT NULL THEN RETURN false; END IF;
  EXECUTE format('CREATE TABLE %I (LIKE attempts INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
  EXECUTE format('WITH moved AS (DELETE FROM attempts_default WHERE started_at >= %L AND started_at < %L RETURNING *) INSERT INTO %I SELECT * FROM moved', lo, hi, part);
  EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (started_at >= %L AND started_at < %L)', part, part || '_range', lo, hi);
  EXECUTE format('ALTER TABLE attempts ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
  EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', part, part || '_range');
  PERFORM attempts_partition_secure(part);
  RETURN true;
END $$;

-- Today's rows and those of every day the attempt log holds (capped at 400 days back; older ones stay in the
-- default partition, where retention deletes them row by row), and a week ahead.
SELECT attempts_partition_ensure(d::date)
  FROM (SELECT DISTINCT (started_at AT TIME ZONE 'UTC')::date AS d FROM attempts_unpartitioned
         WHERE started_at >= now() - interval '400 days'
        UNION SELECT ((now() AT TIME ZONE 'UTC')::date + i) FROM generate_series(0, 7) AS i) days;

-- The rows as they were.
INSERT INTO attempts (delivery_id, number, started_at, duration_ms, url, request_headers, request_body, status_code,
                      response_headers, response_body, response_truncated, error_kind, error_message, outcome, tenant_id)
SELECT delivery_id, number, started_at, duration_ms, url, request_headers, request_body, status_code,
       response_headers, response_body, response_truncated, error_kind, error_message, outcome, tenant_id
  FROM attempts_unpartitioned;
DROP TABLE attempts_unpartitioned;

-- Retention finds a tenant's events past their period by this (those with no delivery left go).
CREATE INDEX events_by_tenant_received ON events (tenant_id, received_at);
