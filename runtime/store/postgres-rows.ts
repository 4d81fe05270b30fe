/** How PostgreSQL reads hand events over: one JSON array per row, mapped to a StoredEvent here. */
import type { StoredEvent, StreamId } from './types.js';

/**
 * PostgreSQL reads return each event as one text column: a JSON array built by json_build_array
 * (decision 0160, superseding 0126 for PostgreSQL), which escapes the strings and writes the
 * stored payload and metadata as they are, in one buffer per row. `recorded_at AT TIME ZONE 'UTC'` is a timestamp, which JSON writes
 * as ISO 8601 whatever the session's DateStyle and TimeZone (…T14:51:19.123456, trailing zeros
 * dropped). The stream's own reads leave out aggregate id and type: the caller knows them.
 * Indexes: see eventFromArray.
 */
const EVENT_FIELDS = `e.event_id, e.event_type, e.event_version, e.occurred_at, e.correlation_id, e.causation_id,
  e.payload, e.metadata, e.stream_version, e.global_position, e.recorded_at AT TIME ZONE 'UTC'`;
export const POSTGRES_EVENT_ARRAY = `json_build_array(${EVENT_FIELDS}, e.aggregate_id, e.aggregate_type)::text`;
export const POSTGRES_STREAM_EVENT_ARRAY = `json_build_array(${EVENT_FIELDS})::text`;

/**
 * One event as json_build_array wrote it: [id, type, version, occurredAt, correlationId,
 * causationId, payload, metadata, streamVersion, globalPosition, recordedAt, aggregateId?, aggregateType?].
 */
type EventArray = [
  string,
  string,
  number,
  string,
  string | null,
  string | null,
  unknown,
  Record<string, string>,
  number,
  number,
  string,
  string?,
  string?,
];

/**
 * The StoredEvent of one row, as one object literal with the envelope's key order (the CLI prints
 * events as JSON); correlationId / causationId only when set, as on the appended envelope.
 */
export function eventFromArray(json: string, stream?: StreamId): StoredEvent {
  const a = JSON.parse(json) as EventArray;
  const position = { streamVersion: a[8], globalPosition: a[9], recordedAt: isoMillisFromJsonTimestamp(a[10]) };
  const aggregateId = stream ? stream.aggregateId : a[11]!;
  const aggregateType = stream ? stream.aggregateType : a[12]!;
  if (a[4] === null && a[5] === null) {
    return {
      eventId: a[0],
      eventType: a[1],
      eventVersion: a[2],
      aggregateId,
      aggregateType,
      occurredAt: a[3],
      payload: a[6],
      metadata: a[7],
      position,
    };
  }
  const event: { -readonly [K in keyof StoredEvent]: StoredEvent[K] } = {
    eventId: a[0],
    eventType: a[1],
    eventVersion: a[2],
    aggregateId,
    aggregateType,
    occurredAt: a[3],
  } as StoredEvent;
  if (a[4] !== null) event.correlationId = a[4];
  if (a[5] !== null) event.causationId = a[5];
  event.payload = a[6];
  event.metadata = a[7];
  event.position = position;
  return event;
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
