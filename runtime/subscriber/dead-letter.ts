import type { WireAttribute } from '../cloudevents.js';
import { MAX_ATTRIBUTE_VALUE_BYTES, MAX_ATTRIBUTES } from '../defaults.js';
import type { ReceivedMessage } from '../transport/transport.js';

/**
 * Attributes the subscriber adds when it dead-letters a message itself (a message that can
 * never succeed, or a handler failure on its last delivery attempt). Original attributes are
 * kept. Messages Pub/Sub forwards itself carry the CloudPubSubDeadLetterSource* attributes instead.
 */
export const DEAD_LETTER_ATTRIBUTES = {
  /** Human-readable reason, e.g. "'/email' must match format \"email\"". */
  reason: 'event-bus-dead-letter-reason',
  /** Stable error code: PAYLOAD_DECODE_FAILED, UNKNOWN_EVENT_TYPE, UNKNOWN_EVENT_VERSION, EVENT_VALIDATION_FAILED, MISSING_ATTRIBUTES, INVALID_ATTRIBUTES, UNSUPPORTED_CONTENT_TYPE, HANDLER_FAILED. */
  errorCode: 'event-bus-error-code',
  sourceSubscription: 'event-bus-source-subscription',
  /** Topic the source subscription reads (where a retry goes back to). */
  sourceTopic: 'event-bus-source-topic',
  sourceMessageId: 'event-bus-source-message-id',
  /** Delivery attempt on which it was dead-lettered. */
  deliveryAttempt: 'event-bus-delivery-attempt',
  deadLetteredAt: 'event-bus-dead-lettered-at',
  /** RFC 3339 publish time of the original message. */
  sourcePublishTime: 'event-bus-source-publish-time',
  /** The source topic's schema revision and encoding (Pub/Sub's googclient_* attributes, which may not be republished). */
  sourceSchemaRevisionId: 'event-bus-source-schema-revision-id',
  sourceSchemaEncoding: 'event-bus-source-schema-encoding',
} as const;

/** Attributes Pub/Sub itself adds when it forwards after maxDeliveryAttempts (docs/emulator-facts.md). */
export const PUBSUB_DEAD_LETTER_ATTRIBUTES = {
  deliveryCount: 'CloudPubSubDeadLetterSourceDeliveryCount',
  subscription: 'CloudPubSubDeadLetterSourceSubscription',
  subscriptionProject: 'CloudPubSubDeadLetterSourceSubscriptionProject',
  topicPublishTime: 'CloudPubSubDeadLetterSourceTopicPublishTime',
} as const;

const text = { type: 'string' } as const;
const time = { type: 'string', format: 'date-time' } as const;
const count = { type: 'string', pattern: '^[0-9]+$' } as const;

/**
 * The attributes a dead letter carries besides the original message's, as the wire document
 * (`generated/asyncapi.wire.yaml`, channel `deadLetter`) states them: those the subscriber adds
 * (every one of its dead letters has the `alwaysSent` ones) and those Pub/Sub adds when it
 * forwards after `maxDeliveryAttempts` (a dead letter has one set or the other).
 */
export const DEAD_LETTER_WIRE_ATTRIBUTES: readonly WireAttribute[] = [
  { name: DEAD_LETTER_ATTRIBUTES.errorCode, required: false, alwaysSent: true, schema: text, description: 'Set by the subscriber. Why the message can never be handled, as a stable code: `PAYLOAD_DECODE_FAILED`, `UNKNOWN_EVENT_TYPE`, `UNKNOWN_EVENT_VERSION`, `EVENT_VALIDATION_FAILED`, `MISSING_ATTRIBUTES`, `INVALID_ATTRIBUTES`, `UNSUPPORTED_CONTENT_TYPE`, `UPCAST_FAILED`, or `HANDLER_FAILED` (the handler threw on the last attempt; an event-bus error thrown by it gives its own code).' },
  { name: DEAD_LETTER_ATTRIBUTES.reason, required: false, alwaysSent: true, schema: text, description: 'Set by the subscriber. The failure in words (at most 1024 bytes), e.g. `handler failed on attempt 5: Error: CRM down`.' },
  { name: DEAD_LETTER_ATTRIBUTES.sourceSubscription, required: false, alwaysSent: true, schema: text, description: 'Set by the subscriber. The subscription that failed to handle it.' },
  { name: DEAD_LETTER_ATTRIBUTES.sourceTopic, required: false, alwaysSent: true, schema: text, description: 'Set by the subscriber. The topic that subscription reads (where a retry goes back to).' },
  { name: DEAD_LETTER_ATTRIBUTES.sourceMessageId, required: false, alwaysSent: true, schema: text, description: 'Set by the subscriber. The Pub/Sub message id of the original.' },
  { name: DEAD_LETTER_ATTRIBUTES.deliveryAttempt, required: false, alwaysSent: true, schema: count, description: 'Set by the subscriber. The delivery attempt it was dead-lettered on (0 on a subscription without a dead-letter policy).' },
  { name: DEAD_LETTER_ATTRIBUTES.deadLetteredAt, required: false, alwaysSent: true, schema: time, description: 'Set by the subscriber. When it was dead-lettered (RFC 3339).' },
  { name: DEAD_LETTER_ATTRIBUTES.sourcePublishTime, required: false, alwaysSent: true, schema: time, description: 'Set by the subscriber. When the original was published (RFC 3339).' },
  { name: DEAD_LETTER_ATTRIBUTES.sourceSchemaRevisionId, required: false, alwaysSent: false, schema: text, description: "Set by the subscriber when the source topic is schema-bound: the original's `googclient_schemarevisionid` (Pub/Sub does not let a publish carry `goog*` attributes, so the original's are dropped)." },
  { name: DEAD_LETTER_ATTRIBUTES.sourceSchemaEncoding, required: false, alwaysSent: false, schema: { type: 'string', enum: ['JSON', 'BINARY'] }, description: "Set by the subscriber when the source topic is schema-bound: the original's `googclient_schemaencoding`, i.e. how the data is encoded." },
  { name: PUBSUB_DEAD_LETTER_ATTRIBUTES.deliveryCount, required: false, alwaysSent: false, schema: count, description: 'Set by Pub/Sub when it forwarded the message itself (a subscription with a dead-letter policy, after `maxDeliveryAttempts`): delivery attempts made.' },
  { name: PUBSUB_DEAD_LETTER_ATTRIBUTES.subscription, required: false, alwaysSent: false, schema: text, description: 'Set by Pub/Sub when it forwarded the message: the source subscription id.' },
  { name: PUBSUB_DEAD_LETTER_ATTRIBUTES.subscriptionProject, required: false, alwaysSent: false, schema: text, description: "Set by Pub/Sub when it forwarded the message: the source subscription's project." },
  { name: PUBSUB_DEAD_LETTER_ATTRIBUTES.topicPublishTime, required: false, alwaysSent: false, schema: text, description: 'Set by Pub/Sub when it forwarded the message: when the original was published.' },
];

function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  let cut = text.slice(0, maxBytes);
  while (Buffer.byteLength(cut, 'utf8') > maxBytes - 3) cut = cut.slice(0, -1);
  return `${cut}...`;
}

export function deadLetterAttributes(
  message: ReceivedMessage,
  source: { subscription: string; topic: string },
  errorCode: string,
  reason: string,
): Record<string, string> {
  const added: Record<string, string> = {
    [DEAD_LETTER_ATTRIBUTES.reason]: truncateUtf8(reason, MAX_ATTRIBUTE_VALUE_BYTES),
    [DEAD_LETTER_ATTRIBUTES.errorCode]: errorCode,
    [DEAD_LETTER_ATTRIBUTES.sourceSubscription]: source.subscription,
    [DEAD_LETTER_ATTRIBUTES.sourceTopic]: source.topic,
    [DEAD_LETTER_ATTRIBUTES.sourceMessageId]: message.id,
    [DEAD_LETTER_ATTRIBUTES.deliveryAttempt]: String(message.deliveryAttempt),
    [DEAD_LETTER_ATTRIBUTES.deadLetteredAt]: new Date().toISOString(),
    [DEAD_LETTER_ATTRIBUTES.sourcePublishTime]: message.publishTime.toISOString(),
  };
  const revision = message.attributes.googclient_schemarevisionid;
  const encoding = message.attributes.googclient_schemaencoding;
  if (revision !== undefined) added[DEAD_LETTER_ATTRIBUTES.sourceSchemaRevisionId] = revision;
  if (encoding !== undefined) added[DEAD_LETTER_ATTRIBUTES.sourceSchemaEncoding] = encoding;
  // Keep the original attributes, except Pub/Sub's reserved goog* ones (a publish may not carry
  // them), dropping the last ones if the 100-attribute limit would be hit.
  const original = Object.entries(message.attributes).filter(
    ([key]) => !(key in added) && !key.toLowerCase().startsWith('goog'),
  );
  const room = MAX_ATTRIBUTES - Object.keys(added).length;
  return { ...Object.fromEntries(original.slice(0, room)), ...added };
}
