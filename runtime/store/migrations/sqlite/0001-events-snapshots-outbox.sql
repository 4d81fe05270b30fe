-- The event log, snapshots and the transactional outbox (SQLite).
-- Stream = (aggregate_type, aggregate_id); stream_version counts events from 1.
-- Writers are serialized by SQLite's write lock, so global_position order is commit order.
CREATE TABLE store_events (
  global_position INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT NOT NULL,
  aggregate_type TEXT NOT NULL,
  aggregate_id TEXT NOT NULL,
  stream_version INTEGER NOT NULL,
  event_type TEXT NOT NULL,
  event_version INTEGER NOT NULL,
  -- occurred_at keeps the envelope's string as written; occurred_at_ms is for range queries.
  occurred_at TEXT NOT NULL,
  occurred_at_ms INTEGER NOT NULL,
  recorded_at TEXT NOT NULL,
  correlation_id TEXT,
  causation_id TEXT,
  payload TEXT NOT NULL,
  metadata TEXT NOT NULL,
  CONSTRAINT store_events_event_id_unique UNIQUE (event_id),
  CONSTRAINT store_events_stream_version_unique UNIQUE (aggregate_type, aggregate_id, stream_version)
);

CREATE INDEX store_events_occurred_at ON store_events (occurred_at_ms);
CREATE INDEX store_events_type ON store_events (event_type, global_position);

CREATE TABLE store_snapshots (
  aggregate_type TEXT NOT NULL,
  aggregate_id TEXT NOT NULL,
  reducer_version TEXT NOT NULL,
  stream_version INTEGER NOT NULL,
  state TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (aggregate_type, aggregate_id, reducer_version)
);

CREATE TABLE store_outbox (
  global_position INTEGER PRIMARY KEY REFERENCES store_events (global_position),
  recorded_at TEXT NOT NULL,
  -- claims so far; a relay that dies mid-publish leaves its claim to expire
  attempts INTEGER NOT NULL DEFAULT 0,
  claimed_until_ms INTEGER,
  sent_at TEXT,
  last_error TEXT
);

CREATE INDEX store_outbox_pending ON store_outbox (global_position) WHERE sent_at IS NULL;
