-- What each delivery's event is about (src/domain/events/subject.ts, derived at ingest): the employee number
-- beside subject_id/subject_name, and the resource key (`absence:<id>`, `employee:<id>`,
-- `payrun:<id>`) that search looks up by equality and that per-resource ordering groups by.
-- Rows stored before this migration keep a null key: found by name and id as before, never ordered.
ALTER TABLE deliveries ADD COLUMN subject_number text, ADD COLUMN resource_key text;
CREATE INDEX deliveries_by_resource ON deliveries (resource_key, created_at DESC, id DESC) WHERE resource_key IS NOT NULL;
CREATE INDEX deliveries_by_subject_id ON deliveries (subject_id) WHERE subject_id IS NOT NULL;
CREATE INDEX deliveries_by_subject_number ON deliveries (subject_number) WHERE subject_number IS NOT NULL;
