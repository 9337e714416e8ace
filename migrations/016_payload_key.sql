-- Issue 23: one small payload per payload key, encrypted by the Temporal payload codec under that key
-- (src/infra/db/payloadKeyCheck.ts). A process whose keys cannot open the newest one refuses to start: it could
-- not read the histories the others write. Rows are only ever added (a rotation adds the new key's).
CREATE TABLE payload_key_check (
  key_id      text PRIMARY KEY,
  payload     bytea NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
