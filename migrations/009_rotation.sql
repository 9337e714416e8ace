-- A rotated credential of a single-credential format (aspnet secret, lucca Authorization value) waiting to take
-- effect: sealed JSON { kind, value, activateAt }. Until then the current one keeps being sent.
ALTER TABLE subscriptions ADD COLUMN pending_credential_enc text;
