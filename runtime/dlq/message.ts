import type { EventMapShape } from '../envelope.js';
import { isEventBusError } from '../errors.js';
import {
  DEAD_LETTER_ATTRIBUTES,
  FIRST_FAILURE_TIME,
  MAX_DELIVERY_ATTEMPTS_EXCEEDED,
  ORIGIN_TOPIC,
  PUBSUB_DEAD_LETTER_ATTRIBUTES,
  RETRY_COUNT,
} from './attributes.js';
import type { RawDelivery } from './transport-port.js';

/** The bytes and attributes of an event that did not decode (or did not validate). */
export interface RawOriginalEvent {
  readonly data: Buffer;
  readonly attributes: Readonly<Record<string, string>>;
}

/** Why the original event could not be handed over typed. */
export interface DecodeFailure {
  /** The runtime error code, e.g. 'PAYLOAD_DECODE_FAILED', 'UNKNOWN_EVENT_TYPE', 'EVENT_VALIDATION_FAILED'. */
  readonly code: string;
  readonly message: string;
}

interface DeadLetterMessageBase {
  /** Id of the message in the dead-letter topic; stable across redeliveries of it. */
  readonly messageId: string;
  /** The event's id from its envelope attributes, when present (even if the payload did not decode). */
  readonly eventId: string | undefined;
  /** The event type from its envelope attributes, when present. */
  readonly eventType: string | undefined;
  /**
   * How many times the source subscription delivered it: Pub/Sub's
   * CloudPubSubDeadLetterSourceDeliveryCount, or the attempt our subscriber recorded.
   */
  readonly deliveryAttempts: number;
  /**
   * Stable code of the failure our subscriber recorded (EVENT_VALIDATION_FAILED, UNKNOWN_EVENT_VERSION,
   * PAYLOAD_DECODE_FAILED, HANDLER_FAILED, ...), or MAX_DELIVERY_ATTEMPTS_EXCEEDED when Pub/Sub forwarded it.
   */
  readonly failureCode: string;
  /** Why it failed, in words (e.g. the schema violation or the handler's error). */
  readonly failureReason: string;
  /** Subscription whose consumer failed. */
  readonly sourceSubscription: string | undefined;
  /** Topic that subscription reads (where a retry without a retry topic goes). */
  readonly sourceTopic: string | undefined;
  /** The topic the event was first published to: the normal path a requeue takes. */
  readonly originTopic: string | undefined;
  /** When the event first reached a dead-letter topic. */
  readonly firstFailureTime: Date;
  /** When it reached the dead-letter topic this time. */
  readonly lastFailureTime: Date;
  /** When it was published to the source topic, when Pub/Sub told us. */
  readonly originalPublishTime: Date | undefined;
  /** How many times the dead-letter handler has already sent it back. */
  readonly retryCount: number;
  /** Every attribute of the dead-lettered message, as received. */
  readonly attributes: Readonly<Record<string, string>>;
  /** The message data, as received. */
  readonly data: Buffer;
  readonly orderingKey: string | undefined;
}

/** A dead letter whose event decoded and passed its schema: `originalEvent` is typed. */
export interface DecodedDeadLetterMessage<M extends EventMapShape = EventMapShape> extends DeadLetterMessageBase {
  readonly decoded: true;
  readonly originalEvent: M[keyof M & string];
  readonly decodeFailure?: undefined;
}

/** A dead letter whose event did not decode: `originalEvent` is its raw bytes and attributes. */
export interface UndecodableDeadLetterMessage extends DeadLetterMessageBase {
  readonly decoded: false;
  readonly originalEvent: RawOriginalEvent;
  readonly decodeFailure: DecodeFailure;
}

/** What a dead-letter handler sees. Narrow on `decoded` to get the typed event. */
export type DeadLetterMessage<M extends EventMapShape = EventMapShape> =
  | DecodedDeadLetterMessage<M>
  | UndecodableDeadLetterMessage;

/**
 * Turns message data and attributes back into a validated envelope; throws an EventBusError
 * (decode, unknown type/version, validation) when it cannot.
 */
export type OriginalEventDecoder = (
  data: Buffer,
  attributes: Readonly<Record<string, string>>,
) => EventMapShape[string];

/** Where the message came from, resolved by the caller (it may need a lookup). */
export interface MessageRouting {
  readonly sourceTopic: string | undefined;
  /**
   * Ordering key to use when the dead letter carries none (the subscriber's own dead-letter
   * publish drops it): the aggregate id of an ordered event type.
   */
  readonly orderingKey?: string | undefined;
}

/** Builds the handler's view of a raw dead letter. Never throws: what does not decode stays raw. */
export function toDeadLetterMessage<M extends EventMapShape>(
  delivery: RawDelivery,
  decode: OriginalEventDecoder,
  routing: MessageRouting,
): DeadLetterMessage<M> {
  const attributes = delivery.attributes;
  const lastFailureTime = delivery.publishTime;
  const deliveryAttempts =
    nonNegativeInteger(attributes[PUBSUB_DEAD_LETTER_ATTRIBUTES.deliveryCount]) ??
    nonNegativeInteger(attributes[DEAD_LETTER_ATTRIBUTES.deliveryAttempt]) ??
    0;
  const base: DeadLetterMessageBase = {
    messageId: delivery.id,
    eventId: attributes['ce-id'],
    eventType: attributes['ce-type'],
    deliveryAttempts,
    failureCode: attributes[DEAD_LETTER_ATTRIBUTES.errorCode] ?? MAX_DELIVERY_ATTEMPTS_EXCEEDED,
    failureReason:
      attributes[DEAD_LETTER_ATTRIBUTES.reason] ??
      `delivered ${deliveryAttempts} times without an ack (the subscription's dead-letter policy forwarded it)`,
    sourceSubscription: shortResourceName(
      attributes[PUBSUB_DEAD_LETTER_ATTRIBUTES.subscription] ?? attributes[DEAD_LETTER_ATTRIBUTES.sourceSubscription],
    ),
    sourceTopic: routing.sourceTopic,
    originTopic: attributes[ORIGIN_TOPIC] ?? routing.sourceTopic,
    firstFailureTime: parseTime(attributes[FIRST_FAILURE_TIME]) ?? lastFailureTime,
    lastFailureTime,
    originalPublishTime: parseTime(
      attributes[PUBSUB_DEAD_LETTER_ATTRIBUTES.topicPublishTime] ?? attributes[DEAD_LETTER_ATTRIBUTES.sourcePublishTime],
    ),
    retryCount: nonNegativeInteger(attributes[RETRY_COUNT]) ?? 0,
    attributes,
    data: delivery.data,
    orderingKey: delivery.orderingKey || routing.orderingKey,
  };
  try {
    const originalEvent = decode(delivery.data, attributes) as M[keyof M & string];
    return { ...base, decoded: true, originalEvent };
  } catch (error) {
    const decodeFailure: DecodeFailure = {
      code: isEventBusError(error) ? error.code : 'DECODE_FAILED',
      message: error instanceof Error ? error.message : String(error),
    };
    return {
      ...base,
      decoded: false,
      originalEvent: { data: delivery.data, attributes },
      decodeFailure,
    };
  }
}

/** 'projects/p/subscriptions/s' -> 's'; short names pass through. */
export function shortResourceName(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const slash = name.lastIndexOf('/');
  return slash === -1 ? name : name.slice(slash + 1);
}

function nonNegativeInteger(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

/** Accepts RFC 3339 timestamps; Pub/Sub's publish-time attribute is also in that form. */
function parseTime(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? undefined : time;
}
