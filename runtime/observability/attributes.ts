/**
 * Span and metric attribute names. Where OpenTelemetry's semantic conventions name a concept
 * (messaging, CloudEvents, errors, databases) their name is used; `event_bus.*` names the rest.
 */
export const ATTR = {
  messagingSystem: 'messaging.system',
  destination: 'messaging.destination.name',
  subscription: 'messaging.destination.subscription.name',
  operationName: 'messaging.operation.name',
  operationType: 'messaging.operation.type',
  messageId: 'messaging.message.id',
  conversationId: 'messaging.message.conversation_id',
  bodySize: 'messaging.message.body.size',
  orderingKey: 'messaging.gcp_pubsub.message.ordering_key',
  deliveryAttempt: 'messaging.gcp_pubsub.message.delivery_attempt',
  errorType: 'error.type',
  dbSystem: 'db.system.name',
  eventId: 'cloudevents.event_id',
  eventType: 'cloudevents.event_type',
  eventSource: 'cloudevents.event_source',
  eventSubject: 'cloudevents.event_subject',
  eventSpecVersion: 'cloudevents.event_spec_version',
  eventVersion: 'event_bus.event.version',
  transport: 'event_bus.transport',
  outcome: 'event_bus.outcome',
  deadLetterReason: 'event_bus.dead_letter.reason',
  aggregateType: 'event_bus.aggregate.type',
  aggregateId: 'event_bus.aggregate.id',
  eventCount: 'event_bus.store.event_count',
  streamVersion: 'event_bus.store.stream_version',
  expectedVersion: 'event_bus.store.expected_version',
  replayProcessed: 'event_bus.replay.processed',
  replayFrom: 'event_bus.replay.from',
  replayTo: 'event_bus.replay.to',
  dlqDecision: 'event_bus.dlq.decision',
  parkReason: 'event_bus.dlq.park_reason',
  subscriptionState: 'event_bus.subscription.state',
} as const;

/** messaging.system for Pub/Sub; the in-process transport has Pub/Sub's semantics and says so too. */
export const MESSAGING_SYSTEM = 'gcp_pubsub';

/** Instrumentation scope of every tracer and meter of the runtime. */
export const INSTRUMENTATION_SCOPE = '@clone/event-bus';
