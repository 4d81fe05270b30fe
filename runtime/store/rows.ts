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

export function rowToStoredEvent(row: EventRow, parseJson: boolean): StoredEvent {
  const payload: unknown = parseJson ? JSON.parse(row.payload as string) : row.payload;
  const metadata = (parseJson ? JSON.parse(row.metadata as string) : row.metadata) as Record<string, string>;
  return {
    eventId: row.event_id,
    eventType: row.event_type,
    eventVersion: row.event_version,
    aggregateId: row.aggregate_id,
    aggregateType: row.aggregate_type,
    occurredAt: row.occurred_at,
    ...(row.correlation_id !== null && { correlationId: row.correlation_id }),
    ...(row.causation_id !== null && { causationId: row.causation_id }),
    payload,
    metadata,
    position: {
      streamVersion: Number(row.stream_version),
      globalPosition: Number(row.global_position),
      recordedAt: row.recorded_at instanceof Date ? row.recorded_at.toISOString() : row.recorded_at,
    },
  };
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
