/**
 * Message attributes the dead-letter path reads and writes, named in one place.
 * Two parties dead-letter a message: Pub/Sub itself after `maxDeliveryAttempts`
 * (`CloudPubSubDeadLetterSource*`), and the runtime's EventSubscriber for messages that can never
 * succeed or fail on their last attempt (`event-bus-*`, see runtime/subscriber/dead-letter.ts).
 * The retry and requeue attributes below are ours.
 */
import type { WireAttribute } from '../cloudevents.js';
import { DEAD_LETTER_ATTRIBUTES, PUBSUB_DEAD_LETTER_ATTRIBUTES } from '../subscriber/dead-letter.js';

/** Re-exported for this module's users; the runtime index exports them from the subscriber. */
export { DEAD_LETTER_ATTRIBUTES, PUBSUB_DEAD_LETTER_ATTRIBUTES };

/**
 * Topic the failing subscription reads, when the dead-lettering party names it. The subscriber
 * does not set it yet (integration request); the handler then asks the transport.
 */
export const DEAD_LETTER_SOURCE_TOPIC = 'event-bus-source-topic';

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

/** Failure code when Pub/Sub forwarded the message itself (the consumer kept failing). */
export const MAX_DELIVERY_ATTEMPTS_EXCEEDED = 'MAX_DELIVERY_ATTEMPTS_EXCEEDED';

/**
 * Attributes that describe one trip through a dead-letter topic. They are dropped when the
 * message is sent back, so the next failure records its own values.
 */
export const PER_FAILURE_ATTRIBUTES: readonly string[] = [
  ...Object.values(PUBSUB_DEAD_LETTER_ATTRIBUTES),
  ...Object.values(DEAD_LETTER_ATTRIBUTES),
  DEAD_LETTER_SOURCE_TOPIC,
];

const time = { type: 'string', format: 'date-time' } as const;
const count = { type: 'string', pattern: '^[0-9]+$' } as const;

/**
 * What a message the dead-letter path sends back carries besides the original attributes (the
 * per-failure ones dropped): a handler `retry` (to the retry topic or the source topic) and a
 * person's `requeue` (to the origin topic). So an event topic can carry these too; the wire
 * document lists them on every event message (`generated/asyncapi.wire.yaml`).
 */
export const RETRY_WIRE_ATTRIBUTES: readonly WireAttribute[] = [
  { name: RETRY_COUNT, required: false, alwaysSent: false, schema: count, description: 'Set on a retry by the dead-letter handler: how many times it has sent the message back (a requeue removes it: a fresh budget).' },
  { name: FIRST_FAILURE_TIME, required: false, alwaysSent: false, schema: time, description: 'Set on a retry: when the message first reached a dead-letter topic; kept across retries and requeues.' },
  { name: LAST_FAILURE_TIME, required: false, alwaysSent: false, schema: time, description: 'Set on a retry: when it last reached a dead-letter topic; kept by a requeue.' },
  { name: ORIGIN_TOPIC, required: false, alwaysSent: false, schema: { type: 'string' }, description: 'Set on a retry: the topic the event was first published to (where a requeue goes).' },
  { name: RETRY_FOR_SUBSCRIPTION, required: false, alwaysSent: false, schema: { type: 'string' }, description: "Set on a retry: the subscription whose consumer failed; consumers of a shared retry topic skip retries that are not theirs. A requeue removes it." },
  { name: REQUEUED_FROM, required: false, alwaysSent: false, schema: { type: 'string' }, description: 'Set on a requeue (`event-bus dlq requeue`): the id of the parked message it came from.' },
  { name: REQUEUE_COUNT, required: false, alwaysSent: false, schema: count, description: 'Set on a requeue: how many times people have requeued this message.' },
];
