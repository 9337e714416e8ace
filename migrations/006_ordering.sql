-- Issue 15: per-resource ordering, collapse, limits and the circuit breaker.
-- Arrival order of events (the tie-break after occurred_at), copied onto each delivery with occurred_at so
-- a delivery's chain (same subscription, same resource key) is one index range.
ALTER TABLE events ADD COLUMN seq bigserial;
ALTER TABLE deliveries
  ADD COLUMN occurred_at timestamptz,
  ADD COLUMN seq bigint,
  ADD COLUMN waiting_for text,
  ADD COLUMN superseded_by text;
UPDATE deliveries d SET occurred_at = e.occurred_at, seq = e.seq FROM events e WHERE e.id = d.event_id;
-- The open part of every chain: what a delivery waits for, and what a closed one releases.
CREATE INDEX deliveries_open_chain ON deliveries (subscription_id, resource_key, occurred_at, seq)
  WHERE resource_key IS NOT NULL AND status NOT IN ('delivered', 'processed', 'cancelled', 'superseded');
-- Deliveries held back by a paused subscription, found when it resumes.
CREATE INDEX deliveries_waiting ON deliveries (subscription_id, occurred_at, seq) WHERE status = 'queued';

-- Delivery policy per subscription (defaults, as DEFAULT_LIMITS in src/domain/flow/limits.ts: ordering from the format, 100 requests/s, 20 in flight,
-- pause after 10 consecutive failed attempts). Existing lucca and aspnet subscriptions become ordered.
ALTER TABLE subscriptions
  ADD COLUMN ordering text NOT NULL DEFAULT 'none' CHECK (ordering IN ('resource', 'none')),
  ADD COLUMN collapse boolean NOT NULL DEFAULT false,
  ADD COLUMN max_per_second integer NOT NULL DEFAULT 100 CHECK (max_per_second BETWEEN 1 AND 10000),
  ADD COLUMN max_in_flight integer NOT NULL DEFAULT 20 CHECK (max_in_flight BETWEEN 1 AND 1000),
  ADD COLUMN pause_after_failures integer NOT NULL DEFAULT 10 CHECK (pause_after_failures BETWEEN 1 AND 100000);
UPDATE subscriptions SET ordering = 'resource' WHERE format IN ('lucca', 'aspnet');
