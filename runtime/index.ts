// Public API of the runtime: the package's './runtime' entry point. Generated code imports only
// from here. Named exports only (decision 0003): every name below is listed in docs/api-report.md,
// and a unit test fails when the two disagree. Internals are imported by their module path.

// Errors and validation.
export { EventBusError, isEventBusError, hasErrorCode } from './errors.js';
export { redactSecrets, redactConnectionString, redactedMessage } from './redact.js';
export { EventValidationError, type PayloadValidator, type ValidationIssue, type ValidationResult } from './validation.js';

// The envelope, the catalog, creating events.
export type { AnyEventEnvelope, CreateEventOptions, EventEnvelope, EventMapShape } from './envelope.js';
export {
  UnknownEventTypeError,
  UnknownEventVersionError,
  lookupEventVersion,
  type EventCatalog,
  type EventTypeEntry,
  type EventVersionEntry,
} from './catalog.js';
export { createEventFactory, type CreateEventFn } from './create-event.js';

// The ports generated facades and users' code program against.
export type {
  DeliveryContext,
  EventHandler,
  EventPublisherPort,
  EventSubscriberPort,
  PublishOptions,
  SubscribeOptions,
  SubscriptionHandle,
} from './ports.js';

// Payload codecs.
export { PayloadDecodeError, jsonCodec, type PayloadCodec, type PayloadEncoding } from './codec/codec.js';
export {
  AvroEncodeError,
  AvroSchemaIncompatibleError,
  AvroSchemaInvalidError,
  AvroSchemaMissingError,
  createAvroCodec,
  type AvroEncoding,
  type AvroPayloadCodec,
} from './codec/avro.js';

// Configuration and the CloudEvents mapping.
export { ConfigError, InvalidResourceIdError, readEventBusConfig, type EventBusConfig } from './config.js';
export { AttributeLimitError, MalformedEnvelopeError } from './cloudevents.js';

// Idempotent handling.
export { InMemoryIdempotencyStore, idempotent, type IdempotencyStore, type IdempotentOptions } from './idempotency.js';

// Transports.
export {
  TransportError,
  type BatchingOptions,
  type DeadLetterPolicy,
  type FlowControlOptions,
  type MessageListener,
  type OutgoingMessage,
  type ReceivedMessage,
  type RetryPolicy,
  type StreamOptions,
  type SubscriptionDescription,
  type SubscriptionSettings,
  type TopicDescription,
  type TopicPublishOptions,
  type Transport,
  type TransportErrorCode,
  type TransportSubscription,
} from './transport/transport.js';
export { InProcessTransport, type InProcessTransportOptions } from './transport/in-process.js';
export { PubSubTransport, type PubSubTransportOptions } from './transport/pubsub.js';
export type { TransportChoice } from './transport/select.js';

// Publisher and subscriber.
export { EventPublisher, type EventPublisherOptions, type PublisherStats } from './publisher/publisher.js';
export { InvalidEnvelopeError, PublishError, PublishManyError, PublishTimeoutError } from './publisher/errors.js';
export { CodecUnavailableError, type CodecChoice, type CodecResolver } from './publisher/codec-choice.js';
export {
  EventSubscriber,
  SubscriberError,
  type EventSubscribeOptions,
  type EventSubscriberOptions,
  type EventSubscription,
} from './subscriber/subscriber.js';
export type { SubscriberStats } from './subscriber/stats.js';
export {
  SubscriptionOutageError,
  type ReconnectOptions,
  type SubscriptionHealth,
  type SubscriptionState,
  type SubscriptionStateChange,
} from './subscriber/stream-supervisor.js';

// Graceful shutdown.
export {
  DEFAULT_SHUTDOWN_TIMEOUT_MILLISECONDS,
  shutdownOnSignals,
  type ShutdownHandle,
  type ShutdownOptions,
  type ShutdownReport,
  type ShutdownResource,
} from './shutdown.js';

// The event store and replay (the classes generated code binds; the rest is at './store').
export {
  EventStore,
  type AggregateStreamResult,
  type AggregateTypeOf,
  type EventStoreOptions,
  type EventsOfAggregate,
  type ReconstructOptions,
  type Reducer,
} from './store/event-store.js';
export { ANY, NO_STREAM, STREAM_EXISTS, type ExpectedVersion } from './store/expected-version.js';
export {
  EventStoreError,
  ExpectedVersionConflictError,
  isExpectedVersionConflictError,
  isDuplicateEventIdError,
} from './store/errors.js';
export type { StoredEvent } from './store/types.js';
export type { Upcaster, UpcasterMap, VersionedEventMapShape } from './store/upcasting.js';
export {
  EventReplayer,
  InvalidReplayRangeError,
  ReplayAbortedError,
  type EventReplayerOptions,
  type ReplayHandler,
  type ReplayOptions,
  type ReplayProgress,
} from './replay/event-replayer.js';

// The dead-letter handler (the class generated code binds; the rest is at './dlq').
export {
  DeadLetterQueueHandler,
  type DeadLetterCounts,
  type DeadLetterHandlerFn,
  type DeadLetterQueueHandlerOptions,
} from './dlq/handler.js';
export type { DeadLetterMessage } from './dlq/message.js';
export type { DeadLetterAction, DeadLetterDecision } from './dlq/decisions.js';

// Observability: tracing and metrics through @opentelemetry/api (an optional peer), and the logger.
// The instrument table and the trace-context codec are internals (import them by module path).
export { INSTRUMENTATION_SCOPE } from './observability/attributes.js';
export {
  defaultLogger,
  jsonLogger,
  silentLogger,
  type JsonLoggerOptions,
  type LogFields,
  type Logger,
  type LogLevel,
} from './observability/logger.js';
export { Telemetry, telemetryFrom, type ObservabilityOptions } from './observability/telemetry.js';
export { traceIdOf } from './observability/trace-context.js';
