import { EventBusError, hasErrorCode } from '../errors.js';
import type { StreamId } from './types.js';

/** Codes of every error the event store throws; callers branch on these, not on messages. */
export const StoreErrorCode = {
  ExpectedVersionConflict: 'STORE_EXPECTED_VERSION_CONFLICT',
  DuplicateEventId: 'STORE_DUPLICATE_EVENT_ID',
  InvalidAppend: 'STORE_INVALID_APPEND',
  MissingUpcaster: 'STORE_MISSING_UPCASTER',
  UnknownPosition: 'STORE_UNKNOWN_POSITION',
  Migration: 'STORE_MIGRATION_FAILED',
  MigrationChecksumMismatch: 'STORE_MIGRATION_CHECKSUM_MISMATCH',
  Configuration: 'STORE_CONFIGURATION',
  NotMigrated: 'STORE_NOT_MIGRATED',
  Closed: 'STORE_CLOSED',
  /** An id or payload string no backend may store (NUL, lone surrogate, id too long). */
  InvalidInput: 'STORE_INVALID_INPUT',
  /** The database kept failing with a retryable error (restart, lost connection, serialization, deadlock). */
  Unavailable: 'STORE_UNAVAILABLE',
} as const;

export type StoreErrorCode = (typeof StoreErrorCode)[keyof typeof StoreErrorCode];

/** Root of the event store's errors. */
export class EventStoreError extends EventBusError {
  declare readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

export function formatStream(stream: StreamId): string {
  return `${stream.aggregateType}/${stream.aggregateId}`;
}

/** The stream's version was not what the caller expected; nothing was written. */
export class ExpectedVersionConflictError extends EventStoreError {
  constructor(
    readonly stream: StreamId,
    readonly currentVersion: number,
    readonly expectedVersion: string | number,
  ) {
    super(
      StoreErrorCode.ExpectedVersionConflict,
      `Expected version ${String(expectedVersion)} of stream '${formatStream(stream)}' but it is at version ${currentVersion}; nothing was written`,
    );
  }
}

export function isExpectedVersionConflictError(error: unknown): error is ExpectedVersionConflictError {
  return hasErrorCode(error, StoreErrorCode.ExpectedVersionConflict);
}

/** An event with this id is already stored (appends are not silently deduplicated). */
export class DuplicateEventIdError extends EventStoreError {
  constructor(
    readonly eventId: string,
    options?: { cause?: unknown },
  ) {
    super(
      StoreErrorCode.DuplicateEventId,
      `An event with id '${eventId}' is already stored; nothing was written`,
      options,
    );
  }
}

export function isDuplicateEventIdError(error: unknown): error is DuplicateEventIdError {
  return hasErrorCode(error, StoreErrorCode.DuplicateEventId);
}

/** The append itself is malformed (empty batch, events of another stream, wrong aggregate type). */
export class InvalidAppendError extends EventStoreError {
  constructor(message: string) {
    super(StoreErrorCode.InvalidAppend, message);
  }
}

/** A stored event is older than its type's current version and no upcaster bridges the gap. */
export class MissingUpcasterError extends EventStoreError {
  constructor(
    readonly eventType: string,
    readonly fromVersion: number,
    readonly currentVersion: number,
  ) {
    super(
      StoreErrorCode.MissingUpcaster,
      `No upcaster registered for '${eventType}' v${fromVersion} -> v${fromVersion + 1} (stored events must reach the current version ${currentVersion}); register upcasters: { '${eventType}': { ${fromVersion}: (payload) => ... } }`,
    );
  }
}

/** `readAll({ after })` was given a position that names no stored event. */
export class UnknownPositionError extends EventStoreError {
  constructor(readonly position: number) {
    super(
      StoreErrorCode.UnknownPosition,
      `Global position ${position} names no stored event; pass 0 or the position of an event you read`,
    );
  }
}

export class StoreConfigurationError extends EventStoreError {
  constructor(message: string) {
    super(StoreErrorCode.Configuration, message);
  }
}

export class StoreClosedError extends EventStoreError {
  constructor() {
    super(StoreErrorCode.Closed, 'The event store is closed');
  }
}

/** The database has no event-store tables yet. */
export class StoreNotMigratedError extends EventStoreError {
  /** `missing`: what is absent, default the tables (e.g. a function a later migration adds). */
  constructor(where: string, missing = 'tables do') {
    super(
      StoreErrorCode.NotMigrated,
      `The event store's ${missing} not exist in ${where}: run \`event-bus store migrate --database-url ...\` (or open the store with migrate: true)`,
    );
  }
}
