import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { EventCatalog } from '../catalog.js';
import { assertResourceId, deadLetterSubscriptionIdFor, readEventBusConfig } from '../config.js';
import type { EventMapShape } from '../envelope.js';
import { DEAD_LETTER_ATTRIBUTES, DEAD_LETTER_SOURCE_TOPIC, PUBSUB_DEAD_LETTER_ATTRIBUTES } from './attributes.js';
import { openChannel, type DeadLetterTransportOptions } from './channel.js';
import {
  normaliseDecision,
  planDecision,
  type DeadLetterDecision,
  type PlannedAction,
} from './decisions.js';
import { DeadLetterConfigError, DeadLetterHandlerTimeoutError } from './errors.js';
import {
  shortResourceName,
  toDeadLetterMessage,
  type DeadLetterMessage,
  type OriginalEventDecoder,
} from './message.js';
import { catalogDecoder, catalogTopicFor } from './original-event.js';
import type { DeadLetterDatabaseOptions } from './repository/options.js';
import type { ParkedMessageRepository } from './repository/parked-message.js';
import type { ConsumerHandle, DeadLetterChannel, RawDelivery, Settlement } from './transport-port.js';
import { StoreTelemetry } from '../observability/store.js';
import { telemetryFrom, type ObservabilityOptions, type Telemetry } from '../observability/telemetry.js';

/** Decides what happens to one dead letter. Throwing (or timing out) leaves it unacked. */
export type DeadLetterHandlerFn<M extends EventMapShape = EventMapShape> = (
  message: DeadLetterMessage<M>,
) => Promise<DeadLetterDecision> | DeadLetterDecision;

export interface DeadLetterQueueHandlerOptions extends DeadLetterDatabaseOptions, DeadLetterTransportOptions {
  /** Dead-letter topic id; default: DEAD_LETTER_TOPIC, then 'clone-dead-letter' (as the subscriber). */
  deadLetterTopic?: string;
  /**
   * Subscription on the dead-letter topic this handler reads; default: the topic's keeping
   * subscription `<deadLetterTopic>.all`, which the subscriber and `infra apply` create.
   */
  deadLetterSubscription?: string;
  /** Where `retry` republishes; when absent, retries go back to the topic the message failed on. */
  retryTopic?: string;
  /** A `retry` on a message already retried this many times parks it instead. Default 3. */
  maxRetries?: number;
  /** A handler still running after this long is treated as failed (message nacked). Default 30 000. */
  handlerTimeoutMs?: number;
  /** Flow control on the dead-letter subscription (names as in @google-cloud/pubsub). */
  flowControl?: { maxMessages?: number };
  /** Topic prefix, to find an event type's topic when Pub/Sub cannot tell (default EVENT_BUS_TOPIC_PREFIX). */
  topicPrefix?: string;
  /** Who the handler acts as in the audit trail. Default `dlq-handler@<host>`. */
  actor?: string;
  /** Create the dead-letter topic, its subscription and the retry topic when missing. Default true. */
  ensureSubscription?: boolean;
  /** Turns data + attributes back into a validated event; default: the catalog's codec and validators. */
  decodeOriginalEvent?: OriginalEventDecoder;
  /** Told about every failure (handler threw, side effect failed, stream error). Default: logged at level error. */
  onError?: (error: unknown, message?: DeadLetterMessage) => void;
  /** Tracer / meter providers (default: the global ones) and logger (docs/observability.md). */
  observability?: ObservabilityOptions | Telemetry;
}

export const DEFAULT_MAX_RETRIES = 3;
export const DEFAULT_HANDLER_TIMEOUT_MS = 30_000;
export const DEFAULT_DLQ_MAX_MESSAGES = 10;

/** What the handler has done since it started; each dead letter ends in exactly one bucket. */
export interface DeadLetterCounts {
  received: number;
  retried: number;
  parked: number;
  /** Parked because `retry` was asked past `maxRetries` (also counted in `parked`). */
  parkedRetriesExhausted: number;
  discarded: number;
  /** Left unacked for redelivery (handler threw or timed out, or a side effect failed). */
  nacked: number;
}

/**
 * Reads a dead-letter subscription and applies the handler's decision to each message:
 * `retry` republishes (to the retry topic, else the source topic) with the retry count
 * incremented and parks past `maxRetries`; `discard` acks with an audit entry; `manual` parks
 * the message in the database. The message is acked only after the decision's side effect is
 * durable (publish acked by the server, row committed).
 */
/** See DeadLetterQueueHandler.operatorContext. */
export interface DeadLetterOperatorContext {
  readonly repository: ParkedMessageRepository;
  readonly channel: DeadLetterChannel;
  readonly actor: string;
}

export class DeadLetterQueueHandler<M extends EventMapShape = EventMapShape> {
  readonly counts: DeadLetterCounts = { received: 0, retried: 0, parked: 0, parkedRetriesExhausted: 0, discarded: 0, nacked: 0 };
  private readonly catalog: EventCatalog;
  private readonly options: DeadLetterQueueHandlerOptions;
  private readonly telemetry: StoreTelemetry;
  /** The dead-letter topic this handler reads. */
  readonly deadLetterTopic: string;
  /** The subscription on it this handler reads. */
  readonly deadLetterSubscription: string;
  private readonly maxRetries: number;
  private readonly handlerTimeoutMs: number;
  private readonly actor: string;
  private readonly decode: OriginalEventDecoder;
  private readonly onError: (error: unknown, message?: DeadLetterMessage) => void;
  private channel: DeadLetterChannel | undefined;
  private ownsChannel = false;
  private repository: ParkedMessageRepository | undefined;
  private consumer: ConsumerHandle | undefined;

  constructor(options: DeadLetterQueueHandlerOptions & { catalog: EventCatalog }) {
    const { catalog, ...rest } = options;
    this.catalog = catalog;
    this.options = rest;
    const deadLetterTopic = options.deadLetterTopic ?? readEventBusConfig().deadLetterTopic;
    this.deadLetterTopic = assertResourceId('topic', deadLetterTopic);
    this.deadLetterSubscription = assertResourceId(
      'subscription',
      options.deadLetterSubscription ?? deadLetterSubscriptionIdFor(deadLetterTopic),
    );
    if (options.retryTopic !== undefined) assertResourceId('topic', options.retryTopic);
    this.maxRetries = nonNegative('maxRetries', options.maxRetries ?? DEFAULT_MAX_RETRIES);
    this.handlerTimeoutMs = positive('handlerTimeoutMs', options.handlerTimeoutMs ?? DEFAULT_HANDLER_TIMEOUT_MS);
    this.actor = options.actor ?? `dlq-handler@${hostname()}`;
    this.decode = options.decodeOriginalEvent ?? catalogDecoder(catalog);
    const telemetry = telemetryFrom(options.observability);
    this.telemetry = new StoreTelemetry(telemetry);
    this.onError =
      options.onError ?? ((error, message) => telemetry.logger.log('error', 'dead-letter handling failed', { error, messageId: message?.messageId }));
  }

  /**
   * What operator tooling needs to act on this handler's parked messages once processing has
   * started: its database, its transport and its actor. `parkedMessagesOf(handler)` (entry point
   * './dlq', module ops/dlq) builds list/show/requeue/discard/audit on it; the runtime itself has
   * no operator verbs (decision 0002).
   */
  get operatorContext(): DeadLetterOperatorContext {
    if (!this.repository || !this.channel) throw new DeadLetterConfigError('operatorContext', 'call startProcessing() first');
    return { repository: this.repository, channel: this.channel, actor: this.actor };
  }

  /** Subscribes and starts handling; resolves once messages are flowing to `handler`. */
  async startProcessing(handler: DeadLetterHandlerFn<M>): Promise<void> {
    if (this.consumer) throw new DeadLetterConfigError('startProcessing', 'this handler is already processing');
    const { channel, owned } = openChannel(this.options);
    this.channel = channel;
    this.ownsChannel = owned;
    try {
      // The parked-message repositories load on first use, not on import (decision 0135).
      const { openParkedMessageRepository } = await import('./repository/open-repository.js');
      this.repository = await openParkedMessageRepository(this.options);
      if (this.options.ensureSubscription !== false) {
        await channel.ensureSubscription(this.deadLetterTopic, this.deadLetterSubscription);
        // A retry to a missing topic would fail forever; consumers subscribe to it (docs/dead-letters.md).
        if (this.options.retryTopic !== undefined) await channel.ensureTopic(this.options.retryTopic);
      }
      this.consumer = await channel.consume(
        this.deadLetterSubscription,
        (delivery) => this.handleDelivery(delivery, handler),
        {
          maxMessages: this.options.flowControl?.maxMessages ?? DEFAULT_DLQ_MAX_MESSAGES,
          onError: (error) => this.onError(error),
        },
      );
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  /** Stops pulling, waits for in-flight messages to settle, and closes what it opened. */
  async close(): Promise<void> {
    await this.consumer?.close();
    this.consumer = undefined;
    if (this.repository && !this.options.repository) await this.repository.close();
    this.repository = undefined;
    if (this.channel && this.ownsChannel) await this.channel.close();
    this.channel = undefined;
  }

  /** Alias of close(), for symmetry with startProcessing(). */
  stopProcessing(): Promise<void> {
    return this.close();
  }

  private async handleDelivery(delivery: RawDelivery, handler: DeadLetterHandlerFn<M>): Promise<Settlement> {
    this.counts.received++;
    let message: DeadLetterMessage<M> | undefined;
    try {
      message = toDeadLetterMessage<M>(delivery, this.decode, {
        sourceTopic: await this.sourceTopicOf(delivery.attributes),
        orderingKey: this.orderingKeyOf(delivery.attributes),
      });
      const decision = normaliseDecision(await this.withTimeout(handler(message), delivery.id));
      const plan = planDecision(decision, message, {
        maxRetries: this.maxRetries,
        retryTopic: this.options.retryTopic,
      });
      const decided = message;
      // Traced: a span per decision, child of the dead-letter span; parked messages counted.
      await this.telemetry.dlqDecision(plan, { ...decided, attributes: delivery.attributes }, (traced) =>
        this.execute(traced, decided),
      );
      return 'ack';
    } catch (error) {
      this.counts.nacked++;
      this.onError(error, message as DeadLetterMessage | undefined);
      return 'nack';
    }
  }

  /** Applies a plan; resolves only once its effect is durable. */
  private async execute(plan: PlannedAction, message: DeadLetterMessage<M>): Promise<void> {
    const repository = this.repository!;
    const at = new Date();
    const common = {
      deadLetterMessageId: message.messageId,
      eventId: message.eventId,
      eventType: message.eventType,
      actor: this.actor,
      at,
    };
    switch (plan.kind) {
      case 'retry': {
        const messageId = await this.channel!.publish(plan.topic, plan.message);
        await repository.recordAudit({
          ...common,
          action: 'retry',
          parkedId: undefined,
          reason: plan.reason,
          details: { topic: plan.topic, messageId, retryCount: plan.retryCount, failureCode: message.failureCode },
        });
        this.counts.retried++;
        return;
      }
      case 'discard': {
        await repository.recordAudit({
          ...common,
          action: 'discard',
          parkedId: undefined,
          reason: plan.reason,
          details: {
            failureCode: message.failureCode,
            failureReason: message.failureReason,
            deliveryAttempts: message.deliveryAttempts,
            retryCount: message.retryCount,
            sourceSubscription: message.sourceSubscription ?? null,
          },
        });
        this.counts.discarded++;
        return;
      }
      case 'park': {
        const parkedId = randomUUID();
        const event = message.decoded ? message.originalEvent : undefined;
        await repository.park(
          {
            parkedId,
            deadLetterMessageId: message.messageId,
            eventId: message.eventId,
            eventType: message.eventType,
            eventVersion: event?.eventVersion,
            aggregateId: event?.aggregateId,
            sourceTopic: message.sourceTopic,
            sourceSubscription: message.sourceSubscription,
            originTopic: message.originTopic,
            failureCode: message.failureCode,
            failureReason: message.failureReason,
            parkReason: plan.parkReason,
            parkNote: plan.reason,
            deliveryAttempts: message.deliveryAttempts,
            retryCount: message.retryCount,
            firstFailedAt: message.firstFailureTime,
            lastFailedAt: message.lastFailureTime,
            parkedAt: at,
            parkedBy: this.actor,
            data: message.data,
            attributes: message.attributes,
            orderingKey: message.orderingKey,
          },
          { ...common, action: 'park', parkedId, reason: plan.reason, details: { parkReason: plan.parkReason } },
        );
        this.counts.parked++;
        if (plan.parkReason === 'retries-exhausted') this.counts.parkedRetriesExhausted++;
        return;
      }
    }
  }

  /**
   * The topic the failing subscription reads: named by the dead-lettering party when it knew it,
   * else asked of the transport, else the catalog's topic for the event type.
   */
  private async sourceTopicOf(attributes: Readonly<Record<string, string>>): Promise<string | undefined> {
    const named = attributes[DEAD_LETTER_SOURCE_TOPIC];
    if (named) return named;
    const subscription = shortResourceName(
      attributes[PUBSUB_DEAD_LETTER_ATTRIBUTES.subscription] ?? attributes[DEAD_LETTER_ATTRIBUTES.sourceSubscription],
    );
    if (subscription) {
      const topic = await this.channel!.topicOfSubscription(subscription);
      if (topic) return topic;
    }
    const eventType = attributes['ce-type'];
    return eventType ? catalogTopicFor(this.catalog, eventType, this.options.topicPrefix) : undefined;
  }

  /** The aggregate id of an ordered event type, so a retry keeps per-aggregate serialisation. */
  private orderingKeyOf(attributes: Readonly<Record<string, string>>): string | undefined {
    const eventType = attributes['ce-type'];
    if (!eventType || !Object.hasOwn(this.catalog.events, eventType)) return undefined;
    return this.catalog.events[eventType]?.orderingKey === 'aggregateId' ? attributes['ce-subject'] || undefined : undefined;
  }

  private withTimeout<T>(work: Promise<T> | T, messageId: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DeadLetterHandlerTimeoutError(messageId, this.handlerTimeoutMs)), this.handlerTimeoutMs);
    });
    return Promise.race([Promise.resolve(work), timeout]).finally(() => clearTimeout(timer));
  }
}

function nonNegative(option: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw new DeadLetterConfigError(option, `must be a non-negative integer, got ${value}`);
  return value;
}

function positive(option: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new DeadLetterConfigError(option, `must be a positive number, got ${value}`);
  return value;
}
