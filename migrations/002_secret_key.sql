-- Fingerprints (HMAC, never the key) of the key that seals this installation's secrets: exactly one
-- active row; rows retired by a rotation keep their old key refused at start.
CREATE TABLE secret_key_fingerprints (
  fingerprint  text PRIMARY KEY,
  key_id       text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  retired_at   timestamptz
);
CREATE UNIQUE INDEX secret_key_fingerprints_one_active ON secret_key_fingerprints ((true)) WHERE retired_at IS NULL;
