/** Reading events for projections: the store's readAll, and a committed-after read for switch-over. */
import type { AnyEventEnvelope } from '../envelope.js';
import type { EventStoreBackend } from '../store/backend.js';
import { rowToStoredEvent, type EventRow } from '../store/rows.js';
import type { StoreTransaction } from '../store/store-transaction.js';
import type { ReadAllOptions, ReadAllResult, StoredEvent } from '../store/types.js';

/** What projections need of an EventStore (any event map): reads in global order, upcasting. */
export interface ProjectionEventSource {
  readAll(options?: ReadAllOptions): Promise<ReadAllResult<AnyEventEnvelope>>;
  upcastEvent<E extends StoredEvent>(event: E): E;
  getBackend(): Promise<EventStoreBackend>;
}

const COLUMNS = `e.global_position, e.event_id, e.aggregate_type, e.aggregate_id, e.stream_version, e.event_type,
  e.event_version, e.occurred_at, e.recorded_at, e.correlation_id, e.causation_id, e.payload, e.metadata`;

/** Advisory-lock class of projections (PostgreSQL's two-key lock space, apart from the stream locks). */
export const PROJECTION_LOCK_CLASS = 1_347_571_020;

/**
 * Events of `eventTypes` after `after` in the store's global order, inside a transaction.
 * `gapSafe` keeps PostgreSQL's rule of readAll (only transactions below the snapshot's xmin);
 * without it, every committed event is returned — right only while the caller holds the
 * projection's exclusive lock, which every inline writer of the projection takes in shared mode.
 */
export async function committedAfter(
  transaction: StoreTransaction,
  after: number,
  eventTypes: readonly string[],
  options: { gapSafe: boolean },
): Promise<StoredEvent[]> {
  if (transaction.kind === 'sqlite') {
    const rows = transaction.db
      .prepare(
        `SELECT ${COLUMNS} FROM store_events e WHERE e.global_position > ? AND e.event_type IN (${eventTypes.map(() => '?').join(', ')})
         ORDER BY e.global_position`,
      )
      .all(after, ...eventTypes) as EventRow[];
    return rows.map((row) => rowToStoredEvent(row, true));
  }
  let afterTransaction = '0';
  if (after > 0) {
    const { rows } = await transaction.client.query<{ transaction_id: string }>(
      'SELECT transaction_id::text FROM store_events WHERE global_position = $1',
      [after],
    );
    afterTransaction = rows[0]?.transaction_id ?? '0';
  }
  const { rows } = await transaction.client.query<EventRow>(
    `SELECT ${COLUMNS} FROM store_events e
     WHERE (e.transaction_id, e.global_position) > ($1::xid8, $2::bigint) AND e.event_type = ANY($3::text[])
       ${options.gapSafe ? 'AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())' : ''}
     ORDER BY e.transaction_id, e.global_position`,
    [afterTransaction, after, eventTypes],
  );
  return rows.map((row) => rowToStoredEvent(row, false));
}
