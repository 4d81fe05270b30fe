import { lookupEventVersion, lookupEventType, type EventCatalog, type EventTypeEntry, type EventVersionEntry } from '../catalog.js';
import type { PayloadCodec } from '../codec/codec.js';
import { envelopeToAttributes } from '../cloudevents.js';
import { readEventBusConfig, topicIdFor } from '../config.js';
import {
  DEFAULT_BATCHING,
  DEFAULT_EVENT_SOURCE,
  DEFAULT_HEALTH_PROBE_TIMEOUT_MILLISECONDS,
  DEFAULT_PUBLISH_TIMEOUT_MILLISECONDS,
  DEFAULT_RECONNECT_BACKOFF,
  MAX_BATCH_BYTES,
  MAX_BATCH_MESSAGES,
} from '../defaults.js';
import type { AnyEventEnvelope, EventMapShape } from '../envelope.js';
import { isEventBusError } from '../errors.js';
import type { EventPublisherPort, PublishOptions } from '../ports.js';
import { resolveTransport, type TransportChoice } from '../transport/select.js';
import type { BatchingOptions, OutgoingMessage, TopicPublishOptions, Transport } from '../transport/transport.js';
import { EventValidationError } from '../validation.js';
import { PublishTelemetry, type PublishHook } from '../observability/publish.js';
import { telemetryFrom, type ObservabilityOptions, type Telemetry } from '../observability/telemetry.js';
import { TopicCodecs, type CodecChoice } from './codec-choice.js';
import { DeadlineEntry, Deadlines } from './deadlines.js';
import { ISO_UTC_TIMESTAMP } from './timestamp.js';
import { InvalidEnvelopeError, PublishError, PublishManyError, PublishTimeoutError } from './errors.js';

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
  /**
   * Payload codec, or a resolver per topic. Default: the catalog's `payloadEncoding` per event type
   * (`codecFromCatalog`); `codecFromSchemaSettings` asks the broker instead.
   */
  codec?: CodecChoice;
  /** CloudEvents `source` attribute. */
  source?: string;
  /**
   * Create a missing topic before the first publish to it. Default: true on the in-process
   * transport and on the emulator; false against real Pub/Sub, where `event-bus infra apply`
   * provisions topics.
   */
  autoCreateTopics?: boolean;
  /**
   * A publish the broker has not acknowledged within this time (its retries included) rejects with
   * PublishTimeoutError, which is retryable. Default 10 000; the client's own default is a minute.
   */
  publishTimeoutMilliseconds?: number;
  /** Environment to read configuration from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Tracer / meter providers (default: the global ones) and logger (docs/observability.md). */
  observability?: ObservabilityOptions | Telemetry;
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

/** A publish sent to the transport and not answered yet, linked into the publisher's deadlines. */
class InFlightPublish extends DeadlineEntry {
  resolve: (id: string) => void = noop;
  reject: (error: unknown) => void = noop;
  constructor(
    readonly topic: string,
    readonly eventId: string,
    readonly key: string | undefined,
    readonly hook: PublishHook | undefined,
  ) {
    super();
  }
}

const noop = (): void => undefined;

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
  private readonly readyTopics = new Set<string>();
  private readonly topicIds = new Map<string, string>();
  private readonly orderedOptions: TopicPublishOptions;
  private readonly unorderedOptions: TopicPublishOptions;
  private inFlight = 0;
  private readonly drained: (() => void)[] = [];
  private readonly counters: PublisherStats = { published: 0, rejected: 0, failed: 0 };
  private closed = false;
  readonly publishTimeoutMilliseconds: number;
  /** Ordering keys paused after a failed publish, by topic, until the broker answers again. */
  private readonly pausedKeys = new Map<string, Set<string>>();
  private recovery: NodeJS.Timeout | undefined;
  private recoveryAttempt = 0;
  private readonly telemetry: PublishTelemetry;
  /** Publishes in flight, in deadline order, under one timer. */
  private readonly deadlines: Deadlines<InFlightPublish>;

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
    this.publishTimeoutMilliseconds = options.publishTimeoutMilliseconds ?? DEFAULT_PUBLISH_TIMEOUT_MILLISECONDS;
    const timeoutMilliseconds = this.publishTimeoutMilliseconds;
    this.deadlines = new Deadlines(timeoutMilliseconds, this.expired);
    this.orderedOptions = { messageOrdering: true, batching: this.batching, timeoutMilliseconds };
    this.unorderedOptions = { messageOrdering: false, batching: this.batching, timeoutMilliseconds };
    this.codecs = new TopicCodecs(options.codec);
    this.source = options.source ?? DEFAULT_EVENT_SOURCE;
    this.autoCreateTopics = options.autoCreateTopics ?? (transport.kind !== 'pubsub' || config.emulatorHost !== undefined);
    this.telemetry = new PublishTelemetry(telemetryFrom(options.observability), transport.kind);
  }

  get stats(): Readonly<PublisherStats> {
    return { ...this.counters };
  }

  /** Ordering keys paused after a failure and not yet resumed (they resume once the broker answers). */
  get pausedOrderingKeys(): number {
    let count = 0;
    for (const keys of this.pausedKeys.values()) count += keys.size;
    return count;
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
  publish(event: M[keyof M], options: PublishOptions = {}): Promise<string> {
    let prepared: PreparedMessage | Promise<PreparedMessage>;
    try {
      prepared = this.prepare(event, options);
    } catch (error) {
      return Promise.reject(error);
    }
    return prepared instanceof Promise ? prepared.then((message) => this.send(message)) : this.send(prepared);
  }

  /** Validates every event first (none is sent if one is invalid), then publishes them all in batches. */
  async publishMany(events: readonly M[keyof M][], options: PublishOptions = {}): Promise<string[]> {
    const prepared: PreparedMessage[] = [];
    for (const event of events) prepared.push(await this.prepare(event, options));
    const results = await Promise.allSettled(prepared.map((message) => this.send(message)));
    const failures = results.flatMap((result, index) => (result.status === 'rejected' ? [{ index, error: result.reason as unknown }] : []));
    const ids = results.map((result) => (result.status === 'fulfilled' ? result.value : undefined));
    if (failures.length > 0) throw new PublishManyError(ids, failures);
    return ids as string[];
  }

  /** Waits for publishes in flight, flushes batches, and releases the transport if this publisher built it. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.recovery);
    // Send what sits in batches now rather than after maxMilliseconds, then wait for the acks.
    const drained = this.inFlight > 0 ? new Promise<void>((resolve) => this.drained.push(resolve)) : undefined;
    await this.transport.flush();
    await drained;
    if (this.ownsTransport) await this.transport.close();
  }

  /** Synchronous on the hot path; a promise only while a codec resolver answers for the first time. */
  private prepare(event: AnyEventEnvelope, options: PublishOptions): PreparedMessage | Promise<PreparedMessage> {
    try {
      if (this.closed) throw new InvalidEnvelopeError(event.eventType, 'eventType', 'cannot be published: the publisher is closed');
      const entry = lookupEventType(this.catalog, event.eventType);
      const versions = entry.versions;
      const version = Object.hasOwn(versions, event.eventVersion)
        ? versions[event.eventVersion]!
        : lookupEventVersion(this.catalog, event.eventType, event.eventVersion); // throws, naming the known versions
      assertEnvelope(event);
      const result = version.validate(event.payload);
      if (!result.valid) throw new EventValidationError(event.eventType, event.eventVersion, result.issues);
      const topic = options.topic ?? this.defaultTopic(entry);
      const codec = this.codecs.known(entry, topic);
      if (codec) return this.encode(event, entry, version, topic, codec);
      return this.codecs.forTopic(entry, topic).then(
        (resolved) => this.encode(event, entry, version, topic, resolved),
        (error: unknown) => {
          this.counters.rejected += 1;
          throw error;
        },
      );
    } catch (error) {
      this.counters.rejected += 1;
      throw error;
    }
  }

  private encode(
    event: AnyEventEnvelope,
    entry: EventTypeEntry,
    version: EventVersionEntry,
    topic: string,
    codec: PayloadCodec,
  ): PreparedMessage {
    try {
      const data = codec.encode(version, event.payload);
      const attributes = envelopeToAttributes(event, { source: this.source, dataschema: version.schemaId, encoding: codec.encoding });
      const ordered = this.enableOrdering && entry.orderingKey === 'aggregateId';
      return { event, topic, message: ordered ? { data, attributes, orderingKey: event.aggregateId } : { data, attributes } };
    } catch (error) {
      this.counters.rejected += 1;
      throw error;
    }
  }

  private defaultTopic(entry: EventTypeEntry): string {
    let topic = this.topicIds.get(entry.topic);
    if (topic === undefined) {
      topic = topicIdFor(this.topicPrefix, entry.topic);
      this.topicIds.set(entry.topic, topic);
    }
    return topic;
  }

  private send(prepared: PreparedMessage): Promise<string> {
    if (this.autoCreateTopics && !this.readyTopics.has(prepared.topic)) return this.sendOnceEnsured(prepared);
    const { event, topic } = prepared;
    const key = prepared.message.orderingKey;
    if (key !== undefined && this.pausedKeys.get(topic)?.has(key)) {
      // Nothing may overtake the failed event on its key: refuse at once, retryably, until resumed.
      this.counters.failed += 1;
      return Promise.reject(
        new PublishError(topic, event.eventId, key, new Error('an earlier publish on this key failed; the key resumes once the broker answers'), 'ORDERING_KEY_PAUSED'),
      );
    }
    // A producer span and ce-traceparent when a tracer is registered; nothing when none is.
    const hook = this.telemetry.begin(topic, event, prepared.message);
    const message = hook ? hook.message : prepared.message;
    // Hot path: no async function, one promise, the in-flight count kept inline.
    this.inFlight += 1;
    let publishing: Promise<string>;
    try {
      publishing = this.transport.publish(topic, message, key !== undefined ? this.orderedOptions : this.unorderedOptions);
    } catch (error) {
      publishing = Promise.reject(error);
    }
    return this.track(new InFlightPublish(topic, event.eventId, key, hook), publishing);
  }

  /** The first publish to a topic ensures it first (autoCreateTopics). */
  private sendOnceEnsured(prepared: PreparedMessage): Promise<string> {
    this.inFlight += 1;
    return this.ensureTopic(prepared.topic).then(
      () => {
        this.settled();
        return this.send(prepared);
      },
      (error: unknown) => {
        this.settled();
        throw error;
      },
    );
  }

  /**
   * The caller's promise for a publish: the transport's answer, or PublishTimeoutError when none
   * came within publishTimeoutMilliseconds. The transport's own timeout (gax) normally fires first;
   * the deadline list holds for any transport, one timer for all publishes in flight (decision 0120).
   * Its own function so that the closures below keep only `flight` alive while the publish is in
   * flight, not the message (data and attributes) the transport already took.
   */
  private track(flight: InFlightPublish, publishing: Promise<string>): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      flight.resolve = resolve;
      flight.reject = reject;
      this.deadlines.add(flight);
      publishing.then(
        (id) => this.answered(flight, id),
        (error: unknown) => this.refused(flight, error),
      );
    });
  }

  private answered(flight: InFlightPublish, id: string): void {
    if (!this.deadlines.remove(flight)) return; // it timed out first: that was its outcome
    try {
      flight.resolve(this.acked(flight, id));
    } catch (error) {
      flight.reject(error);
    }
  }

  private refused(flight: InFlightPublish, error: unknown): void {
    if (!this.deadlines.remove(flight)) return;
    let failure: unknown;
    try {
      failure = this.failed(flight, error);
    } catch (thrown) {
      failure = thrown;
    }
    flight.reject(failure);
  }

  /** The broker acknowledged `flight`: count it and resume its topic's paused keys. */
  private acked(flight: InFlightPublish, id: string): string {
    this.counters.published += 1;
    this.settled();
    // The broker answered on this topic: its paused keys need no probe to resume.
    if (this.pausedKeys.size > 0 && this.pausedKeys.has(flight.topic)) this.resumeTopic(flight.topic);
    flight.hook?.acked(id);
    return id;
  }

  /** The broker failed `flight`, or it timed out: count it, pause its key, and name the error to reject with. */
  private failed(flight: InFlightPublish, error: unknown): PublishError {
    const { topic, eventId, key } = flight;
    this.counters.failed += 1;
    this.settled();
    flight.hook?.failed(error);
    if (isEventBusError(error, 'TOPIC_NOT_FOUND')) {
      // Deleted under us (an emulator restart): ensure it again on the next publish.
      this.readyTopics.delete(topic);
      this.ensuredTopics.delete(topic);
    }
    // The client pauses a key after a failure (docs/emulator-facts.md); it stays paused until the broker answers.
    if (key !== undefined) this.pause(topic, key);
    if (error instanceof PublishError) return error;
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 4 || /Total timeout/.test(String((error as Error | null)?.message))) {
      return new PublishTimeoutError(topic, eventId, key, this.publishTimeoutMilliseconds, error);
    }
    return new PublishError(topic, eventId, key, error);
  }

  /** No answer within publishTimeoutMilliseconds: the publish rejects now; a late answer is ignored. */
  private readonly expired = (flight: InFlightPublish): void => {
    const timeout = new PublishTimeoutError(flight.topic, flight.eventId, flight.key, this.publishTimeoutMilliseconds);
    let failure: unknown;
    try {
      failure = this.failed(flight, timeout);
    } catch (thrown) {
      failure = thrown;
    }
    flight.reject(failure);
  };

  private resumeTopic(topic: string): void {
    const keys = this.pausedKeys.get(topic);
    if (!keys) return;
    this.pausedKeys.delete(topic);
    for (const key of keys) this.transport.resumePublishing(topic, key);
  }

  private pause(topic: string, key: string): void {
    let keys = this.pausedKeys.get(topic);
    if (!keys) this.pausedKeys.set(topic, (keys = new Set()));
    keys.add(key);
    this.scheduleRecovery();
  }

  /**
   * Probes the broker with jittered backoff while keys are paused; as soon as it answers for a
   * topic, every paused key of that topic resumes (docs/reliability.md, "Publishing").
   */
  private scheduleRecovery(): void {
    if (this.recovery !== undefined || this.closed || this.pausedKeys.size === 0) return;
    const ceiling = Math.min(2000, DEFAULT_RECONNECT_BACKOFF.initialMilliseconds * 2 ** this.recoveryAttempt);
    this.recoveryAttempt += 1;
    this.recovery = setTimeout(() => void this.recover(), Math.round(ceiling * Math.random()));
    this.recovery.unref?.();
  }

  private async recover(): Promise<void> {
    const probeTimeout = Math.min(this.publishTimeoutMilliseconds, DEFAULT_HEALTH_PROBE_TIMEOUT_MILLISECONDS);
    await Promise.all(
      [...this.pausedKeys.keys()].map(async (topic) => {
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            this.transport.topicExists(topic),
            new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('no answer')), probeTimeout))),
          ]);
        } catch {
          return;
        } finally {
          clearTimeout(timer);
        }
        this.resumeTopic(topic);
      }),
    );
    this.recovery = undefined;
    if (this.pausedKeys.size === 0) this.recoveryAttempt = 0;
    else this.scheduleRecovery();
  }

  private ensureTopic(topic: string): Promise<unknown> {
    let ensured = this.ensuredTopics.get(topic);
    if (!ensured) {
      ensured = this.transport.ensureTopic(topic);
      ensured.then(
        () => this.readyTopics.add(topic),
        () => this.ensuredTopics.delete(topic),
      );
      this.ensuredTopics.set(topic, ensured);
    }
    return ensured;
  }

  /** One publish finished; wakes close() when none is left. */
  private settled(): void {
    this.inFlight -= 1;
    if (this.inFlight === 0 && this.drained.length > 0) for (const resolve of this.drained.splice(0)) resolve();
  }
}

function assertEnvelope(event: AnyEventEnvelope): void {
  assertText(event, 'eventId');
  assertText(event, 'aggregateId');
  assertText(event, 'aggregateType');
  assertText(event, 'occurredAt');
  // The common shape (what createEvent writes, `toISOString()`) is checked by a regex five times
  // cheaper than Date.parse, which still decides every other string (it accepts everything this
  // regex does; a unit test holds it to that).
  if (!ISO_UTC_TIMESTAMP.test(event.occurredAt) && Number.isNaN(Date.parse(event.occurredAt))) {
    throw new InvalidEnvelopeError(event.eventType, 'occurredAt', `must be an RFC 3339 timestamp, got '${event.occurredAt}'`);
  }
  if (event.metadata !== undefined && (typeof event.metadata !== 'object' || event.metadata === null)) {
    throw new InvalidEnvelopeError(event.eventType, 'metadata', 'must be an object of strings');
  }
}

function assertText(event: AnyEventEnvelope, field: 'eventId' | 'aggregateId' | 'aggregateType' | 'occurredAt'): void {
  const value: unknown = event[field];
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidEnvelopeError(event.eventType, field, `must be a non-empty string, got ${JSON.stringify(value)}`);
  }
}
