import type { AnyEventEnvelope } from '../envelope.js';
import type {
  AppendToStreamResult,
  BackendAppendOptions,
  EventFilter,
  OutboxClaimOptions,
  OutboxEntry,
  OutboxStats,
  ReadAllOptions,
  ReadAllResult,
  ReadStreamOptions,
  ReadStreamResult,
  StoredSnapshot,
  StreamId,
} from './types.js';

/**
 * What a storage engine must do; SQLite and PostgreSQL implement it and one contract suite
 * (test/store/store-contract.ts) holds both to it. Backends store envelopes as given: schema
 * validation and upcasting happen above, in EventStore.
 */
export interface EventStoreBackend {
  readonly kind: 'sqlite' | 'postgres';

  /** Appends atomically; throws ExpectedVersionConflictError / DuplicateEventIdError and writes nothing. */
  appendToStream(
    stream: StreamId,
    events: readonly AnyEventEnvelope[],
    options: BackendAppendOptions,
  ): Promise<AppendToStreamResult>;
  readStream(stream: StreamId, options?: ReadStreamOptions): Promise<ReadStreamResult>;
  /** Events after a cursor in the global order, never skipping one that commits later (gap-safe). */
  readAll(options?: ReadAllOptions): Promise<ReadAllResult>;
  /** How many events match the filter (for replay progress). */
  countEvents(filter?: EventFilter): Promise<number>;

  readSnapshot(stream: StreamId, reducerVersion: string): Promise<StoredSnapshot | undefined>;
  /** Upsert; keeps whichever snapshot has the higher stream version. */
  writeSnapshot(snapshot: Omit<StoredSnapshot, 'createdAt'>): Promise<void>;

  /** Claims up to `limit` unsent entries in global order under a lease. */
  claimOutbox(options: OutboxClaimOptions): Promise<OutboxEntry[]>;
  markOutboxSent(globalPositions: readonly number[]): Promise<void>;
  /** Gives claimed entries back (publish failed), counting the attempt and keeping the error. */
  releaseOutbox(globalPositions: readonly number[], error: string): Promise<void>;
  outboxStats(): Promise<OutboxStats>;
  /** Deletes entries marked sent before `sentBefore`; returns how many. The events stay. */
  pruneOutbox(sentBefore: Date): Promise<number>;

  close(): Promise<void>;
}
