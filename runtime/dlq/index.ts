// Dead-letter handling: the handler, its message model and decisions, parked messages and their audit trail.
export {
  DeadLetterQueueHandler,
  DEFAULT_DLQ_MAX_MESSAGES,
  DEFAULT_HANDLER_TIMEOUT_MS,
  DEFAULT_MAX_RETRIES,
  type DeadLetterCounts,
  type DeadLetterHandlerFn,
  type DeadLetterQueueHandlerOptions,
} from './handler.js';
export {
  toDeadLetterMessage,
  type DeadLetterMessage,
  type DecodedDeadLetterMessage,
  type DecodeFailure,
  type OriginalEventDecoder,
  type RawOriginalEvent,
  type UndecodableDeadLetterMessage,
} from './message.js';
export {
  normaliseDecision,
  planDecision,
  type DeadLetterAction,
  type DeadLetterDecision,
  type DeadLetterDecisionWithReason,
  type ParkReason,
  type PlannedAction,
} from './decisions.js';
export {
  DEAD_LETTER_SOURCE_TOPIC,
  FIRST_FAILURE_TIME,
  LAST_FAILURE_TIME,
  MAX_DELIVERY_ATTEMPTS_EXCEEDED,
  ORIGIN_TOPIC,
  REQUEUE_COUNT,
  REQUEUED_FROM,
  RETRY_COUNT,
  RETRY_FOR_SUBSCRIPTION,
} from './attributes.js';
export { catalogDecoder } from './original-event.js';
export { TransportDeadLetterChannel, type DeadLetterTransportOptions } from './channel.js';
export type { DeadLetterChannel, RawDelivery, Settlement } from './transport-port.js';
export * from './errors.js';
export * from './repository/parked-message.js';
export { openParkedMessageRepository, parkedMessageRepositoryOn, type DeadLetterDatabaseOptions } from './repository/open-repository.js';
export { dlqMigrations } from './repository/migrations.js';
export { SqliteParkedMessageRepository } from './repository/sqlite-repository.js';
export { PostgresParkedMessageRepository } from './repository/postgres-repository.js';
