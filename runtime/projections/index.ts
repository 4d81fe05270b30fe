// Public API of projections (CQRS read models): see docs/projections.md.
export {
  defineProjection,
  assertValidProjection,
  type AnyProjection,
  type ProjectedEvent,
  type ProjectionContext,
  type ProjectionDefinition,
  type ProjectionMode,
} from './types.js';
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
} from './errors.js';
export { inlineProjections } from './inline.js';
export {
  ensureProjections,
  rebuildProjection,
  DEFAULT_REBUILD_BATCH_SIZE,
  DEFAULT_REBUILD_LEASE_MS,
  type EnsureProjectionsOptions,
  type RebuildOptions,
  type RebuildProgress,
  type RebuildResult,
} from './rebuild.js';
export {
  ProjectionRunner,
  DEFAULT_PROJECTION_BATCH_SIZE,
  DEFAULT_PROJECTION_LEASE_MS,
  DEFAULT_PROJECTION_POLL_INTERVAL_MS,
  type ProjectionRunnerOptions,
  type RunnerStep,
  type RunnerStepStatus,
} from './runner.js';
export { ensureInboxProjection, inboxHandler, type InboxHandlerOptions } from './inbox.js';
export { projectionStatuses, listProjectionStates, type ProjectionStatus } from './status.js';
export {
  projectionDatabaseOf,
  projectionMigrations,
  ensureProjectionTables,
  execute as queryDatabase,
  type Executed,
  type ProjectionStateRow,
} from './sql.js';
export type { ProjectionEventSource } from './events.js';
