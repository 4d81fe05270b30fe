import type { AnyEventEnvelope, EventMapShape } from './envelope.js';

/**
 * The runtime's public interfaces that generated facades are written against.
 * `EventPublisher` and `EventSubscriber` implement them for Pub/Sub and the in-process transport.
 */

export interface PublishOptions {
  /** Publish to this full topic id instead of the event type's topic (e.g. the event-store topic). */
  topic?: string;
}

export interface EventPublisherPort {
  /** Validates, encodes and publishes; resolves with the server's message id once acked. */
  publish(event: AnyEventEnvelope, options?: PublishOptions): Promise<string>;
}

/** What a handler learns about the delivery besides the event itself. */
export interface DeliveryContext {
  readonly messageId: string;
  /** 1 on first delivery; grows with each redelivery. */
  readonly deliveryAttempt: number;
  readonly publishTime: Date;
  readonly attributes: Readonly<Record<string, string>>;
}

export type EventHandler<E extends AnyEventEnvelope> = (
  event: E,
  context: DeliveryContext,
) => Promise<void> | void;

export interface SubscribeOptions<E extends AnyEventEnvelope> {
  eventType: E['eventType'];
  handler: EventHandler<E>;
  /** Consumer name; one subscription per consumer and event type. */
  consumer?: string;
  deadLetterTopic?: string;
  maxDeliveryAttempts?: number;
}

export interface SubscriptionHandle {
  /** Stops pulling and waits for in-flight handlers. */
  close(): Promise<void>;
}

export interface EventSubscriberPort<M extends EventMapShape = EventMapShape> {
  subscribe<T extends keyof M & string>(options: SubscribeOptions<M[T]> & { eventType: T }): Promise<SubscriptionHandle>;
  /**
   * Type-level only, never set: the event map handlers receive (every version, or the current one
   * with upcasters), so `createBus` can infer its handler types from the subscriber it is given.
   */
  readonly deliveredEvents?: M;
}
