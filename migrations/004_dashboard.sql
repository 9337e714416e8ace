-- Issue 14: the dashboard charts (src/app/readModels/dashboardStats.ts) and per-subscription health
-- (src/app/readModels/subscriptionHealth.ts). Each of their aggregates is a range scan of one index below, index-only
-- once the visibility map is set (autovacuum). Measured on 1,000,000 attempts in bench/README.md.

-- The subscription an attempt belongs to, read from its delivery id `dlv_<subscription id>_<22-character
-- event hash>` (src/domain/formats/identity.ts): per-subscription attempt figures without a join to deliveries.
CREATE FUNCTION delivery_subscription_id(delivery_id text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT left(substr(delivery_id, 5), -23) $$;

-- Deliveries per hour / per day by outcome (status, and attempts for first try vs after retries).
CREATE INDEX deliveries_dashboard ON deliveries (created_at) INCLUDE (status, attempts);

-- Open deliveries per subscription: few rows, so a small partial index (same closed list as deliveries_open_chain).
CREATE INDEX deliveries_open_by_subscription ON deliveries (subscription_id, status)
  WHERE status NOT IN ('delivered', 'processed', 'cancelled', 'superseded');

-- Attempts per subscription in time order: success rates, p95 latency, last success, the current failure
-- streak, the sparkline, one subscription's latency chart. delivery_id is included so that these scans are
-- index-only (the planner wants every column an expression reads).
CREATE INDEX attempts_by_subscription ON attempts (delivery_subscription_id(delivery_id), started_at)
  INCLUDE (delivery_id, outcome, duration_ms, status_code, error_kind);

-- Attempt latency over all subscriptions: only the attempts that have one (statsRules.MEASURED_ATTEMPT).
CREATE INDEX attempts_latency ON attempts (started_at) INCLUDE (duration_ms)
  WHERE status_code IS NOT NULL OR error_kind = 'timeout';
