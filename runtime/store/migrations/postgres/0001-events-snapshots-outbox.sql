-- The event log, snapshots and the transactional outbox (PostgreSQL).
-- Stream = (aggregate_type, aggregate_id); stream_version counts events from 1.
-- transaction_id makes "read all after a position" gap-safe: see docs/postgres-gap-safe-cursor.md.
CREATE TABLE store_events (
  global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
  event_id text NOT NULL,
  aggregate_type text NOT NULL,
  aggregate_id text NOT NULL,
  stream_version bigint NOT NULL,
  event_type text NOT NULL,
  event_version integer NOT NULL,
  -- occurred_at keeps the envelope's string as written; occurred_at_ts is for range queries.
  occurred_at text NOT NULL,
  occurred_at_ts timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  correlation_id text,
  causation_id text,
  payload jsonb NOT NULL,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  CONSTRAINT store_events_event_id_unique UNIQUE (event_id),
  CONSTRAINT store_events_stream_version_unique UNIQUE (aggregate_type, aggregate_id, stream_version)
);

-- The global read order is (transaction_id, global_position).
CREATE INDEX store_events_global_order ON store_events (transaction_id, global_position);
CREATE INDEX store_events_occurred_at ON store_events (occurred_at_ts);
CREATE INDEX store_events_type ON store_events (event_type, global_position);

CREATE TABLE store_snapshots (
  aggregate_type text NOT NULL,
  aggregate_id text NOT NULL,
  reducer_version text NOT NULL,
  stream_version bigint NOT NULL,
  state jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (aggregate_type, aggregate_id, reducer_version)
);

CREATE TABLE store_outbox (
  global_position bigint PRIMARY KEY REFERENCES store_events (global_position),
  recorded_at timestamptz NOT NULL,
  -- claims so far; a relay that dies mid-publish leaves its claim to expire
  attempts integer NOT NULL DEFAULT 0,
  claimed_until timestamptz,
  sent_at timestamptz,
  last_error text
);

CREATE INDEX store_outbox_pending ON store_outbox (global_position) WHERE sent_at IS NULL;
