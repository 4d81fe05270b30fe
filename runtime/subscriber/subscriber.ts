import { lookupEventType, lookupEventVersion, type EventCatalog } from '../catalog.js';
import { attributesToHeaders, completeEnvelopeAttributes, headersToEnvelope, readCloudEventMessage } from '../cloudevents.js';
import type { PayloadCodec } from '../codec/codec.js';
import { payloadCodecs } from '../codec/avro.js';
import {
  assertResourceId,
  deadLetterSubscriptionIdFor,
  readEventBusConfig,
  subscriptionIdFor,
  topicIdFor,
} from '../config.js';
import {
  DEFAULT_ACK_DEADLINE_SECONDS,
  DEFAULT_CLOSE_TIMEOUT_MILLISECONDS,
  DEFAULT_FLOW_CONTROL,
  DEFAULT_MAX_DELIVERY_ATTEMPTS,
  DEFAULT_ORDERED_RETRY_BACKOFF,
  DEFAULT_ORDERING_HOLD_MILLISECONDS,
  DEFAULT_RETRY_POLICY,
  MAX_DELIVERY_ATTEMPTS,
  MIN_DELIVERY_ATTEMPTS,
} from '../defaults.js';
import type { AnyEventEnvelope, EventMapShape } from '../envelope.js';
import { EventBusError, isEventBusError } from '../errors.js';
import type { DeliveryContext, EventSubscriberPort, SubscribeOptions, SubscriptionHandle } from '../ports.js';
import { resolveTransport, type TransportChoice } from '../transport/select.js';
import type {
  FlowControlOptions,
  ReceivedMessage,
  RetryPolicy,
  Transport,
  TransportSubscription,
} from '../transport/transport.js';
import { EventValidationError } from '../validation.js';
import { createUpcaster, type UpcasterMap, type VersionedEventMapShape } from '../store/upcasting.js';
import { deadLetterAttributes } from './dead-letter.js';
import { ConsumeTelemetry, observeSubscriber } from '../observability/consume.js';
import { telemetryFrom, type ObservabilityOptions, type Telemetry } from '../observability/telemetry.js';
import { OrderedDispatch, type Outcome } from './ordered-dispatch.js';
import { emptyStats, type SubscriberStats } from './stats.js';
import {
  StreamSupervisor,
  type ReconnectOptions,
  type SubscriptionHealth,
  type SubscriptionState,
  type SubscriptionStateChange,
} from './stream-supervisor.js';

/** `V`: the generated versioned event map, which types `upcasters`. */
export interface EventSubscriberOptions<V extends VersionedEventMapShape = VersionedEventMapShape> {
  /** GCP project; defaults to GCP_PROJECT_ID. Configuring one selects the Pub/Sub transport (decision 0030). */
  projectId?: string;
  /** Topic ids are `${topicPrefix}.${topic}`; defaults to EVENT_BUS_TOPIC_PREFIX, then 'clone'. */
  topicPrefix?: string;
  /** Subscription ids are `${subscriptionPrefix}[.${consumer}].${eventType}`; EVENT_BUS_SUBSCRIPTION_PREFIX, then 'clone-sub'. */
  subscriptionPrefix?: string;
  /** Consumer (service) name, part of every subscription id. Optional. */
  consumer?: string;
  /** 'pubsub' | 'in-process' | a Transport instance (shareable with a publisher). */
  transport?: TransportChoice;
  /**
   * Codecs by encoding, chosen per message from `ce-datacontenttype`. Default: plain JSON, Avro JSON
   * and Avro binary, so a subscriber reads whatever a topic's schema settings made publishers write.
   */
  codecs?: readonly PayloadCodec[];
  /** Default for subscribe(): DEAD_LETTER_TOPIC, then 'clone-dead-letter'. */
  deadLetterTopic?: string;
  /** Default for subscribe(): 5 (Pub/Sub allows 5..100). */
  maxDeliveryAttempts?: number;
  /** Default for subscribe(). */
  ackDeadlineSeconds?: number;
  /** Default for subscribe(): exponential backoff between redeliveries. */
  retryPolicy?: RetryPolicy;
  /** Default for subscribe(): max messages / bytes handed out and not yet settled. */
  flowControl?: FlowControlOptions;
  /** Ordered subscriptions (per aggregate). Default true. */
  enableMessageOrdering?: boolean;
  /**
   * Create the topic, the subscription, the dead-letter topic and its keeping subscription when
   * missing. Default: true on the in-process transport and the emulator; false on real Pub/Sub.
   */
  autoCreate?: boolean;
  /**
   * Upcasters (as the event store takes them) that bring older event versions to the current one
   * before the handler sees them. Without them a handler receives each event as it was written.
   * A version with no upcaster path is dead-lettered (`STORE_MISSING_UPCASTER`).
   */
  upcasters?: UpcasterMap<V>;
  /** How long close() lets the client flush acks and nacks. Default 5000. */
  closeTimeoutMilliseconds?: number;
  /** How long later messages of a key wait for a nacked one to come back. Default 60 000. */
  orderingHoldMilliseconds?: number;
  /**
   * A failed handler of a message with an ordering key is retried in process, after this jittered
   * backoff (doubling per attempt), up to maxDeliveryAttempts; then it is dead-lettered. Default 100 .. 5000 ms.
   */
  orderedRetry?: { initialMilliseconds?: number; maxMilliseconds?: number };
  /** Stream and dead-lettering errors (the subscriber keeps running). Default: logged at level error. */
  onError?: (error: Error) => void;
  /** Every change of a subscription's state: connecting, connected, reconnecting, closed. */
  onStateChange?: (change: SubscriptionStateChange) => void;
  /** Backoff of re-opening an ended stream and the health probe's timeout (docs/reliability.md). */
  reconnect?: ReconnectOptions;
  env?: NodeJS.ProcessEnv;
  /** Tracer / meter providers (default: the global ones) and logger (docs/observability.md). */
  observability?: ObservabilityOptions | Telemetry;
}

/** What `EventSubscriber.health()` reports: the worst state of any open subscription, and each one. */
export interface SubscriberHealth {
  readonly state: SubscriptionState;
  readonly subscriptions: readonly SubscriptionHealth[];
}

/** Options of one subscription; everything but eventType and handler falls back to the subscriber's options. */
export interface EventSubscribeOptions<E extends AnyEventEnvelope> extends SubscribeOptions<E> {
  /** Full subscription id, instead of `${subscriptionPrefix}[.${consumer}].${eventType}`. */
  subscription?: string;
  /** Full topic id, instead of the event type's topic. */
  topic?: string;
  ackDeadlineSeconds?: number;
  retryPolicy?: RetryPolicy;
  flowControl?: FlowControlOptions;
  enableMessageOrdering?: boolean;
  /** Server-side filter (stored; the emulator ignores it — the subscriber filters by event type itself). */
  filter?: string;
}

export interface EventSubscription extends SubscriptionHandle {
  readonly subscription: string;
  readonly topic: string;
  readonly eventType: string;
  readonly deadLetterTopic: string;
  readonly stats: Readonly<SubscriberStats>;
  health(): SubscriptionHealth;
}

export class SubscriberError extends EventBusError {}

/** The handler threw on the last delivery attempt: dead-lettered by the subscriber. */
const HANDLER_FAILED = 'HANDLER_FAILED';

/**
 * Subscribes handlers to event types. Every message is decoded and validated before a handler
 * sees it; messages that can never succeed go to the dead-letter topic with the reason.
 */
export class EventSubscriber<
  M extends EventMapShape = EventMapShape,
  V extends VersionedEventMapShape = VersionedEventMapShape,
  /** What handlers receive per event type: `M` with upcasters, every version without (the generated subclass infers it). */
  D extends EventMapShape = M,
> implements EventSubscriberPort<D> {
  readonly transport: Transport;
  readonly topicPrefix: string;
  readonly subscriptionPrefix: string;
  /** Type-level only (EventSubscriberPort): what handlers receive. */
  declare readonly deliveredEvents?: D;
  private readonly catalog: EventCatalog;
  private readonly ownsTransport: boolean;
  private readonly options: EventSubscriberOptions<V>;
  private readonly defaults: {
    deadLetterTopic: string;
    maxDeliveryAttempts: number;
    ackDeadlineSeconds: number;
    retryPolicy: RetryPolicy;
    flowControl: Required<FlowControlOptions>;
    enableMessageOrdering: boolean;
    autoCreate: boolean;
  };
  private readonly codecs: ReadonlyMap<string, PayloadCodec>;
  private readonly upcast: ((event: AnyEventEnvelope) => AnyEventEnvelope) | undefined;
  private readonly subscriptions = new Set<ActiveSubscription>();
  private readonly totals = emptyStats();
  private closed = false;
  private readonly telemetry: Telemetry;
  private stopObserving: (() => void) | undefined;

  constructor(options: EventSubscriberOptions<V> & { catalog: EventCatalog }) {
    const config = readEventBusConfig(options.env);
    const { transport, owned } = resolveTransport(options.transport, config, options.projectId);
    this.transport = transport;
    this.ownsTransport = owned;
    this.catalog = options.catalog;
    this.options = options;
    this.topicPrefix = options.topicPrefix ?? config.topicPrefix;
    this.subscriptionPrefix = options.subscriptionPrefix ?? config.subscriptionPrefix;
    this.defaults = {
      deadLetterTopic: options.deadLetterTopic ?? config.deadLetterTopic,
      maxDeliveryAttempts: options.maxDeliveryAttempts ?? DEFAULT_MAX_DELIVERY_ATTEMPTS,
      ackDeadlineSeconds: options.ackDeadlineSeconds ?? DEFAULT_ACK_DEADLINE_SECONDS,
      retryPolicy: options.retryPolicy ?? { ...DEFAULT_RETRY_POLICY },
      flowControl: { ...DEFAULT_FLOW_CONTROL, ...options.flowControl },
      enableMessageOrdering: options.enableMessageOrdering ?? true,
      autoCreate: options.autoCreate ?? (transport.kind !== 'pubsub' || config.emulatorHost !== undefined),
    };
    this.codecs = new Map((options.codecs ?? Object.values(payloadCodecs())).map((codec) => [codec.encoding, codec]));
    this.upcast = options.upcasters && createUpcaster(this.catalog, options.upcasters as UpcasterMap);
    this.telemetry = telemetryFrom(options.observability);
  }

  /** Totals over every subscription of this subscriber (closed ones included). */
  get stats(): Readonly<SubscriberStats> {
    let inFlight = 0;
    for (const active of this.subscriptions) inFlight += active.stats.inFlight;
    return { ...this.totals, inFlight };
  }

  /**
   * The worst state over the open subscriptions ('connected' when all are, 'closed' after close()),
   * and each subscription's state, re-opens and outages: for a readiness or liveness probe.
   */
  health(): SubscriberHealth {
    const subscriptions = [...this.subscriptions].map((active) => active.health());
    const rank: SubscriptionState[] = ['connected', 'connecting', 'reconnecting'];
    const worst = subscriptions.reduce<SubscriptionState>(
      (state, entry) => (rank.indexOf(entry.state) > rank.indexOf(state) ? entry.state : state),
      'connected',
    );
    return { state: this.closed ? 'closed' : worst, subscriptions };
  }

  /** Subscription id used for an event type (and consumer). */
  subscriptionFor(eventType: keyof M & string, consumer?: string): string {
    return subscriptionIdFor(this.subscriptionPrefix, eventType, consumer ?? this.options.consumer);
  }

  async subscribe<T extends keyof D & string>(
    options: EventSubscribeOptions<D[T]> & { eventType: T },
  ): Promise<EventSubscription> {
    if (this.closed) throw new SubscriberError('SUBSCRIBER_CLOSED', 'The subscriber is closed');
    const entry = lookupEventType(this.catalog, options.eventType);
    const topic = options.topic ?? topicIdFor(this.topicPrefix, entry.topic);
    const subscription = options.subscription
      ? assertResourceId('subscription', options.subscription)
      : this.subscriptionFor(options.eventType, options.consumer);
    const deadLetterTopic = assertResourceId('topic', options.deadLetterTopic ?? this.defaults.deadLetterTopic);
    const maxDeliveryAttempts = options.maxDeliveryAttempts ?? this.defaults.maxDeliveryAttempts;
    if (
      !Number.isInteger(maxDeliveryAttempts) ||
      maxDeliveryAttempts < MIN_DELIVERY_ATTEMPTS ||
      maxDeliveryAttempts > MAX_DELIVERY_ATTEMPTS
    ) {
      throw new SubscriberError(
        'INVALID_OPTIONS',
        `${options.eventType}: maxDeliveryAttempts must be an integer from ${MIN_DELIVERY_ATTEMPTS} to ${MAX_DELIVERY_ATTEMPTS} (Pub/Sub's range), got ${maxDeliveryAttempts}`,
      );
    }
    // Also run again when a re-opened stream finds its subscription gone (an emulator restart).
    const provision = async (): Promise<void> => {
      await Promise.all([this.transport.ensureTopic(topic), this.transport.ensureTopic(deadLetterTopic)]);
      await this.transport.ensureSubscription(deadLetterSubscriptionIdFor(deadLetterTopic), { topic: deadLetterTopic });
      const filter = options.filter;
      const created = await this.transport.ensureSubscription(subscription, {
        topic,
        ackDeadlineSeconds: options.ackDeadlineSeconds ?? this.defaults.ackDeadlineSeconds,
        enableMessageOrdering: options.enableMessageOrdering ?? this.defaults.enableMessageOrdering,
        deadLetterPolicy: { deadLetterTopic, maxDeliveryAttempts },
        retryPolicy: options.retryPolicy ?? this.defaults.retryPolicy,
        ...(filter !== undefined && { filter }),
      });
      if (!created) await this.assertReadsTopic(subscription, topic);
    };
    if (this.defaults.autoCreate) await provision();
    const active = new ActiveSubscription({
      subscriber: this,
      transport: this.transport,
      catalog: this.catalog,
      codecs: this.codecs,
      upcast: this.upcast,
      eventType: options.eventType,
      topic,
      subscription,
      deadLetterTopic,
      maxDeliveryAttempts,
      handler: options.handler as (event: AnyEventEnvelope, context: DeliveryContext) => Promise<void> | void,
      totals: this.totals,
      onError:
        this.options.onError ??
        ((error) => this.telemetry.logger.log('error', 'subscription error', { subscription, error })),
      telemetry: new ConsumeTelemetry(this.telemetry, { subscription, topic, transportKind: this.transport.kind }),
      flowControl: { ...this.defaults.flowControl, ...options.flowControl },
      closeTimeoutMilliseconds: this.options.closeTimeoutMilliseconds ?? DEFAULT_CLOSE_TIMEOUT_MILLISECONDS,
      orderingHoldMilliseconds: this.options.orderingHoldMilliseconds ?? DEFAULT_ORDERING_HOLD_MILLISECONDS,
      provision: this.defaults.autoCreate ? provision : undefined,
      orderedRetry: { ...DEFAULT_ORDERED_RETRY_BACKOFF, ...this.options.orderedRetry },
      onStateChange: this.options.onStateChange,
      reconnect: this.options.reconnect,
      onClosed: () => this.subscriptions.delete(active),
    });
    this.subscriptions.add(active);
    this.stopObserving ??= observeSubscriber(this.telemetry, () =>
      [...this.subscriptions].map((each) => ({ ...each.gauges, inFlight: each.stats.inFlight })),
    );
    active.start();
    return active;
  }

  /** An existing subscription on another topic would silently deliver the wrong stream. */
  private async assertReadsTopic(subscription: string, topic: string): Promise<void> {
    const existing = await this.transport.describeSubscription(subscription);
    if (existing && existing.topic !== topic) {
      throw new SubscriberError(
        'SUBSCRIPTION_TOPIC_MISMATCH',
        `Subscription '${subscription}' exists but reads topic '${existing.topic}', not '${topic}': use another subscriptionPrefix or consumer`,
      );
    }
  }

  /** Stops every subscription, waits for in-flight handlers, releases the transport if this subscriber built it. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((active) => active.close()));
    this.stopObserving?.();
    if (this.ownsTransport) await this.transport.close();
  }
}

interface ActiveSubscriptionInit {
  subscriber: EventSubscriber<EventMapShape>;
  transport: Transport;
  catalog: EventCatalog;
  codecs: ReadonlyMap<string, PayloadCodec>;
  upcast: ((event: AnyEventEnvelope) => AnyEventEnvelope) | undefined;
  eventType: string;
  topic: string;
  subscription: string;
  deadLetterTopic: string;
  maxDeliveryAttempts: number;
  handler: (event: AnyEventEnvelope, context: DeliveryContext) => Promise<void> | void;
  totals: SubscriberStats;
  onError: (error: Error) => void;
  telemetry: ConsumeTelemetry;
  flowControl: Required<FlowControlOptions>;
  closeTimeoutMilliseconds: number;
  orderingHoldMilliseconds: number;
  provision: (() => Promise<void>) | undefined;
  orderedRetry: { initialMilliseconds: number; maxMilliseconds: number };
  onStateChange: ((change: SubscriptionStateChange) => void) | undefined;
  reconnect: ReconnectOptions | undefined;
  onClosed: () => void;
}

/** Raised for a message that can never be handled: it is dead-lettered, not retried. */
class Unhandleable extends Error {
  constructor(
    readonly errorCode: string,
    readonly reason: string,
    readonly counter: 'invalid' | 'unknown',
  ) {
    super(reason);
  }
}

class ActiveSubscription implements EventSubscription {
  readonly subscription: string;
  readonly topic: string;
  readonly eventType: string;
  readonly deadLetterTopic: string;
  private readonly local = emptyStats();
  private readonly dispatch: OrderedDispatch;
  private readonly supervisor: StreamSupervisor;
  private closing: Promise<void> | undefined;

  constructor(private readonly init: ActiveSubscriptionInit) {
    this.subscription = init.subscription;
    this.topic = init.topic;
    this.eventType = init.eventType;
    this.deadLetterTopic = init.deadLetterTopic;
    this.dispatch = new OrderedDispatch((message) => this.init.telemetry.process(message, () => this.handle(message)), {
      holdMilliseconds: init.orderingHoldMilliseconds,
    });
    this.supervisor = new StreamSupervisor({
      transport: init.transport,
      subscription: init.subscription,
      listener: (message) => {
        this.supervisor.delivered();
        this.count('received');
        this.dispatch.dispatch(message);
      },
      stream: { flowControl: init.flowControl, closeTimeoutMilliseconds: init.closeTimeoutMilliseconds },
      onError: init.onError,
      onStateChange: init.onStateChange,
      provision: init.provision,
      reconnect: init.reconnect,
    });
  }

  health(): SubscriptionHealth {
    return this.supervisor.health();
  }

  get stats(): Readonly<SubscriberStats> {
    return { ...this.local, inFlight: this.dispatch.inFlight };
  }

  /** What the subscriber gauges report (docs/observability.md). */
  get gauges(): { subscription: string; eventType: string; state: 'open' | 'closing' } {
    return { subscription: this.subscription, eventType: this.eventType, state: this.closing ? 'closing' : 'open' };
  }

  /** Opens the stream; the supervisor re-opens it whenever it ends, until close(). */
  start(): void {
    this.supervisor.start();
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.dispatch.drain();
      await this.supervisor.close();
      this.init.onClosed();
    })();
    return this.closing;
  }

  private count(counter: keyof SubscriberStats, by = 1): void {
    this.local[counter] += by;
    this.init.totals[counter] += by;
  }

  /** Decides the fate of one message; never throws. */
  private async handle(message: ReceivedMessage): Promise<Outcome> {
    let event: AnyEventEnvelope;
    try {
      const decoded = this.decode(message);
      if (decoded === 'other-type') {
        // Another event type on a shared topic (the emulator ignores subscription filters).
        this.count('filtered');
        message.ack();
        this.count('acked');
        return 'acked';
      }
      event = decoded;
    } catch (error) {
      const unhandleable =
        error instanceof Unhandleable ? error : new Unhandleable('DECODE_FAILED', (error as Error).message, 'invalid');
      this.count(unhandleable.counter);
      return this.deadLetter(message, unhandleable.errorCode, unhandleable.reason);
    }
    const firstAttempt = Math.max(1, message.deliveryAttempt);
    for (let attempt = firstAttempt; ; attempt += 1) {
      const context: DeliveryContext = {
        messageId: message.id,
        deliveryAttempt: attempt,
        publishTime: message.publishTime,
        attributes: message.attributes,
      };
      try {
        await this.init.handler(event, context);
        break;
      } catch (error) {
        this.count('handlerErrors');
        this.init.telemetry.failed(message, error);
        // The emulator never dead-letters on ordered subscriptions, and the last attempt should not
        // wait for another backoff: the subscriber forwards it itself (decision 0033).
        if (attempt >= this.init.maxDeliveryAttempts) {
          const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
          return this.deadLetter(
            message,
            isEventBusError(error) ? error.code : HANDLER_FAILED,
            `handler failed on attempt ${attempt}: ${reason}`,
            attempt,
          );
        }
        // Ordered: retry right here (the lease is kept), so the key's later messages wait a short
        // backoff instead of a redelivery that a full flow-control window can hold up (decision 0086).
        if (message.orderingKey && !this.dispatch.stopping) {
          await new Promise((resolve) => setTimeout(resolve, this.orderedRetryDelay(attempt - firstAttempt)));
          if (!this.dispatch.stopping) continue;
        }
        message.nack();
        this.count('nacked');
        return 'nacked';
      }
    }
    message.ack();
    this.count('handled');
    this.init.telemetry.handled(message);
    this.count('acked');
    return 'acked';
  }

  /** Jittered exponential backoff between in-process retries of an ordered message. */
  private orderedRetryDelay(retry: number): number {
    const { initialMilliseconds, maxMilliseconds } = this.init.orderedRetry;
    const ceiling = Math.min(maxMilliseconds, initialMilliseconds * 2 ** retry);
    return Math.round(ceiling * (0.5 + Math.random() / 2));
  }

  private decode(message: ReceivedMessage): AnyEventEnvelope | 'other-type' {
    let headers;
    let data: Buffer;
    try {
      // The CloudEvents Pub/Sub binding: binary mode (our publishers), or structured mode (`content-type: application/cloudevents+json`).
      const cloudEvent = readCloudEventMessage(message.attributes, message.data);
      data = cloudEvent.data;
      // A producer following the binding alone may omit our extension attributes (decision 0140).
      const attributes = completeEnvelopeAttributes(cloudEvent.attributes, {
        catalog: this.init.catalog,
        publishTime: message.publishTime,
        ...(message.orderingKey ? { orderingKey: message.orderingKey } : {}),
      });
      headers = attributesToHeaders(attributes);
    } catch (error) {
      throw new Unhandleable(
        (error as EventBusError).code ?? 'MISSING_ATTRIBUTES',
        (error as Error).message,
        'invalid',
      );
    }
    if (headers.eventType !== this.eventType && Object.hasOwn(this.init.catalog.events, headers.eventType)) {
      return 'other-type';
    }
    let version;
    try {
      version = lookupEventVersion(this.init.catalog, headers.eventType, headers.eventVersion);
    } catch (error) {
      throw new Unhandleable((error as EventBusError).code, (error as Error).message, 'unknown');
    }
    const codec = headers.encoding && this.init.codecs.get(headers.encoding);
    if (!codec) {
      throw new Unhandleable(
        'UNSUPPORTED_CONTENT_TYPE',
        `No codec for content type '${headers.contentType}' (configured: ${[...this.init.codecs.keys()].join(', ')})`,
        'invalid',
      );
    }
    let payload: unknown;
    try {
      payload = codec.decode(version, data);
    } catch (error) {
      throw new Unhandleable(
        isEventBusError(error) ? error.code : 'PAYLOAD_DECODE_FAILED',
        (error as Error).message,
        'invalid',
      );
    }
    const result = version.validate(payload);
    if (!result.valid) {
      const invalid = new EventValidationError(headers.eventType, headers.eventVersion, result.issues);
      throw new Unhandleable(invalid.code, invalid.message, 'invalid');
    }
    const envelope = headersToEnvelope(headers, payload);
    if (!this.init.upcast) return envelope;
    try {
      return this.init.upcast(envelope);
    } catch (error) {
      // A missing upcaster or an upcast that fails the current schema cannot succeed on redelivery.
      throw new Unhandleable(
        isEventBusError(error) ? error.code : 'UPCAST_FAILED',
        (error as Error).message,
        'invalid',
      );
    }
  }

  /** Publishes to the dead-letter topic, then acks; if that publish fails the message is nacked. */
  private async deadLetter(message: ReceivedMessage, errorCode: string, reason: string, attempt?: number): Promise<Outcome> {
    const attributes = deadLetterAttributes(
      attempt === undefined ? message : { ...message, deliveryAttempt: attempt },
      { subscription: this.subscription, topic: this.topic },
      errorCode,
      reason,
    );
    const hook = this.init.telemetry.deadLetter(this.deadLetterTopic, message, errorCode, reason, attributes);
    try {
      await this.init.transport.publish(this.deadLetterTopic, {
        data: message.data,
        attributes: hook ? hook.attributes : attributes,
      });
      hook?.sent();
    } catch (error) {
      hook?.failed(error);
      this.count('deadLetterFailures');
      this.init.onError(
        new SubscriberError(
          'DEAD_LETTER_FAILED',
          `Could not dead-letter message ${message.id} to '${this.deadLetterTopic}': ${(error as Error).message}`,
          { cause: error },
        ),
      );
      message.nack();
      this.count('nacked');
      return 'nacked';
    }
    message.ack();
    this.count('deadLettered');
    this.count('acked');
    return 'dead-lettered';
  }
}
