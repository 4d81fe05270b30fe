/**
 * `TestBus`: the runtime's real publisher and subscriber on a recording in-process broker, for
 * testing a service's handlers and publishing code. Events are recorded as they went on the wire
 * (validated, encoded, CloudEvents attributes) and decoded back for typed assertions.
 */
import { lookupEventVersion, type EventCatalog } from '../runtime/catalog.js';
import { attributesToHeaders, headersToEnvelope } from '../runtime/cloudevents.js';
import { payloadCodecs } from '../runtime/codec/avro.js';
import type { AnyEventEnvelope, EventMapShape } from '../runtime/envelope.js';
import { EventPublisher, type EventPublisherOptions } from '../runtime/publisher/publisher.js';
import type { VersionedEventMapShape } from '../runtime/store/upcasting.js';
import { DEAD_LETTER_ATTRIBUTES } from '../runtime/subscriber/dead-letter.js';
import { EventSubscriber, type EventSubscriberOptions } from '../runtime/subscriber/subscriber.js';
import { EventAssertionError, firstMismatch, preview, type DeepPartial } from './match.js';
import { RecordingTransport, type RecordedMessage } from './recording-transport.js';

export const TEST_DEAD_LETTER_TOPIC = 'test-dead-letter';
export const DEFAULT_SETTLE_TIMEOUT_MILLISECONDS = 5000;

export interface TestBusOptions<V extends VersionedEventMapShape = VersionedEventMapShape> {
  catalog: EventCatalog;
  /** 'immediate' (default): published events reach handlers at once; 'manual': one `step()` at a time. */
  delivery?: 'immediate' | 'manual';
  /** Publisher options (ordering, source, codec); the transport is the test bus's. */
  publisher?: Omit<EventPublisherOptions, 'transport' | 'projectId' | 'env'>;
  /**
   * Subscriber options (upcasters, maxDeliveryAttempts, consumer). Redeliveries happen at once
   * (retry backoff 0) unless `retryPolicy` says otherwise.
   */
  subscriber?: Omit<EventSubscriberOptions<V>, 'transport' | 'projectId' | 'env'>;
}

/** An event the code under test published, decoded from the message it put on the wire. */
export interface PublishedEvent<E extends AnyEventEnvelope = AnyEventEnvelope> {
  readonly event: E;
  readonly topic: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly orderingKey: string | undefined;
}

/** A message the subscriber dead-lettered, with its reason. */
export interface DeadLetteredEvent {
  readonly eventType: string | undefined;
  readonly errorCode: string | undefined;
  readonly reason: string | undefined;
  /** The event, when the message could still be decoded (an invalid payload is kept as written). */
  readonly event: AnyEventEnvelope | undefined;
  readonly attributes: Readonly<Record<string, string>>;
}

type Expectation<E> = DeepPartial<E> | ((event: E) => boolean);

export class TestBus<M extends EventMapShape = EventMapShape, V extends VersionedEventMapShape = VersionedEventMapShape> {
  readonly catalog: EventCatalog;
  readonly transport: RecordingTransport;
  readonly publisher: EventPublisher<M>;
  readonly subscriber: EventSubscriber<M, V>;
  readonly deadLetterTopic: string;
  private readonly codecs = payloadCodecs();

  constructor(options: TestBusOptions<V>) {
    this.catalog = options.catalog;
    this.deadLetterTopic = options.subscriber?.deadLetterTopic ?? TEST_DEAD_LETTER_TOPIC;
    this.transport = new RecordingTransport({
      delivery: options.delivery ?? 'immediate',
      neverHold: (topic) => topic === this.deadLetterTopic,
    });
    this.publisher = new EventPublisher<M>({
      ...options.publisher,
      catalog: options.catalog,
      transport: this.transport,
      env: {},
    });
    this.subscriber = new EventSubscriber<M, V>({
      retryPolicy: { minimumBackoffSeconds: 0, maximumBackoffSeconds: 0 },
      closeTimeoutMilliseconds: 100,
      ...options.subscriber,
      deadLetterTopic: this.deadLetterTopic,
      catalog: options.catalog,
      transport: this.transport,
      env: {},
    });
  }

  /** Events published so far (of one type, or all), oldest first, decoded from the wire. */
  published<T extends keyof M & string>(eventType?: T): PublishedEvent<M[T]>[] {
    return this.transport.messages
      .filter((message) => message.failed === undefined && message.topic !== this.deadLetterTopic)
      .map((message) => this.decodePublished(message))
      .filter((published) => eventType === undefined || published.event.eventType === eventType) as PublishedEvent<M[T]>[];
  }

  /**
   * Asserts that an event of `eventType` was published and matches `expected` (a partial event,
   * e.g. `{ payload: { email } }`, or a predicate); returns the first match.
   */
  expectPublished<T extends keyof M & string>(eventType: T, expected?: Expectation<M[T]>): M[T] {
    const candidates = this.published(eventType).map((published) => published.event);
    const found = candidates.find((event) => matchesExpectation(event, expected));
    if (found) return found;
    const others = this.published().map((published) => published.event.eventType);
    if (candidates.length === 0) {
      throw new EventAssertionError(
        `expected a '${eventType}' event to be published, but none was (published: ${others.length > 0 ? others.join(', ') : 'nothing'})`,
      );
    }
    const detail = candidates
      .map((event, index) => {
        const at = typeof expected === 'function' ? 'the predicate returned false' : `differs at ${firstMismatch(event, expected)}`;
        return `  #${index + 1} ${at}: ${preview(event)}`;
      })
      .join('\n');
    throw new EventAssertionError(
      `expected a '${eventType}' event matching ${typeof expected === 'function' ? 'the predicate' : preview(expected)}; ${candidates.length} published, none matches:\n${detail}`,
    );
  }

  /** Asserts that no event (of `eventType`, or at all) was published. */
  expectNotPublished<T extends keyof M & string>(eventType?: T): void {
    const found = this.published(eventType);
    if (found.length > 0) {
      throw new EventAssertionError(
        `expected no ${eventType === undefined ? '' : `'${eventType}' `}event to be published, but ${found.length} ${found.length === 1 ? 'was' : 'were'}: ${preview(found.map((published) => published.event))}`,
      );
    }
  }

  /** Messages the subscriber dead-lettered (of one event type, or all). */
  deadLettered(eventType?: string): DeadLetteredEvent[] {
    return this.transport.messages
      .filter((message) => message.failed === undefined && message.topic === this.deadLetterTopic)
      .map((message) => this.decodeDeadLetter(message))
      .filter((dead) => eventType === undefined || dead.eventType === eventType);
  }

  /** Asserts that a message of `eventType` was dead-lettered (with `errorCode`, when given); returns it. */
  expectDeadLettered(eventType: string, errorCode?: string): DeadLetteredEvent {
    const all = this.deadLettered(eventType);
    const found = all.find((dead) => errorCode === undefined || dead.errorCode === errorCode);
    if (found) return found;
    throw new EventAssertionError(
      `expected a '${eventType}' message to be dead-lettered${errorCode ? ` with ${errorCode}` : ''}; dead-lettered: ${
        all.length > 0 ? all.map((dead) => `${dead.errorCode}: ${dead.reason}`).join('; ') : 'none'
      }`,
    );
  }

  /** The next publish (of `eventType`, when given) fails with `error` (default a retryable PUBLISH_FAILED). */
  failNextPublish(eventType?: keyof M & string, options: { times?: number; error?: Error } = {}): void {
    this.transport.failPublish({
      ...options,
      ...(eventType !== undefined && { match: (_topic, message) => message.attributes['ce-type'] === eventType }),
    });
  }

  /** Delivers an already published event once more (same id and bytes), as Pub/Sub's at-least-once delivery may. */
  async redeliver(eventId: string): Promise<void> {
    const message = this.transport.messages.find(
      (recorded) => recorded.failed === undefined && recorded.topic !== this.deadLetterTopic && recorded.attributes['ce-id'] === eventId,
    );
    if (!message) throw new EventAssertionError(`no published event has id '${eventId}' to redeliver`);
    await this.transport.republish(message);
  }

  /** Manual delivery: releases the oldest held message to its subscribers and waits until it is settled. */
  async step(): Promise<boolean> {
    const released = await this.transport.step();
    if (released) await this.settle();
    return released;
  }

  /**
   * Waits until every delivered message is handled, nacked-and-redelivered to its end, or
   * dead-lettered (held messages in manual mode are not waited for). Throws after the bound.
   */
  async settle(options: { timeoutMilliseconds?: number } = {}): Promise<void> {
    const timeout = options.timeoutMilliseconds ?? DEFAULT_SETTLE_TIMEOUT_MILLISECONDS;
    const deadline = Date.now() + timeout;
    let quietRounds = 0;
    // Two quiet rounds in a row: a handler's own publish lands in the broker one tick later.
    while (quietRounds < 2) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      quietRounds = this.transport.broker.idle() ? quietRounds + 1 : 0;
      if (quietRounds === 0 && Date.now() > deadline) {
        throw new EventAssertionError(
          `the test bus did not settle within ${timeout} ms: messages are still waiting or being handled (a handler that never returns, or a retry backoff?)`,
        );
      }
      if (quietRounds === 0) await new Promise<void>((resolve) => setTimeout(resolve, 1));
    }
  }

  /** Forgets recorded messages (subscriptions stay). */
  clear(): void {
    this.transport.clear();
  }

  async close(): Promise<void> {
    await this.subscriber.close();
    await this.publisher.close();
    await this.transport.close();
  }

  private decode(message: RecordedMessage): AnyEventEnvelope {
    const headers = attributesToHeaders(message.attributes);
    const version = lookupEventVersion(this.catalog, headers.eventType, headers.eventVersion);
    const codec = this.codecs[headers.encoding ?? 'json'];
    return headersToEnvelope(headers, codec.decode(version, message.data));
  }

  private decodePublished(message: RecordedMessage): PublishedEvent {
    return {
      event: this.decode(message),
      topic: message.topic,
      attributes: message.attributes,
      orderingKey: message.orderingKey,
    };
  }

  private decodeDeadLetter(message: RecordedMessage): DeadLetteredEvent {
    let event: AnyEventEnvelope | undefined;
    try {
      event = this.decode(message);
    } catch {
      event = undefined;
    }
    return {
      eventType: message.attributes['ce-type'],
      errorCode: message.attributes[DEAD_LETTER_ATTRIBUTES.errorCode],
      reason: message.attributes[DEAD_LETTER_ATTRIBUTES.reason],
      event,
      attributes: message.attributes,
    };
  }
}

function matchesExpectation<E>(event: E, expected: Expectation<E> | undefined): boolean {
  if (expected === undefined) return true;
  if (typeof expected === 'function') return (expected as (event: E) => boolean)(event);
  return firstMismatch(event, expected) === undefined;
}

/** `createTestBus<EventMap, VersionedEventMap>({ catalog })`. */
export function createTestBus<M extends EventMapShape = EventMapShape, V extends VersionedEventMapShape = VersionedEventMapShape>(
  options: TestBusOptions<V>,
): TestBus<M, V> {
  return new TestBus<M, V>(options);
}
