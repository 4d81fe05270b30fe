/** Row <-> envelope mapping shared by the backends. */
import type { AnyEventEnvelope } from '../envelope.js';
import { InvalidAppendError } from './errors.js';
import type { StoredEvent, StreamId } from './types.js';

/** Column values of one event row, as both backends read them back (after type coercion). */
export interface EventRow {
  readonly global_position: number | string;
  readonly event_id: string;
  readonly aggregate_type: string;
  readonly aggregate_id: string;
  readonly stream_version: number | string;
  readonly event_type: string;
  readonly event_version: number;
  readonly occurred_at: string;
  readonly recorded_at: string | Date;
  readonly correlation_id: string | null;
  readonly causation_id: string | null;
  /** JSON text (SQLite) or already-parsed jsonb (PostgreSQL). */
  readonly payload: unknown;
  readonly metadata: unknown;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * One envelope per row, built as one object literal (no spreads, no intermediate copies): the
 * read path runs it for every event of a fold. correlationId / causationId are present only when
 * the row has them, as on the envelope that was appended; keys keep the envelope's order (the
 * CLI prints events as JSON).
 */
export function rowToStoredEvent(row: EventRow, parseJson: boolean): StoredEvent {
  const recordedAt = row.recorded_at;
  const payload: unknown = parseJson ? JSON.parse(row.payload as string) : row.payload;
  const metadata = (parseJson ? JSON.parse(row.metadata as string) : row.metadata) as Record<string, string>;
  const position: StoredEvent['position'] = {
    streamVersion: Number(row.stream_version),
    globalPosition: Number(row.global_position),
    recordedAt: typeof recordedAt === 'string' ? recordedAt : recordedAt.toISOString(),
  };
  if (row.correlation_id === null && row.causation_id === null) {
    return {
      eventId: row.event_id,
      eventType: row.event_type,
      eventVersion: row.event_version,
      aggregateId: row.aggregate_id,
      aggregateType: row.aggregate_type,
      occurredAt: row.occurred_at,
      payload,
      metadata,
      position,
    };
  }
  const event = {
    eventId: row.event_id,
    eventType: row.event_type,
    eventVersion: row.event_version,
    aggregateId: row.aggregate_id,
    aggregateType: row.aggregate_type,
    occurredAt: row.occurred_at,
  } as Mutable<StoredEvent>;
  if (row.correlation_id !== null) event.correlationId = row.correlation_id;
  if (row.causation_id !== null) event.causationId = row.causation_id;
  event.payload = payload;
  event.metadata = metadata;
  event.position = position;
  return event;
}

/**
 * One event read as a JSON array (SQLite readStream, decision 0157; every PostgreSQL read,
 * decision 0160): [id, type, version, occurredAt, correlationId, causationId, payload, metadata,
 * streamVersion, globalPosition, recordedAt, aggregateId?, aggregateType?]. The stream's own
 * reads leave out the last two: the caller knows them.
 */
export type EventArray = [
  eventId: string,
  eventType: string,
  eventVersion: number,
  occurredAt: string,
  correlationId: string | null,
  causationId: string | null,
  payload: unknown,
  metadata: Record<string, string>,
  streamVersion: number,
  globalPosition: number,
  recordedAt: string,
  aggregateId?: string,
  aggregateType?: string,
];

/**
 * The StoredEvent of one EventArray, as one object literal with the envelope's key order (the CLI
 * prints events as JSON): identical to what the object reads give for the same row, which the
 * store contract compares. `recordedAt` comes in the backend's ISO form (PostgreSQL converts it).
 */
export function storedEventFromArray(a: EventArray, recordedAt: string, aggregateId: string, aggregateType: string): StoredEvent {
  const position = { streamVersion: a[8], globalPosition: a[9], recordedAt };
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
  const event = {
    eventId: a[0],
    eventType: a[1],
    eventVersion: a[2],
    aggregateId,
    aggregateType,
    occurredAt: a[3],
  } as Mutable<StoredEvent>;
  if (a[4] !== null) event.correlationId = a[4];
  if (a[5] !== null) event.causationId = a[5];
  event.payload = a[6];
  event.metadata = a[7];
  event.position = position;
  return event;
}

/**
 * Each backend's reads return one column per event: the whole StoredEvent as JSON text, built by
 * the database from the row (payload and metadata are stored as JSON text / jsonb already), so
 * the driver hands over one string per row and JS parses it once (decision 0126). Keys come in
 * the envelope's order; correlationId / causationId only when set; recordedAt in ISO 8601 UTC
 * with milliseconds, as Date#toISOString writes it.
 */
export const SQLITE_EVENT_JSON = `'{"eventId":' || json_quote(event_id) || ',"eventType":' || json_quote(event_type)
  || ',"eventVersion":' || event_version || ',"aggregateId":' || json_quote(aggregate_id)
  || ',"aggregateType":' || json_quote(aggregate_type) || ',"occurredAt":' || json_quote(occurred_at)
  || CASE WHEN correlation_id IS NULL THEN '' ELSE ',"correlationId":' || json_quote(correlation_id) END
  || CASE WHEN causation_id IS NULL THEN '' ELSE ',"causationId":' || json_quote(causation_id) END
  || ',"payload":' || payload || ',"metadata":' || metadata || ',"position":{"streamVersion":' || stream_version
  || ',"globalPosition":' || global_position || ',"recordedAt":' || json_quote(recorded_at) || '}}'`;

/** A StoredEvent from the JSON text of SQLITE_EVENT_JSON (PostgreSQL: postgres-rows.ts). */
export function parseStoredEvent(json: string): StoredEvent {
  return JSON.parse(json) as StoredEvent;
}

/** Milliseconds since the epoch of an envelope's occurredAt; rejects unparsable timestamps. */
export function occurredAtMillis(event: AnyEventEnvelope): number {
  const millis = Date.parse(event.occurredAt);
  if (Number.isNaN(millis)) {
    throw new InvalidAppendError(
      `Event '${event.eventId}' (${event.eventType}): occurredAt '${event.occurredAt}' is not a timestamp`,
    );
  }
  return millis;
}

/** Checks that a batch is non-empty, all of `stream`, and has no duplicate ids. */
export function assertAppendableBatch(stream: StreamId, events: readonly AnyEventEnvelope[]): void {
  if (events.length === 0)
    throw new InvalidAppendError(`Nothing to append to stream '${stream.aggregateType}/${stream.aggregateId}'`);
  const ids = new Set<string>();
  for (const event of events) {
    if (event.aggregateType !== stream.aggregateType || event.aggregateId !== stream.aggregateId) {
      throw new InvalidAppendError(
        `Event '${event.eventId}' (${event.eventType}) belongs to stream '${event.aggregateType}/${event.aggregateId}', not '${stream.aggregateType}/${stream.aggregateId}': one append writes one stream`,
      );
    }
    if (ids.has(event.eventId)) throw new InvalidAppendError(`Event id '${event.eventId}' appears twice in one append`);
    ids.add(event.eventId);
  }
}

export const DEFAULT_READ_ALL_LIMIT = 1000;
