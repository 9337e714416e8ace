-- Subscriptions, accepted events (body kept as json: the exact text, key order included), deliveries (a searchable mirror of the
-- delivery workflows), attempts (every request sent and its response), API keys.
CREATE TABLE subscriptions (
  id               text PRIMARY KEY,
  name             text NOT NULL,
  url              text NOT NULL,
  format           text NOT NULL CHECK (format IN ('lucca', 'aspnet', 'standard')),
  events           jsonb NOT NULL,
  mode             text CHECK (mode IN ('all', 'approved')),
  authorization_enc text,
  secrets_enc      text,
  retry_schedule   jsonb,
  headers          jsonb NOT NULL DEFAULT '{}'::jsonb,
  properties       jsonb NOT NULL DEFAULT '{}'::jsonb,
  enabled          boolean NOT NULL DEFAULT true,
  disabled_reason  text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  deleted_at       timestamptz
);

CREATE TABLE events (
  id           text PRIMARY KEY,
  type         text NOT NULL,
  occurred_at  timestamptz NOT NULL,
  body         json NOT NULL,
  body_hash    text NOT NULL,
  is_test      boolean NOT NULL DEFAULT false,
  received_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE deliveries (
  id                text PRIMARY KEY,
  event_id          text NOT NULL REFERENCES events(id),
  subscription_id   text NOT NULL REFERENCES subscriptions(id),
  event_type        text NOT NULL,
  format            text NOT NULL,
  status            text NOT NULL,
  attempts          integer NOT NULL DEFAULT 0,
  last_status_code  integer,
  last_error        text,
  next_attempt_at   timestamptz,
  workflow_started  boolean NOT NULL DEFAULT false,
  subject_id        text,
  subject_name      text,
  actions           jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (event_id, subscription_id)
);
CREATE INDEX deliveries_by_status ON deliveries (status, created_at DESC, id DESC);
CREATE INDEX deliveries_by_subscription ON deliveries (subscription_id, created_at DESC, id DESC);
CREATE INDEX deliveries_by_event_type ON deliveries (event_type, created_at DESC, id DESC);
CREATE INDEX deliveries_by_created ON deliveries (created_at DESC, id DESC);
CREATE INDEX deliveries_unstarted ON deliveries (created_at) WHERE NOT workflow_started;

CREATE TABLE attempts (
  delivery_id        text NOT NULL REFERENCES deliveries(id),
  number             integer NOT NULL,
  started_at         timestamptz NOT NULL,
  duration_ms        integer NOT NULL,
  url                text NOT NULL,
  request_headers    jsonb NOT NULL,
  request_body       text NOT NULL,
  status_code        integer,
  response_headers   jsonb,
  response_body      text,
  response_truncated boolean NOT NULL DEFAULT false,
  error_kind         text,
  error_message      text,
  outcome            text NOT NULL,
  PRIMARY KEY (delivery_id, number)
);

CREATE TABLE api_keys (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  scope       text NOT NULL CHECK (scope IN ('producer', 'admin')),
  key_hash    text NOT NULL UNIQUE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);
