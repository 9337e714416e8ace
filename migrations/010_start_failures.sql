-- A workflow start that failed is counted on its rows, so the re-drive pass takes the events that never
-- failed first and one event whose start keeps failing never holds back the others. A start Temporal
-- refused for good (start_refused: its words) ends the deliveries `failed`, on the to-do list.
ALTER TABLE deliveries
  ADD COLUMN start_failures integer NOT NULL DEFAULT 0,
  ADD COLUMN start_refused text;
