// The package's './store' entry point: the event store, its backends, its database plumbing and
// migrations, the outbox relay and replay. Named exports only (decision 0003, docs/api-report.md).
export {
  EventStore,
  RECONSTRUCT_PAGE_SIZE,
  type AggregateStreamResult,
  type AggregateTypeOf,
  type EventStoreOptions,
  type EventsOfAggregate,
  type ReconstructOptions,
  type Reducer,
} from './runtime/store/event-store.js';
export type {
  AppendToStreamOptions,
  AppendToStreamResult,
  EventFilter,
  OutboxEntry,
  OutboxStats,
  ReadAllOptions,
  ReadAllResult,
  ReadStreamOptions,
  ReadStreamResult,
  StoredEvent,
  StoredEventPosition,
  StoredSnapshot,
  StreamId,
} from './runtime/store/types.js';
export {
  DuplicateEventIdError,
  EventStoreError,
  ExpectedVersionConflictError,
  InvalidAppendError,
  MissingUpcasterError,
  StoreClosedError,
  StoreConfigurationError,
  StoreErrorCode,
  StoreNotMigratedError,
  UnknownPositionError,
  isDuplicateEventIdError,
  isExpectedVersionConflictError,
} from './runtime/store/errors.js';
export { ANY, NO_STREAM, STREAM_EXISTS, type ExpectedVersion } from './runtime/store/expected-version.js';
export {
  DEFAULT_STORE_RETRY,
  StoreUnavailableError,
  isRetryableStoreError,
  type StoreRetryPolicy,
} from './runtime/store/pg-faults.js';
export { MAX_STORE_ID_BYTES, StoreInputError, isStoreInputError } from './runtime/store/input-guard.js';
export type { EventStoreBackend } from './runtime/store/backend.js';
export { openSqliteBackend, SqliteEventStoreBackend, type SqliteBackendOptions } from './runtime/store/sqlite-backend.js';
export { openPostgresBackend, PostgresEventStoreBackend, type PostgresBackendOptions } from './runtime/store/postgres-backend.js';
export {
  DEFAULT_SQLITE_PATH,
  closeDatabase,
  openDatabase,
  resolveDatabaseTarget,
  type DatabaseHandle,
  type DatabaseOptions,
  type DatabaseTarget,
} from './runtime/store/database.js';
export {
  MigrationChecksumMismatchError,
  MigrationError,
  runMigrations,
  storeMigrations,
  type AppliedMigration,
  type Migration,
  type MigrationReport,
  type MigrationSet,
} from './runtime/store/migrations.js';
export { DEFAULT_SNAPSHOT_INTERVAL } from './runtime/store/snapshots.js';
export { createUpcaster, type Upcaster, type UpcasterMap, type VersionedEventMapShape } from './runtime/store/upcasting.js';
export {
  OutboxRelay,
  type OutboxRelayMetrics,
  type OutboxRelayOptions,
  type OutboxRelayStats,
  type RelayBatchResult,
} from './runtime/store/outbox-relay.js';
export {
  EventReplayer,
  InvalidReplayRangeError,
  ReplayAbortedError,
  type EventReplayerOptions,
  type ReplayHandler,
  type ReplayOptions,
  type ReplayProgress,
  type RepublishOptions,
} from './runtime/replay/event-replayer.js';

// Projections (CQRS read models) on the store's database: docs/projections.md (the one list of their public names).
export {
  defineProjection,
  assertValidProjection,
  type AnyProjection,
  type ProjectedEvent,
  type ProjectionContext,
  type ProjectionDefinition,
  type ProjectionMode,
} from './runtime/projections/types.js';
export {
  ProjectionErrorCode,
  ProjectionError,
  ProjectionDefinitionError,
  InlineProjectionError,
  isInlineProjectionError,
  ProjectionHandlerError,
  ProjectionNotReadyError,
  UnknownProjectionError,
  ProjectionRebuildInProgressError,
  ProjectionRebuildLostError,
  ProjectionNotRebuildableError,
} from './runtime/projections/errors.js';
export { inlineProjections } from './runtime/projections/inline.js';
export {
  ensureProjections,
  rebuildProjection,
  DEFAULT_REBUILD_BATCH_SIZE,
  DEFAULT_REBUILD_LEASE_MS,
  type EnsureProjectionsOptions,
  type RebuildOptions,
  type RebuildProgress,
  type RebuildResult,
} from './runtime/projections/rebuild.js';
export {
  ProjectionRunner,
  DEFAULT_PROJECTION_BATCH_SIZE,
  DEFAULT_PROJECTION_LEASE_MS,
  DEFAULT_PROJECTION_POLL_INTERVAL_MS,
  type ProjectionRunnerOptions,
  type RunnerStep,
  type RunnerStepStatus,
} from './runtime/projections/runner.js';
export { ensureInboxProjection, inboxHandler, type InboxHandlerOptions } from './runtime/projections/inbox.js';
export { projectionStatuses, listProjectionStates, type ProjectionStatus } from './runtime/projections/status.js';
export {
  projectionDatabaseOf,
  projectionMigrations,
  ensureProjectionTables,
  execute as queryDatabase,
  type Executed,
  type ProjectionStateRow,
} from './runtime/projections/sql.js';
export type { ProjectionEventSource } from './runtime/projections/events.js';
export type { AppendTransactionHook, StoreTransaction } from './runtime/store/store-transaction.js';
