// The package's './dlq' entry point: the dead-letter handler, its message model and decisions,
// parked messages and their audit trail, and the operator API on them (ops/dlq).
// Named exports only (decision 0003, docs/api-report.md).
export {
  DeadLetterQueueHandler,
  DEFAULT_HANDLER_TIMEOUT_MS,
  DEFAULT_MAX_RETRIES,
  type DeadLetterCounts,
  type DeadLetterHandlerFn,
  type DeadLetterOperatorContext,
  type DeadLetterQueueHandlerOptions,
} from './runtime/dlq/handler.js';
export type {
  DeadLetterMessage,
  DecodedDeadLetterMessage,
  DecodeFailure,
  OriginalEventDecoder,
  RawOriginalEvent,
  UndecodableDeadLetterMessage,
} from './runtime/dlq/message.js';
export type {
  DeadLetterAction,
  DeadLetterDecision,
  DeadLetterDecisionWithReason,
  ParkReason,
} from './runtime/dlq/decisions.js';
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
} from './runtime/dlq/attributes.js';
export { catalogDecoder } from './runtime/dlq/original-event.js';
export { TransportDeadLetterChannel, type DeadLetterTransportOptions } from './runtime/dlq/channel.js';
export type { DeadLetterChannel, RawDelivery, Settlement } from './runtime/dlq/transport-port.js';
export {
  DeadLetterConfigError,
  DeadLetterHandlerTimeoutError,
  InvalidDecisionError,
  NoRouteError,
  ParkedMessageNotFoundError,
  ParkedMessageStateError,
} from './runtime/dlq/errors.js';
export {
  AUDIT_ACTIONS,
  PARKED_STATUSES,
  type AuditAction,
  type AuditEntry,
  type AuditFilter,
  type ParkedMessage,
  type ParkedMessageFilter,
  type ParkedMessageRepository,
  type ParkedStatus,
} from './runtime/dlq/repository/parked-message.js';
export { openParkedMessageRepository, type DeadLetterDatabaseOptions } from './runtime/dlq/repository/open-repository.js';
export { dlqMigrations } from './runtime/dlq/repository/migrations.js';
export {
  ParkedMessages,
  parkedMessagesOf,
  type OperatorAction,
  type ParkedMessagesOptions,
  type RequeueAction,
  type RequeueResult,
} from './ops/dlq/index.js';
