-- Which formats exist is the format registry's to say (src/domain/formats/registry.ts: a format is one file plus
-- one line there), checked by the API on create and update; the CHECK of 001_init.sql was a second list.
ALTER TABLE subscriptions DROP CONSTRAINT IF EXISTS subscriptions_format_check;
