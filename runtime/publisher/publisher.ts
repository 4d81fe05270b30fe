import { lookupEventVersion, lookupEventType, type EventCatalog } from '../catalog.js';
import { envelopeToAttributes } from '../cloudevents.js';
import { readEventBusConfig, topicIdFor } from '../config.js';
import { DEFAULT_BATCHING, DEFAULT_EVENT_SOURCE, MAX_BATCH_BYTES, MAX_BATCH_MESSAGES } from '../defaults.js';
import type { AnyEventEnvelope, EventMapShape } from '../envelope.js';
import type { EventPublisherPort, PublishOptions } from '../ports.js';
import { resolveTransport, type TransportChoice } from '../transport/select.js';
import type { BatchingOptions, OutgoingMessage, Transport } from '../transport/transport.js';
import { EventValidationError } from '../validation.js';
import { TopicCodecs, type CodecChoice } from './codec-choice.js';
import { InvalidEnvelopeError, PublishError, PublishManyError } from './errors.js';

export interface EventPublisherOptions {
  /** GCP project; defaults to GCP_PROJECT_ID. Configuring one selects the Pub/Sub transport (decision 0030). */
  projectId?: string;
  /** Topic ids are `${topicPrefix}.${topic}`; defaults to EVENT_BUS_TOPIC_PREFIX, then 'clone'. */
  topicPrefix?: string;
  /** Ordering key = aggregate id for event types the catalog marks as ordered. Default false. */
  enableOrdering?: boolean;
  /** Passed to the Pub/Sub client: { maxMessages, maxMilliseconds, maxBytes }, capped at 1000 / 10 MB. */
  batching?: BatchingOptions;
  /** 'pubsub' | 'in-process' | a Transport instance (shareable with a subscriber). */
  transport?: TransportChoice;
  /** Payload codec, or a resolver per topic (e.g. by its schema settings). Default: plain JSON. */
  codec?: CodecChoice;
  /** CloudEvents `source` attribute. */
  source?: string;
  /**
   * Create a missing topic before the first publish to it. Default: true on the in-process
   * transport and on the emulator; false against real Pub/Sub, where `event-bus infra apply`
   * provisions topics.
   */
  autoCreateTopics?: boolean;
  /** Environment to read configuration from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export interface PublisherStats {
  /** Events the server acknowledged. */
  published: number;
  /** Events refused before sending (invalid payload, unknown type, attribute limits). */
  rejected: number;
  /** Events the broker failed to take. */
  failed: number;
}

interface PreparedMessage {
  readonly event: AnyEventEnvelope;
  readonly topic: string;
  readonly message: OutgoingMessage;
}

/**
 * Validates, encodes and publishes events. Generic over the generated event map so a bound
 * subclass (`class EventPublisher extends RuntimeEventPublisher<EventMap>`) only accepts its events.
 */
export class EventPublisher<M extends EventMapShape = EventMapShape> implements EventPublisherPort {
  readonly transport: Transport;
  readonly topicPrefix: string;
  readonly enableOrdering: boolean;
  readonly batching: Required<BatchingOptions>;
  private readonly catalog: EventCatalog;
  private readonly ownsTransport: boolean;
  private readonly codecs: TopicCodecs;
  private readonly source: string;
  private readonly autoCreateTopics: boolean;
  private readonly ensuredTopics = new Map<string, Promise<unknown>>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly counters: PublisherStats = { published: 0, rejected: 0, failed: 0 };
  private closed = false;

  constructor(options: EventPublisherOptions & { catalog: EventCatalog }) {
    const config = readEventBusConfig(options.env);
    const { transport, owned } = resolveTransport(options.transport, config, options.projectId);
    this.transport = transport;
    this.ownsTransport = owned;
    this.catalog = options.catalog;
    this.topicPrefix = options.topicPrefix ?? config.topicPrefix;
    this.enableOrdering = options.enableOrdering ?? false;
    this.batching = {
      maxMessages: Math.min(options.batching?.maxMessages ?? DEFAULT_BATCHING.maxMessages, MAX_BATCH_MESSAGES),
      maxMilliseconds: options.batching?.maxMilliseconds ?? DEFAULT_BATCHING.maxMilliseconds,
      maxBytes: Math.min(options.batching?.maxBytes ?? DEFAULT_BATCHING.maxBytes, MAX_BATCH_BYTES),
    };
    this.codecs = new TopicCodecs(options.codec);
    this.source = options.source ?? DEFAULT_EVENT_SOURCE;
    this.autoCreateTopics = options.autoCreateTopics ?? (transport.kind !== 'pubsub' || config.emulatorHost !== undefined);
  }

  get stats(): Readonly<PublisherStats> {
    return { ...this.counters };
  }

  /** Topic id an event type is published to. */
  topicFor(eventType: keyof M & string): string {
    return topicIdFor(this.topicPrefix, lookupEventType(this.catalog, eventType).topic);
  }

  /**
   * Validates the payload against its version's schema (nothing is sent when it fails),
   * encodes it, maps the envelope onto CloudEvents attributes and publishes.
   * Resolves with the server's message id once the server acked.
   */
  async publish(event: M[keyof M], options: PublishOptions = {}): Promise<string> {
    const prepared = await this.prepare(event, options);
    return this.track(this.send(prepared));
  }

  /** Validates every event first (none is sent if one is invalid), then publishes them all in batches. */
  async publishMany(events: readonly M[keyof M][], options: PublishOptions = {}): Promise<string[]> {
    const prepared: PreparedMessage[] = [];
    for (const event of events) prepared.push(await this.prepare(event, options));
    const results = await Promise.allSettled(prepared.map((message) => this.track(this.send(message))));
    const failures = results.flatMap((result, index) => (result.status === 'rejected' ? [{ index, error: result.reason as unknown }] : []));
    const ids = results.map((result) => (result.status === 'fulfilled' ? result.value : undefined));
    if (failures.length > 0) throw new PublishManyError(ids, failures);
    return ids as string[];
  }

  /** Waits for publishes in flight, flushes batches, and releases the transport if this publisher built it. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.inFlight]);
    await this.transport.flush();
    if (this.ownsTransport) await this.transport.close();
  }

  private async prepare(event: AnyEventEnvelope, options: PublishOptions): Promise<PreparedMessage> {
    try {
      if (this.closed) throw new InvalidEnvelopeError(event.eventType, 'eventType', 'cannot be published: the publisher is closed');
      const entry = lookupEventType(this.catalog, event.eventType);
      const version = lookupEventVersion(this.catalog, event.eventType, event.eventVersion);
      assertEnvelope(event);
      const result = version.validate(event.payload);
      if (!result.valid) throw new EventValidationError(event.eventType, event.eventVersion, result.issues);
      const topic = options.topic ?? topicIdFor(this.topicPrefix, entry.topic);
      const codec = await this.codecs.forTopic(entry, topic);
      const data = codec.encode(version, event.payload);
      const attributes = envelopeToAttributes(event, { source: this.source, dataschema: version.schemaId, encoding: codec.encoding });
      const ordered = this.enableOrdering && entry.orderingKey === 'aggregateId';
      return { event, topic, message: { data, attributes, ...(ordered && { orderingKey: event.aggregateId }) } };
    } catch (error) {
      this.counters.rejected += 1;
      throw error;
    }
  }

  private async send({ event, topic, message }: PreparedMessage): Promise<string> {
    if (this.autoCreateTopics) await this.ensureTopic(topic);
    try {
      const id = await this.transport.publish(topic, message, {
        messageOrdering: message.orderingKey !== undefined,
        batching: this.batching,
      });
      this.counters.published += 1;
      return id;
    } catch (error) {
      this.counters.failed += 1;
      // The client pauses a key after a failure; resume so the caller can retry it (FACTS.md).
      if (message.orderingKey !== undefined) this.transport.resumePublishing(topic, message.orderingKey);
      throw new PublishError(topic, event.eventId, message.orderingKey, error);
    }
  }

  private ensureTopic(topic: string): Promise<unknown> {
    let ensured = this.ensuredTopics.get(topic);
    if (!ensured) {
      ensured = this.transport.ensureTopic(topic);
      ensured.catch(() => this.ensuredTopics.delete(topic));
      this.ensuredTopics.set(topic, ensured);
    }
    return ensured;
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    void promise.then(
      () => this.inFlight.delete(promise),
      () => this.inFlight.delete(promise),
    );
    return promise;
  }
}

function assertEnvelope(event: AnyEventEnvelope): void {
  const text = (field: keyof AnyEventEnvelope): void => {
    const value = event[field];
    if (typeof value !== 'string' || value.length === 0) {
      throw new InvalidEnvelopeError(event.eventType, field, `must be a non-empty string, got ${JSON.stringify(value)}`);
    }
  };
  text('eventId');
  text('aggregateId');
  text('aggregateType');
  text('occurredAt');
  if (Number.isNaN(Date.parse(event.occurredAt))) {
    throw new InvalidEnvelopeError(event.eventType, 'occurredAt', `must be an RFC 3339 timestamp, got '${event.occurredAt}'`);
  }
  if (event.metadata !== undefined && (typeof event.metadata !== 'object' || event.metadata === null)) {
    throw new InvalidEnvelopeError(event.eventType, 'metadata', 'must be an object of strings');
  }
}
