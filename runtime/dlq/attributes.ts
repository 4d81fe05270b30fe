/**
 * Message attributes the dead-letter path reads and writes, named in one place.
 * Pub/Sub sets the `CloudPubSubDeadLetterSource*` ones when it forwards a message after
 * `maxDeliveryAttempts`; the runtime's subscriber sets the same ones (plus a reason) when it
 * dead-letters a message that can never succeed; the `event-bus-*` ones are ours.
 */

/** Set by Pub/Sub: how many times the source subscription delivered the message. */
export const PUBSUB_DEAD_LETTER_DELIVERY_COUNT = 'CloudPubSubDeadLetterSourceDeliveryCount';
/** Set by Pub/Sub: the source subscription id (short name, not the full path). */
export const PUBSUB_DEAD_LETTER_SOURCE_SUBSCRIPTION = 'CloudPubSubDeadLetterSourceSubscription';
/** Set by Pub/Sub: the project of the source subscription. */
export const PUBSUB_DEAD_LETTER_SOURCE_SUBSCRIPTION_PROJECT = 'CloudPubSubDeadLetterSourceSubscriptionProject';
/** Set by Pub/Sub: when the message was first published to the source topic. */
export const PUBSUB_DEAD_LETTER_SOURCE_PUBLISH_TIME = 'CloudPubSubDeadLetterSourceTopicPublishTime';

/** Why the message was dead-lettered, written by the runtime's subscriber (e.g. 'payload-invalid'). */
export const DEAD_LETTER_REASON = 'event-bus-dead-letter-reason';
/** Human-readable detail of the reason (e.g. the schema violation), written by the subscriber. */
export const DEAD_LETTER_DETAIL = 'event-bus-dead-letter-detail';
/** Topic the message was consumed from when it failed, when the dead-lettering party knew it. */
export const DEAD_LETTER_SOURCE_TOPIC = 'event-bus-dead-letter-source-topic';

/** How many times the dead-letter handler has sent the message back for another try. */
export const RETRY_COUNT = 'event-bus-retry-count';
/** When the message first reached a dead-letter topic (RFC 3339); carried across retries. */
export const FIRST_FAILURE_TIME = 'event-bus-first-failure-time';
/** When the message last reached a dead-letter topic (RFC 3339), as of the last retry. */
export const LAST_FAILURE_TIME = 'event-bus-last-failure-time';
/**
 * The topic the event was originally published to (the "normal path"). Set on the first
 * retry so that a message retried through a retry topic can still be requeued to its origin.
 */
export const ORIGIN_TOPIC = 'event-bus-origin-topic';
/** The subscription whose consumer failed; lets consumers of a shared retry topic pick their own. */
export const RETRY_FOR_SUBSCRIPTION = 'event-bus-retry-for-subscription';
/** Id of the parked message a requeue came from. */
export const REQUEUED_FROM = 'event-bus-requeued-from';
/** How many times people have requeued this message from the parking lot. */
export const REQUEUE_COUNT = 'event-bus-requeue-count';

/** Reason recorded when Pub/Sub forwarded the message itself (the consumer kept failing). */
export const REASON_MAX_DELIVERY_ATTEMPTS = 'max-delivery-attempts-exceeded';

/**
 * Attributes that describe one trip through a dead-letter topic. They are dropped when the
 * message is sent back, so the next failure records its own values.
 */
export const PER_FAILURE_ATTRIBUTES: readonly string[] = [
  PUBSUB_DEAD_LETTER_DELIVERY_COUNT,
  PUBSUB_DEAD_LETTER_SOURCE_SUBSCRIPTION,
  PUBSUB_DEAD_LETTER_SOURCE_SUBSCRIPTION_PROJECT,
  PUBSUB_DEAD_LETTER_SOURCE_PUBLISH_TIME,
  DEAD_LETTER_REASON,
  DEAD_LETTER_DETAIL,
  DEAD_LETTER_SOURCE_TOPIC,
];
