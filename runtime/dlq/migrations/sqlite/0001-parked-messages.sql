-- Dead-letter component, SQLite: parked messages and the audit trail of every decision.
-- Times are RFC 3339 UTC text with milliseconds (toISOString), so text order is time order.

CREATE TABLE event_bus_dlq_parked_messages (
  parked_id              TEXT PRIMARY KEY,
  -- The message id in the dead-letter topic: a redelivery of the same dead letter parks nothing new.
  dead_letter_message_id TEXT NOT NULL UNIQUE,
  event_id               TEXT,
  event_type             TEXT,
  event_version          INTEGER,
  aggregate_id           TEXT,
  source_topic           TEXT,
  source_subscription    TEXT,
  origin_topic           TEXT,
  failure_code           TEXT NOT NULL,
  failure_reason         TEXT NOT NULL,
  park_reason            TEXT NOT NULL CHECK (park_reason IN ('manual', 'retries-exhausted', 'unroutable')),
  park_note              TEXT,
  delivery_attempts      INTEGER NOT NULL,
  retry_count            INTEGER NOT NULL,
  first_failed_at        TEXT NOT NULL,
  last_failed_at         TEXT NOT NULL,
  parked_at              TEXT NOT NULL,
  parked_by              TEXT NOT NULL,
  data                   BLOB NOT NULL,
  attributes             TEXT NOT NULL,
  ordering_key           TEXT,
  status                 TEXT NOT NULL DEFAULT 'parked'
                           CHECK (status IN ('parked', 'requeuing', 'requeued', 'discarded')),
  resolved_at            TEXT,
  resolved_by            TEXT,
  resolution_reason      TEXT,
  requeue_topic          TEXT,
  requeue_message_id     TEXT
);

CREATE INDEX event_bus_dlq_parked_status_time ON event_bus_dlq_parked_messages (status, parked_at);
CREATE INDEX event_bus_dlq_parked_type_time ON event_bus_dlq_parked_messages (event_type, parked_at);

CREATE TABLE event_bus_dlq_audit (
  audit_id               INTEGER PRIMARY KEY AUTOINCREMENT,
  action                 TEXT NOT NULL
                           CHECK (action IN ('retry', 'park', 'discard', 'requeue', 'discard-parked')),
  dead_letter_message_id TEXT,
  parked_id              TEXT,
  event_id               TEXT,
  event_type             TEXT,
  actor                  TEXT NOT NULL,
  reason                 TEXT,
  at                     TEXT NOT NULL,
  details                TEXT NOT NULL DEFAULT '{}'
);

-- One entry per decision on one dead letter, however often Pub/Sub redelivers it.
CREATE UNIQUE INDEX event_bus_dlq_audit_once ON event_bus_dlq_audit (dead_letter_message_id, action);
CREATE INDEX event_bus_dlq_audit_time ON event_bus_dlq_audit (at);
