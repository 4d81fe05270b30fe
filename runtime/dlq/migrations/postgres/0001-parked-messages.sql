-- Dead-letter component, PostgreSQL: parked messages and the audit trail of every decision.

CREATE TABLE event_bus_dlq_parked_messages (
  parked_id              uuid PRIMARY KEY,
  -- The message id in the dead-letter topic: a redelivery of the same dead letter parks nothing new.
  dead_letter_message_id text NOT NULL UNIQUE,
  event_id               text,
  event_type             text,
  event_version          integer,
  aggregate_id           text,
  source_topic           text,
  source_subscription    text,
  origin_topic           text,
  failure_code           text NOT NULL,
  failure_reason         text NOT NULL,
  park_reason            text NOT NULL CHECK (park_reason IN ('manual', 'retries-exhausted', 'unroutable')),
  park_note              text,
  delivery_attempts      integer NOT NULL,
  retry_count            integer NOT NULL,
  first_failed_at        timestamptz NOT NULL,
  last_failed_at         timestamptz NOT NULL,
  parked_at              timestamptz NOT NULL,
  parked_by              text NOT NULL,
  data                   bytea NOT NULL,
  attributes             jsonb NOT NULL,
  ordering_key           text,
  status                 text NOT NULL DEFAULT 'parked'
                           CHECK (status IN ('parked', 'requeuing', 'requeued', 'discarded')),
  resolved_at            timestamptz,
  resolved_by            text,
  resolution_reason      text,
  requeue_topic          text,
  requeue_message_id     text
);

CREATE INDEX event_bus_dlq_parked_status_time ON event_bus_dlq_parked_messages (status, parked_at);
CREATE INDEX event_bus_dlq_parked_type_time ON event_bus_dlq_parked_messages (event_type, parked_at);

CREATE TABLE event_bus_dlq_audit (
  audit_id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  action                 text NOT NULL
                           CHECK (action IN ('retry', 'park', 'discard', 'requeue', 'discard-parked')),
  dead_letter_message_id text,
  parked_id              uuid,
  event_id               text,
  event_type             text,
  actor                  text NOT NULL,
  reason                 text,
  at                     timestamptz NOT NULL,
  details                jsonb NOT NULL DEFAULT '{}'
);

-- One entry per decision on one dead letter, however often Pub/Sub redelivers it.
CREATE UNIQUE INDEX event_bus_dlq_audit_once ON event_bus_dlq_audit (dead_letter_message_id, action);
CREATE INDEX event_bus_dlq_audit_time ON event_bus_dlq_audit (at);
