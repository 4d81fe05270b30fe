import type { AnyEventEnvelope } from '../envelope.js';
import type { ExpectedVersion } from './expected-version.js';
import type { AppendTransactionHook } from './store-transaction.js';

/** A stream is one aggregate instance: events of one (aggregateType, aggregateId). */
export interface StreamId {
  readonly aggregateType: string;
  readonly aggregateId: string;
}

/** Where the store put an event. */
export interface StoredEventPosition {
  /** 1-based position of the event in its stream. */
  readonly streamVersion: number;
  /** Store-wide position; unique, increasing per append, the cursor of `readAll`. */
  readonly globalPosition: number;
  /** When the store committed the event (ISO 8601 UTC). */
  readonly recordedAt: string;
}

/** An envelope as read back from the store. */
export type StoredEvent<E extends AnyEventEnvelope = AnyEventEnvelope> = E & { readonly position: StoredEventPosition };

// ---- append ----------------------------------------------------------------------------------

export interface AppendToStreamOptions {
  /** Defaults to ANY (no concurrency check). */
  readonly expectedVersion?: ExpectedVersion;
}

export interface AppendToStreamResult {
  /** The stream's version after the append: pass it as the next `expectedVersion`. */
  readonly nextExpectedVersion: number;
  /** Global position of the last appended event. */
  readonly lastGlobalPosition: number;
}

export interface BackendAppendOptions {
  readonly expectedVersion: ExpectedVersion;
  /** Write one outbox row per event in the same transaction. */
  readonly outbox: boolean;
  /** Runs in the append's transaction before COMMIT (inline projections); throwing rolls back. */
  readonly inTransaction?: AppendTransactionHook;
}

// ---- read ------------------------------------------------------------------------------------

export interface ReadStreamOptions {
  /** First stream version to return (inclusive), default 1. */
  readonly from?: number;
  /** Last stream version to return (inclusive), default the end. */
  readonly to?: number;
}

export interface ReadStreamResult<E extends AnyEventEnvelope = AnyEventEnvelope> {
  readonly events: StoredEvent<E>[];
  /** Version of the whole stream (not just of the slice read); 0 when it does not exist. */
  readonly currentVersion: number;
  readonly streamExists: boolean;
}

/** Narrows `readAll`; every filter is optional and they combine with AND. */
export interface EventFilter {
  readonly eventTypes?: readonly string[];
  readonly aggregateType?: string;
  readonly aggregateId?: string;
  /** occurredAt >= occurredFrom */
  readonly occurredFrom?: Date;
  /** occurredAt < occurredTo */
  readonly occurredTo?: Date;
}

export interface ReadAllOptions extends EventFilter {
  /**
   * Return events after this one: 0 (the default) for the beginning, otherwise the
   * `globalPosition` of an event read before (normally `ReadAllResult.lastPosition`).
   */
  readonly after?: number;
  /** Maximum events per call, default 1000. */
  readonly limit?: number;
}

export interface ReadAllResult<E extends AnyEventEnvelope = AnyEventEnvelope> {
  /** In the store's global order (see docs/event-store.md: on PostgreSQL not sorted by position). */
  readonly events: StoredEvent<E>[];
  /** Cursor for the next call: the position of the last event scanned, or `after` if none. */
  readonly lastPosition: number;
  /** True when fewer than `limit` events were scanned: the reader has caught up for now. */
  readonly caughtUp: boolean;
}

// ---- snapshots -------------------------------------------------------------------------------

export interface StoredSnapshot {
  readonly stream: StreamId;
  readonly reducerVersion: string;
  /** The stream version the state includes. */
  readonly streamVersion: number;
  readonly state: unknown;
  readonly createdAt: string;
}

// ---- outbox ----------------------------------------------------------------------------------

export interface OutboxEntry {
  readonly event: StoredEvent;
  /** Publish attempts before this claim. */
  readonly attempts: number;
}

export interface OutboxClaimOptions {
  readonly limit: number;
  /** A claimed entry not marked sent within this time is handed to the next claimer. */
  readonly leaseMs: number;
}

export interface OutboxStats {
  readonly pending: number;
  readonly sent: number;
  /** recordedAt of the oldest pending entry, or null when none is pending. */
  readonly oldestPendingRecordedAt: string | null;
}
