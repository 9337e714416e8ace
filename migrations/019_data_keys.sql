-- Issue 23 items 3-4: crypto-shredding. One random 256-bit data key per (tenant, employee), stored wrapped
-- (AES-256-GCM) by the payload key (src/infra/crypto/dataKeys.ts); an employee's personal data at rest (event
-- body, attempt bodies, subject name) is sealed with it. An erasure empties `wrapped` and sets `erased_at`: the
-- data sealed under that key can no longer be opened anywhere (rows, WAL, backups). employee_id '' is the
-- tenant's own key, for events about no employee (pay runs, test messages). Rows stored before stay in clear.
CREATE TABLE employee_keys (
  key_id       text PRIMARY KEY,               -- random, named in every envelope `hrk1:<key_id>:...`
  tenant_id    text NOT NULL DEFAULT current_tenant_or_default() REFERENCES tenants (id) ON DELETE CASCADE,
  employee_id  text NOT NULL,
  wrapped      text,                           -- `<payload key id>:<base64 iv|ciphertext|tag>`; NULL once erased
  created_at   timestamptz NOT NULL DEFAULT now(),
  erased_at    timestamptz,
  CHECK ((wrapped IS NULL) = (erased_at IS NOT NULL))
);
-- One live key per employee; after an erasure the next event about them gets a new one (not a block list).
CREATE UNIQUE INDEX employee_keys_live ON employee_keys (tenant_id, employee_id) WHERE erased_at IS NULL;
CREATE INDEX employee_keys_by_employee ON employee_keys (tenant_id, employee_id);

-- Name search without the name: HMAC-SHA256 of the normalised full name and of each of its words, under a
-- per-tenant key derived from the payload key (src/infra/crypto/blindIndex.ts).
ALTER TABLE deliveries ADD COLUMN subject_name_index text[];
CREATE INDEX deliveries_by_subject_name_index ON deliveries USING gin (subject_name_index);

-- The receipts of erasures: the employee id and counts, never personal data beyond the id.
CREATE TABLE erasures (
  id           text PRIMARY KEY,
  tenant_id    text NOT NULL DEFAULT current_tenant_or_default() REFERENCES tenants (id) ON DELETE CASCADE,
  employee_id  text NOT NULL,
  at           timestamptz NOT NULL DEFAULT now(),
  by           text NOT NULL,
  counts       jsonb NOT NULL
);
CREATE INDEX erasures_by_tenant ON erasures (tenant_id, at DESC, id DESC);
CREATE INDEX erasures_by_employee ON erasures (tenant_id, employee_id);

ALTER TABLE employee_keys ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON employee_keys USING (tenant_id = request_tenant()) WITH CHECK (tenant_id = request_tenant());
ALTER TABLE erasures ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON erasures USING (tenant_id = request_tenant()) WITH CHECK (tenant_id = request_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON employee_keys, erasures TO hrhooks_tenant;

-- Whose data an event is (src/domain/events/dataSubject.ts): an erasure and an access export find an employee's
-- events by it, deliveries or not. NULL: about no employee (sealed under the tenant's key).
ALTER TABLE events ADD COLUMN employee_id text;
CREATE INDEX events_by_employee ON events (tenant_id, employee_id) WHERE employee_id IS NOT NULL;
