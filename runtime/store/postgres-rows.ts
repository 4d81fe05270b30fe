/** How PostgreSQL reads hand events over: one JSON array per row, mapped to a StoredEvent here. */
import { storedEventFromArray, type EventArray } from './rows.js';
import type { StoredEvent, StreamId } from './types.js';

/**
 * PostgreSQL reads return each event as one text column: a JSON array built by json_build_array
 * (decision 0160, superseding 0126 for PostgreSQL), which escapes the strings and writes the
 * stored payload and metadata as they are, in one buffer per row. `recorded_at AT TIME ZONE 'UTC'` is a timestamp, which JSON writes
 * as ISO 8601 whatever the session's DateStyle and TimeZone (…T14:51:19.123456, trailing zeros
 * dropped). The stream's own reads leave out aggregate id and type: the caller knows them.
 * Indexes: see EventArray (rows.ts).
 */
const EVENT_FIELDS = `e.event_id, e.event_type, e.event_version, e.occurred_at, e.correlation_id, e.causation_id,
  e.payload, e.metadata, e.stream_version, e.global_position, e.recorded_at AT TIME ZONE 'UTC'`;
export const POSTGRES_EVENT_ARRAY = `json_build_array(${EVENT_FIELDS}, e.aggregate_id, e.aggregate_type)::text`;
export const POSTGRES_STREAM_EVENT_ARRAY = `json_build_array(${EVENT_FIELDS})::text`;

/** The StoredEvent of one row's json_build_array text; `stream` for the stream's own reads. */
export function eventFromArray(json: string, stream?: StreamId): StoredEvent {
  const a = JSON.parse(json) as EventArray;
  const recordedAt = isoMillisFromJsonTimestamp(a[10]);
  return stream
    ? storedEventFromArray(a, recordedAt, stream.aggregateId, stream.aggregateType)
    : storedEventFromArray(a, recordedAt, a[11]!, a[12]!);
}

/**
 * Date#toISOString's form (milliseconds, truncated as to_char's MS and pg's Date parsing did)
 * of JSON's timestamp text, without a Date: "2026-12-01T14:51:19.1234" -> "…19.123Z".
 */
export function isoMillisFromJsonTimestamp(text: string): string {
  const dot = text.lastIndexOf('.');
  if (dot < 0) return `${text}.000Z`;
  const end = dot + 4;
  return text.length >= end ? `${text.slice(0, end)}Z` : `${text.padEnd(end, '0')}Z`;
}
