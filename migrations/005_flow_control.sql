-- Issue 15: the flow-control store every worker shares (src/infra/db/flowControl.ts). Per subscription: the rate
-- limiter's next free instant, a Retry-After hold, the breaker's failure count and pause. Per delivery: its
-- in-flight lease. Every decision is taken by the functions below under the subscription's row lock (rows
-- locked in subscription-id order, so batches never deadlock), on the Postgres clock. No foreign keys: the
-- rows are keyed by the ids the caller gives, and a forgotten subscription's row is inert.
CREATE TABLE flow_control (
  subscription_id      text PRIMARY KEY,
  -- Rate limit, burst 1: no grant before this instant; each grant sets it to the grant's time + window / rate.
  next_grant_at        timestamptz,
  held_until           timestamptz,
  consecutive_failures integer NOT NULL DEFAULT 0,
  paused_at            timestamptz
);

-- A granted attempt's claim on one of its subscription's maxInFlight slots, until released or expired.
CREATE TABLE flow_leases (
  delivery_id     text PRIMARY KEY,
  subscription_id text NOT NULL,
  granted_at      timestamptz NOT NULL,
  expires_at      timestamptz NOT NULL
);
CREATE INDEX flow_leases_by_subscription ON flow_leases (subscription_id, expires_at);

-- The subscription's row, created if missing, locked until the end of the transaction.
CREATE FUNCTION flow_lock(sub text) RETURNS flow_control LANGUAGE plpgsql AS $$
DECLARE
  r flow_control;
BEGIN
  SELECT * INTO r FROM flow_control f WHERE f.subscription_id = sub FOR UPDATE;
  IF NOT FOUND THEN
    INSERT INTO flow_control (subscription_id) VALUES (sub) ON CONFLICT DO NOTHING;
    SELECT * INTO r FROM flow_control f WHERE f.subscription_id = sub FOR UPDATE;
  END IF;
  RETURN r;
END $$;

-- One answer per request (ord = its 1-based position): 'paused' (breaker open, not a probe), 'wait' with
-- wait_ms (Retry-After hold, maxInFlight reached, or the rate), or 'granted' with a lease. The clock is read
-- after the row lock is taken, so a transaction that queued behind another never grants on a stale time.
-- A request that is not granted gives back any lease its delivery still held.
CREATE FUNCTION flow_acquire(
  subs text[], deliveries text[], per_second float8[], in_flight integer[], probes boolean[],
  window_ms float8, lease_ms float8, poll_ms float8
) RETURNS TABLE (ord integer, kind text, wait_ms float8) LANGUAGE plpgsql AS $$
DECLARE
  sub text;
  r flow_control;
  t timestamptz;
  next_at timestamptz;
  live integer;
  rate_waiters integer;
  spacing interval;
  holding boolean;
  q record;
BEGIN
  FOR sub IN SELECT DISTINCT s FROM unnest(subs) s ORDER BY 1 LOOP
    r := flow_lock(sub);
    t := clock_timestamp();
    DELETE FROM flow_leases l WHERE l.subscription_id = sub AND l.expires_at <= t;
    SELECT count(*) INTO live FROM flow_leases l WHERE l.subscription_id = sub;
    next_at := r.next_grant_at;
    rate_waiters := 0;
    FOR q IN
      SELECT u.i::integer AS i, u.d, u.ps, u.mf, u.p
      FROM unnest(subs, deliveries, per_second, in_flight, probes) WITH ORDINALITY AS u(s, d, ps, mf, p, i)
      WHERE u.s = sub ORDER BY u.i
    LOOP
      ord := q.i;
      wait_ms := NULL;
      spacing := ceil(window_ms * 1000 / q.ps) * interval '1 microsecond';
      holding := EXISTS (SELECT 1 FROM flow_leases l WHERE l.delivery_id = q.d AND l.subscription_id = sub);
      IF r.paused_at IS NOT NULL AND NOT q.p THEN
        kind := 'paused';
      ELSIF r.held_until > t THEN
        kind := 'wait';
        wait_ms := ceil(extract(epoch FROM r.held_until - t) * 1000);
      ELSIF NOT holding AND live >= q.mf THEN
        kind := 'wait';
        wait_ms := poll_ms;
      ELSIF next_at > t THEN
        kind := 'wait';
        wait_ms := ceil(extract(epoch FROM next_at - t + rate_waiters * spacing) * 1000);
        rate_waiters := rate_waiters + 1;
      ELSE
        kind := 'granted';
        next_at := t + spacing;
        INSERT INTO flow_leases AS l (delivery_id, subscription_id, granted_at, expires_at)
          VALUES (q.d, sub, t, t + lease_ms * interval '1 millisecond')
          ON CONFLICT (delivery_id) DO UPDATE
          SET subscription_id = excluded.subscription_id, granted_at = excluded.granted_at, expires_at = excluded.expires_at;
        IF NOT holding THEN
          live := live + 1;
        END IF;
      END IF;
      IF kind <> 'granted' AND holding THEN
        DELETE FROM flow_leases l WHERE l.delivery_id = q.d;
        live := live - 1;
      END IF;
      RETURN NEXT;
    END LOOP;
    IF next_at IS DISTINCT FROM r.next_grant_at THEN
      UPDATE flow_control f SET next_grant_at = next_at WHERE f.subscription_id = sub;
    END IF;
  END LOOP;
END $$;

-- Counts attempts per subscription in request order: a failure adds one (reaching the threshold while not
-- paused pauses), a success resets to 0 and resumes; a hold pushes held_until out (never back). Returns the
-- net change per subscription over the batch: 'paused' (was not paused, is now) or 'resumed' (the reverse).
CREATE FUNCTION flow_tally(subs text[], successes boolean[], hold_ms float8[], pause_after integer[])
RETURNS TABLE (sub_id text, change text) LANGUAGE plpgsql AS $$
DECLARE
  sub text;
  r flow_control;
  t timestamptz;
  failures integer;
  paused timestamptz;
  held timestamptz;
  q record;
BEGIN
  FOR sub IN SELECT DISTINCT s FROM unnest(subs) s ORDER BY 1 LOOP
    r := flow_lock(sub);
    t := clock_timestamp();
    failures := r.consecutive_failures;
    paused := r.paused_at;
    held := r.held_until;
    FOR q IN
      SELECT u.ok, u.h, u.pa
      FROM unnest(subs, successes, hold_ms, pause_after) WITH ORDINALITY AS u(s, ok, h, pa, i)
      WHERE u.s = sub ORDER BY u.i
    LOOP
      IF q.ok THEN
        failures := 0;
        paused := NULL;
      ELSE
        failures := failures + 1;
        IF paused IS NULL AND failures >= q.pa THEN
          paused := t;
        END IF;
      END IF;
      IF q.h > 0 THEN
        held := greatest(held, t + q.h * interval '1 millisecond');
      END IF;
    END LOOP;
    UPDATE flow_control f SET consecutive_failures = failures, paused_at = paused, held_until = held
      WHERE f.subscription_id = sub;
    sub_id := sub;
    IF r.paused_at IS NULL AND paused IS NOT NULL THEN
      change := 'paused';
      RETURN NEXT;
    ELSIF r.paused_at IS NOT NULL AND paused IS NULL THEN
      change := 'resumed';
      RETURN NEXT;
    END IF;
  END LOOP;
END $$;
