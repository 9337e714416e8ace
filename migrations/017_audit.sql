-- Issue 23 item 7: the audit trail. One row per admin or operator action (who, in which tenant, when, what, on
-- what, with what outcome, from which address), never a payload, a secret or personal data
-- (src/app/audit/record.ts decides what an entry may hold). Append-only: no role may UPDATE or DELETE a row
-- (the triggers below refuse it, the owner included); purging old entries is the table owner's maintenance task
-- (README "Audit trail": disable the trigger in the purging transaction, which only the owner can do).
CREATE TABLE audit_log (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at           timestamptz NOT NULL DEFAULT clock_timestamp(),
  -- NULL: a platform-level action (tenants, platform keys); no foreign key, so an entry outlives its tenant
  tenant_id    text CHECK (tenant_id IS NULL OR tenant_id ~ '^[A-Za-z0-9._-]{1,64}$'),
  actor_type   text NOT NULL CHECK (actor_type IN ('key', 'session', 'portal', 'cli', 'system', 'anonymous')),
  actor_id     text,
  actor_name   text NOT NULL,
  action       text NOT NULL CHECK (action ~ '^[a-z_]+\.[a-z_]+$'),
  target_type  text,
  target_id    text,
  outcome      text NOT NULL CHECK (outcome IN ('ok', 'refused', 'failed')),
  status       integer,
  address      text,
  request_id   text,
  door         text NOT NULL CHECK (door IN ('api', 'web', 'cli', 'app')),
  -- facts about the action that are neither payload nor personal data (counts, flags such as hasNote)
  detail       jsonb NOT NULL DEFAULT '{}'::jsonb
);

CREATE INDEX audit_log_by_tenant ON audit_log (tenant_id, at DESC, id DESC);
CREATE INDEX audit_log_by_actor ON audit_log (actor_name, at DESC);
CREATE INDEX audit_log_by_action ON audit_log (action, at DESC);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- A tenant's requests read and add their own tenant's entries only; platform-level entries (tenant NULL) are the
-- connecting role's (platform keys, the CLI). The role keeps the grants every table has (migration 012's default
-- privileges): an UPDATE or DELETE of its own rows reaches the trigger above and is refused; TRUNCATE was never granted.
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON audit_log USING (tenant_id = request_tenant()) WITH CHECK (tenant_id = request_tenant());
