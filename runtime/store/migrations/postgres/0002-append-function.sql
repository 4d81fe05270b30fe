-- One round trip per append (decision 0125): store_append does what the backend used to do in
-- four statements (advisory lock, version check, event insert, outbox insert), in this order:
-- 1. pg_advisory_xact_lock on the stream's key. It assigns no transaction id, so the id that the
--    insert below assigns is larger than that of every append to the stream that committed
--    before (docs/postgres-gap-safe-cursor.md, item 5).
-- 2. The stream's version, read by a new statement with a new snapshot (READ COMMITTED; the
--    function is VOLATILE): it sees every append that committed before the lock was granted.
-- 3. If the version is outside [p_min_version, p_max_version] (the caller's expected version as a
--    range) nothing is written: the function returns the version and a NULL position.
-- 4. The events, numbered from the version + 1, and their outbox rows when p_outbox.
-- Called as one autocommit statement, or inside BEGIN … COMMIT when a hook must run before COMMIT.
CREATE FUNCTION store_append(
  p_lock_key bigint,
  p_aggregate_type text,
  p_aggregate_id text,
  p_min_version bigint,
  p_max_version bigint,
  p_event_ids text[],
  p_event_types text[],
  p_event_versions integer[],
  p_occurred_at text[],
  p_occurred_at_ts timestamptz[],
  p_correlation_ids text[],
  p_causation_ids text[],
  p_payloads text[],
  p_metadata text[],
  p_outbox boolean,
  OUT current_version bigint,
  OUT last_position bigint
)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(p_lock_key);
  -- The last row by the unique index, not max(): one index probe whatever the stream's length.
  current_version := coalesce((
    SELECT e.stream_version FROM store_events e
    WHERE e.aggregate_type = p_aggregate_type AND e.aggregate_id = p_aggregate_id
    ORDER BY e.stream_version DESC LIMIT 1), 0);
  IF current_version < p_min_version OR current_version > p_max_version THEN
    last_position := NULL;
    RETURN;
  END IF;
  WITH inserted AS (
    INSERT INTO store_events (event_id, aggregate_type, aggregate_id, stream_version, event_type, event_version,
      occurred_at, occurred_at_ts, correlation_id, causation_id, payload, metadata)
    SELECT t.event_id, p_aggregate_type, p_aggregate_id, current_version + t.n, t.event_type, t.event_version,
      t.occurred_at, t.occurred_at_ts, t.correlation_id, t.causation_id, t.payload::jsonb, t.metadata::jsonb
    FROM unnest(p_event_ids, p_event_types, p_event_versions, p_occurred_at, p_occurred_at_ts, p_correlation_ids,
        p_causation_ids, p_payloads, p_metadata)
      WITH ORDINALITY AS t(event_id, event_type, event_version, occurred_at, occurred_at_ts, correlation_id,
        causation_id, payload, metadata, n)
    ORDER BY t.n
    RETURNING store_events.global_position, store_events.recorded_at
  ), outboxed AS (
    INSERT INTO store_outbox (global_position, recorded_at)
    SELECT i.global_position, i.recorded_at FROM inserted i WHERE p_outbox
  )
  SELECT max(i.global_position) INTO last_position FROM inserted i;
END
$$;
