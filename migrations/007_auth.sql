-- Issue 20 (items 7, 8, 11): API key listing and revocation, web-interface sessions kept in Postgres, and
-- the per-address count of failed authentications that every gateway shares.

-- The first characters of a key (never enough to use it), so an operator can tell keys apart; NULL for keys
-- created before this column existed (the bootstrap keys get theirs at the next start). Who revoked a key.
ALTER TABLE api_keys
  ADD COLUMN prefix text,
  ADD COLUMN revoked_by text;

-- A signed-in web-interface session: the sealed cookie names it by a random nonce, stored here only as its
-- SHA-256. A cookie is honoured only while its row exists, is unexpired and its key unrevoked: signing out
-- deletes the row, for every gateway and across restarts.
CREATE TABLE ui_sessions (
  id          text PRIMARY KEY,
  api_key_id  text NOT NULL REFERENCES api_keys (id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL
);
CREATE INDEX ui_sessions_expiry ON ui_sessions (expires_at);

-- Failed authentications (an unknown or revoked API key, on /v1 or at /login) per client address (an IPv6
-- address counts as its /64) in a fixed window; past the limit the address is refused with 429 until the
-- window ends.
CREATE TABLE auth_failures (
  address       text PRIMARY KEY,
  window_start  timestamptz NOT NULL,
  failures      integer NOT NULL
);
CREATE INDEX auth_failures_window ON auth_failures (window_start);
