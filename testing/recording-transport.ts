/**
 * A Transport for tests: an in-process broker (the runtime's own, with its ack/nack, redelivery,
 * dead-letter and ordering semantics) behind a layer that records every message put on the wire,
 * can hold messages until the test releases them one by one, and can make publishes fail.
 */
import { InProcessTransport } from '../runtime/transport/in-process.js';
import {
  TransportError,
  type MessageListener,
  type OutgoingMessage,
  type StreamOptions,
  type SubscriptionDescription,
  type SubscriptionSettings,
  type TopicDescription,
  type TopicPublishOptions,
  type Transport,
  type TransportSubscription,
} from '../runtime/transport/transport.js';

/** One message as it was put on the wire. */
export interface RecordedMessage {
  readonly topic: string;
  readonly data: Buffer;
  readonly attributes: Readonly<Record<string, string>>;
  readonly orderingKey: string | undefined;
  /** Broker message id; provisional ('held-N') until a held message is released; undefined when the publish failed. */
  readonly messageId: string | undefined;
  /** Set when an injected failure refused the publish. */
  readonly failed?: Error;
}

export interface PublishFailure {
  /** Which publishes fail: every one (default), or those whose topic or attributes match. */
  readonly match?: (topic: string, message: OutgoingMessage) => boolean;
  /** How many matching publishes fail (default 1). */
  times?: number;
  /** The error the publish rejects with (default a retryable TransportError 'PUBLISH_FAILED'). */
  readonly error?: Error;
}

export interface RecordingTransportOptions {
  /**
   * 'immediate' (default): messages reach subscribers at once. 'manual': a publish is acked at once
   * (with a provisional id) but its message is held until `step()` / `releaseAll()`.
   */
  delivery?: 'immediate' | 'manual';
  /** In manual mode, topics whose messages are never held (e.g. the dead-letter topic). */
  neverHold?: (topic: string) => boolean;
}

interface HeldMessage {
  readonly topic: string;
  readonly message: OutgoingMessage;
  readonly index: number;
}

export class RecordingTransport implements Transport {
  readonly kind = 'in-process';
  readonly broker: InProcessTransport;
  readonly delivery: 'immediate' | 'manual';
  private readonly neverHold: (topic: string) => boolean;
  private readonly recorded: RecordedMessage[] = [];
  private readonly held: HeldMessage[] = [];
  private readonly failures: PublishFailure[] = [];

  constructor(options: RecordingTransportOptions = {}) {
    this.broker = new InProcessTransport({ projectId: 'test' });
    this.delivery = options.delivery ?? 'immediate';
    this.neverHold = options.neverHold ?? (() => false);
  }

  /** Every message published so far, in publish order (held ones included). */
  get messages(): readonly RecordedMessage[] {
    return this.recorded;
  }

  /** Messages held back in manual delivery mode. */
  get heldCount(): number {
    return this.held.length;
  }

  /** The next publishes that match fail with the given (or a retryable) error. */
  failPublish(failure: PublishFailure = {}): void {
    this.failures.push({ times: 1, ...failure });
  }

  /** Manual delivery: hands the oldest held message to the broker; false when none is held. */
  async step(): Promise<boolean> {
    const next = this.held.shift();
    if (!next) return false;
    await this.forward(next);
    return true;
  }

  /** Manual delivery: releases every held message, oldest first. */
  async releaseAll(): Promise<number> {
    let released = 0;
    while (await this.step()) released += 1;
    return released;
  }

  /** Puts a recorded message on its topic again, as Pub/Sub's at-least-once delivery may. */
  async republish(message: RecordedMessage): Promise<string> {
    return this.broker.publish(message.topic, {
      data: message.data,
      attributes: message.attributes,
      ...(message.orderingKey !== undefined && { orderingKey: message.orderingKey }),
    });
  }

  /** True when no subscriber stream has a message waiting or unsettled. */
  idle(): boolean {
    return this.held.length === 0 && this.broker.idle();
  }

  /** Forgets what was recorded (the broker keeps its topics and subscriptions). */
  clear(): void {
    this.recorded.length = 0;
  }

  async publish(topic: string, message: OutgoingMessage, _options?: TopicPublishOptions): Promise<string> {
    const failure = this.takeFailure(topic, message);
    const base = {
      topic,
      data: Buffer.from(message.data),
      attributes: { ...message.attributes },
      orderingKey: message.orderingKey || undefined,
    };
    if (failure) {
      this.recorded.push({ ...base, messageId: undefined, failed: failure });
      throw failure;
    }
    const index = this.recorded.push({ ...base, messageId: undefined }) - 1;
    if (this.delivery === 'manual' && !this.neverHold(topic)) {
      this.held.push({ topic, message, index });
      return `held-${index + 1}`;
    }
    const id = await this.broker.publish(topic, message);
    this.recorded[index] = { ...this.recorded[index]!, messageId: id };
    return id;
  }

  private async forward(held: HeldMessage): Promise<void> {
    const id = await this.broker.publish(held.topic, held.message);
    this.recorded[held.index] = { ...this.recorded[held.index]!, messageId: id };
  }

  private takeFailure(topic: string, message: OutgoingMessage): Error | undefined {
    const failures = this.failures;
    const index = failures.findIndex((failure) => failure.match?.(topic, message) ?? true);
    if (index < 0) return undefined;
    const failure = failures[index]!;
    failure.times = (failure.times ?? 1) - 1;
    if (failure.times <= 0) failures.splice(index, 1);
    return failure.error ?? new TransportError('PUBLISH_FAILED', `Injected publish failure on topic '${topic}'`);
  }

  ensureTopic(topic: string): Promise<boolean> {
    return this.broker.ensureTopic(topic);
  }
  ensureSubscription(subscription: string, settings: SubscriptionSettings): Promise<boolean> {
    return this.broker.ensureSubscription(subscription, settings);
  }
  topicExists(topic: string): Promise<boolean> {
    return this.broker.topicExists(topic);
  }
  describeSubscription(subscription: string): Promise<SubscriptionDescription | undefined> {
    return this.broker.describeSubscription(subscription);
  }
  describeTopic(topic: string): Promise<TopicDescription | undefined> {
    return this.broker.describeTopic(topic);
  }
  deleteTopic(topic: string): Promise<void> {
    return this.broker.deleteTopic(topic);
  }
  deleteSubscription(subscription: string): Promise<void> {
    return this.broker.deleteSubscription(subscription);
  }
  resumePublishing(topic: string, orderingKey: string): void {
    this.broker.resumePublishing(topic, orderingKey);
  }
  flush(): Promise<void> {
    return this.broker.flush();
  }
  subscribe(subscription: string, listener: MessageListener, options?: StreamOptions): TransportSubscription {
    return this.broker.subscribe(subscription, listener, options);
  }
  /** Held messages that were never released are dropped, as a broker that never delivered them. */
  async close(): Promise<void> {
    this.held.length = 0;
    await this.broker.close();
  }
}
