/**
 * Every runtime default in one place, named with its unit (the @google-cloud/pubsub habit).
 * User options are merged over these; environment variables (config.ts) sit in between.
 */

/** Topic ids are `${topicPrefix}.${entry.topic}`, e.g. 'clone.user.created'. */
export const DEFAULT_TOPIC_PREFIX = 'clone';
/** Subscription ids are `${subscriptionPrefix}[.${consumer}].${eventType}`. */
export const DEFAULT_SUBSCRIPTION_PREFIX = 'clone-sub';
/** Where subscriptions forward messages that exhausted their delivery attempts or can never succeed. */
export const DEFAULT_DEAD_LETTER_TOPIC = 'clone-dead-letter';
/** Topic the event store appends every event to. */
export const DEFAULT_EVENT_STORE_TOPIC = 'clone-event-store';
/** Suffix of the default replay topic: `${eventStoreTopic}${suffix}`. */
export const REPLAY_TOPIC_SUFFIX = '-replay';
/** Suffix of the subscription kept on every dead-letter topic so dead letters are never dropped. */
export const DEAD_LETTER_SUBSCRIPTION_SUFFIX = 'all';
/** CloudEvents `source` of events this runtime publishes. */
export const DEFAULT_EVENT_SOURCE = '//clone/event-bus';

/** Pub/Sub's own minimum and maximum for maxDeliveryAttempts. */
export const MIN_DELIVERY_ATTEMPTS = 5;
export const MAX_DELIVERY_ATTEMPTS = 100;
export const DEFAULT_MAX_DELIVERY_ATTEMPTS = 5;

export const DEFAULT_ACK_DEADLINE_SECONDS = 30;
/** Exponential backoff between redeliveries of a nacked message (Pub/Sub retry policy). */
export const DEFAULT_RETRY_POLICY = { minimumBackoffSeconds: 10, maximumBackoffSeconds: 600 } as const;

/** Flow control of one subscriber stream: messages / bytes handed out and not yet acked or nacked. */
export const DEFAULT_FLOW_CONTROL = { maxMessages: 1000, maxBytes: 100 * 1024 * 1024 } as const;

/** Publisher batching, same names and defaults as @google-cloud/pubsub. */
export const DEFAULT_BATCHING = { maxMessages: 100, maxMilliseconds: 10, maxBytes: 1024 * 1024 } as const;
/** Hard limits of one Pub/Sub publish request. */
export const MAX_BATCH_MESSAGES = 1000;
export const MAX_BATCH_BYTES = 10 * 1024 * 1024;

/** How long `close()` lets the Pub/Sub client flush acks and nacks before giving up. */
export const DEFAULT_CLOSE_TIMEOUT_MILLISECONDS = 5000;
/**
 * How long the subscriber holds later messages of an ordering key after a nack while it waits
 * for the nacked message to come back; after that it nacks them too (see decision 0033).
 */
export const DEFAULT_ORDERING_HOLD_MILLISECONDS = 60_000;

/** Default capacity of the in-memory idempotency store (event ids remembered). */
export const DEFAULT_IDEMPOTENCY_CAPACITY = 100_000;

/** Pub/Sub message limits (docs/emulator-facts.md). */
export const MAX_ATTRIBUTES = 100;
export const MAX_ATTRIBUTE_VALUE_BYTES = 1024;
export const MAX_ATTRIBUTE_KEY_BYTES = 256;

/**
 * A subscription whose stream ended re-opens after a full-jitter backoff that starts here and
 * doubles up to the cap, indefinitely, until close() (docs/reliability.md).
 */
export const DEFAULT_RECONNECT_BACKOFF = { initialMilliseconds: 250, maxMilliseconds: 30_000 } as const;
/** How long the subscriber waits for the broker to answer a health probe before it reports an outage. */
export const DEFAULT_HEALTH_PROBE_TIMEOUT_MILLISECONDS = 2500;
/** A publish the broker has not acknowledged within this time rejects with a retryable PublishTimeoutError. */
export const DEFAULT_PUBLISH_TIMEOUT_MILLISECONDS = 10_000;
/** In-process retries of a failed handler on an ordered message: jittered, doubling from initial to max (decision 0086). */
export const DEFAULT_ORDERED_RETRY_BACKOFF = { initialMilliseconds: 100, maxMilliseconds: 5000 } as const;
