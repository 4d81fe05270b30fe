import {
  TransportError,
  type FlowControlOptions,
  type MessageListener,
  type OutgoingMessage,
  type ReceivedMessage,
  type StreamOptions,
  type SubscriptionDescription,
  type SubscriptionSettings,
  type TopicDescription,
  type Transport,
  type TransportSubscription,
} from './transport.js';
import { DEFAULT_FLOW_CONTROL } from '../defaults.js';

/**
 * An in-memory broker with Pub/Sub's delivery semantics, for local runs, demos and unit tests:
 * every subscription of a topic gets a copy; ack removes; nack redelivers after the retry
 * policy's exponential backoff with a growing delivery attempt; after maxDeliveryAttempts the
 * message goes to the dead-letter topic with the CloudPubSubDeadLetterSource* attributes;
 * on ordered subscriptions a key's messages are delivered in publish order and a nacked
 * message comes back before any later message of its key. Messages published to a topic with
 * no subscription are dropped, as on Pub/Sub. Filters are stored, not applied (as the emulator).
 */

export interface InProcessTransportOptions {
  /** Reported in CloudPubSubDeadLetterSourceSubscriptionProject. */
  projectId?: string;
}

interface StoredMessage {
  readonly seq: number;
  readonly id: string;
  readonly data: Buffer;
  readonly attributes: Readonly<Record<string, string>>;
  readonly orderingKey: string | undefined;
  readonly publishTime: Date;
}

interface PendingMessage {
  readonly message: StoredMessage;
  /** Deliveries so far. */
  attempts: number;
  /** Epoch ms before which it is not redelivered (retry backoff). */
  availableAt: number;
}

interface Delivery {
  readonly pending: PendingMessage;
  readonly stream: Stream;
  settled: boolean;
}

interface Stream {
  readonly listener: MessageListener;
  readonly flowControl: Required<FlowControlOptions>;
  readonly onError: ((error: Error) => void) | undefined;
  outstandingMessages: number;
  outstandingBytes: number;
  closed: boolean;
}

interface SubscriptionState {
  readonly name: string;
  readonly settings: SubscriptionSettings;
  /** Waiting for delivery, in publish order. */
  backlog: PendingMessage[];
  readonly outstanding: Set<Delivery>;
  readonly streams: Stream[];
  nextStream: number;
  timer: NodeJS.Timeout | undefined;
  timerAt: number;
}

export class InProcessTransport implements Transport {
  readonly kind = 'in-process';
  private readonly projectId: string;
  private readonly topics = new Map<string, Set<string>>();
  private readonly subscriptions = new Map<string, SubscriptionState>();
  private readonly pausedKeys = new Set<string>();
  private seq = 0;
  private closed = false;
  private pumpScheduled = new Set<SubscriptionState>();

  constructor(options: InProcessTransportOptions = {}) {
    this.projectId = options.projectId ?? 'in-process';
  }

  async ensureTopic(topic: string): Promise<boolean> {
    this.assertOpen();
    if (this.topics.has(topic)) return false;
    this.topics.set(topic, new Set());
    return true;
  }

  async topicExists(topic: string): Promise<boolean> {
    return this.topics.has(topic);
  }

  /** In-process topics carry no Pub/Sub schema: payloads are whatever the publisher's codec wrote. */
  async describeTopic(topic: string): Promise<TopicDescription | undefined> {
    return this.topics.has(topic) ? { name: topic } : undefined;
  }

  async deleteTopic(topic: string): Promise<void> {
    this.topics.delete(topic);
  }

  async ensureSubscription(subscription: string, settings: SubscriptionSettings): Promise<boolean> {
    this.assertOpen();
    if (this.subscriptions.has(subscription)) return false;
    const subscribers = this.topics.get(settings.topic);
    if (!subscribers) throw new TransportError('TOPIC_NOT_FOUND', `Topic '${settings.topic}' does not exist`);
    if (settings.deadLetterPolicy) {
      const attempts = settings.deadLetterPolicy.maxDeliveryAttempts;
      if (!Number.isInteger(attempts) || attempts < 5 || attempts > 100) {
        throw new TransportError('INVALID_ARGUMENT', `maxDeliveryAttempts must be an integer from 5 to 100, got ${attempts}`);
      }
    }
    subscribers.add(subscription);
    this.subscriptions.set(subscription, {
      name: subscription,
      settings: structuredClone(settings),
      backlog: [],
      outstanding: new Set(),
      streams: [],
      nextStream: 0,
      timer: undefined,
      timerAt: Infinity,
    });
    return true;
  }

  async describeSubscription(subscription: string): Promise<SubscriptionDescription | undefined> {
    const state = this.subscriptions.get(subscription);
    return state && { name: subscription, ...structuredClone(state.settings) };
  }

  async deleteSubscription(subscription: string): Promise<void> {
    const state = this.subscriptions.get(subscription);
    if (!state) return;
    this.subscriptions.delete(subscription);
    this.topics.get(state.settings.topic)?.delete(subscription);
    if (state.timer) clearTimeout(state.timer);
    for (const stream of state.streams) stream.closed = true;
  }

  /**
   * Not an async function: one would keep `message` (its data and attributes) alive in its frame
   * until the ack, though it is copied at once; the promise holds only the message id.
   */
  publish(topic: string, message: OutgoingMessage): Promise<string> {
    let id: string;
    try {
      this.assertOpen();
      const key = message.orderingKey || undefined;
      if (key !== undefined && this.pausedKeys.has(`${topic}\u0000${key}`)) {
        throw new TransportError(
          'ORDERING_KEY_PAUSED',
          `Publishing on ordering key '${key}' of topic '${topic}' is paused after a failure: call resumePublishing`,
        );
      }
      if (!this.topics.has(topic)) {
        if (key !== undefined) this.pausedKeys.add(`${topic}\u0000${key}`);
        throw new TransportError('TOPIC_NOT_FOUND', `Topic '${topic}' does not exist`);
      }
      id = this.deliverToTopic(topic, message);
    } catch (error) {
      return Promise.reject(error);
    }
    // Resolve asynchronously, as a server ack would.
    return new Promise<string>((resolve) => setImmediate(resolve, id));
  }

  resumePublishing(topic: string, orderingKey: string): void {
    this.pausedKeys.delete(`${topic}\u0000${orderingKey}`);
  }

  async flush(): Promise<void> {
    // Publishes are not batched in process; nothing is ever waiting.
  }

  subscribe(subscription: string, listener: MessageListener, options: StreamOptions = {}): TransportSubscription {
    this.assertOpen();
    const state = this.subscriptions.get(subscription);
    if (!state) throw new TransportError('SUBSCRIPTION_NOT_FOUND', `Subscription '${subscription}' does not exist`);
    const stream: Stream = {
      listener,
      flowControl: {
        maxMessages: options.flowControl?.maxMessages ?? DEFAULT_FLOW_CONTROL.maxMessages,
        maxBytes: options.flowControl?.maxBytes ?? DEFAULT_FLOW_CONTROL.maxBytes,
      },
      onError: options.onError,
      outstandingMessages: 0,
      outstandingBytes: 0,
      closed: false,
    };
    state.streams.push(stream);
    this.schedulePump(state);
    return {
      subscription,
      close: async () => {
        if (stream.closed) return;
        stream.closed = true;
        const index = state.streams.indexOf(stream);
        if (index >= 0) state.streams.splice(index, 1);
        // Like Pub/Sub's NACK close behaviour: whatever this stream still holds goes back.
        for (const delivery of [...state.outstanding]) {
          if (delivery.stream === stream) this.settle(state, delivery, 'nack');
        }
        await new Promise<void>((resolve) => setImmediate(resolve));
      },
    };
  }

  /**
   * True when no subscription that has an open stream holds a message waiting (redelivery backoff
   * included) or handed out and unsettled. Subscriptions nobody reads are not counted.
   */
  idle(): boolean {
    for (const state of this.subscriptions.values()) {
      if (state.streams.length === 0) continue;
      if (state.backlog.length > 0 || state.outstanding.size > 0) return false;
    }
    return true;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const state of this.subscriptions.values()) {
      if (state.timer) clearTimeout(state.timer);
      state.timer = undefined;
      for (const stream of state.streams) stream.closed = true;
      state.streams.length = 0;
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new TransportError('TRANSPORT_CLOSED', 'The in-process transport is closed');
  }

  private deliverToTopic(topic: string, message: OutgoingMessage): string {
    const seq = ++this.seq;
    const stored: StoredMessage = {
      seq,
      id: String(seq),
      data: Buffer.from(message.data),
      attributes: { ...message.attributes },
      orderingKey: message.orderingKey || undefined,
      publishTime: new Date(),
    };
    for (const name of this.topics.get(topic) ?? []) {
      const state = this.subscriptions.get(name);
      if (!state) continue;
      state.backlog.push({ message: stored, attempts: 0, availableAt: 0 });
      this.schedulePump(state);
    }
    return stored.id;
  }

  private schedulePump(state: SubscriptionState): void {
    if (this.pumpScheduled.has(state)) return;
    this.pumpScheduled.add(state);
    setImmediate(() => {
      this.pumpScheduled.delete(state);
      this.pump(state);
    });
  }

  /** Hands out every deliverable message within flow control, keeping per-key order. */
  private pump(state: SubscriptionState): void {
    if (this.closed || !this.subscriptions.has(state.name) || state.streams.length === 0) return;
    const ordered = state.settings.enableMessageOrdering === true;
    const now = Date.now();
    const heldKeys = new Set<string>();
    const remaining: PendingMessage[] = [];
    let earliestWait = Infinity;
    for (const pending of state.backlog) {
      const key = ordered ? pending.message.orderingKey : undefined;
      if (key !== undefined && heldKeys.has(key)) {
        remaining.push(pending);
        continue;
      }
      if (pending.availableAt > now) {
        earliestWait = Math.min(earliestWait, pending.availableAt);
        if (key !== undefined) heldKeys.add(key);
        remaining.push(pending);
        continue;
      }
      const stream = this.pickStream(state, pending, key);
      if (!stream) {
        if (key !== undefined) heldKeys.add(key);
        remaining.push(pending);
        continue;
      }
      this.deliver(state, pending, stream);
    }
    state.backlog = remaining;
    if (earliestWait < Infinity && earliestWait < state.timerAt) {
      if (state.timer) clearTimeout(state.timer);
      state.timerAt = earliestWait;
      state.timer = setTimeout(() => {
        state.timer = undefined;
        state.timerAt = Infinity;
        this.pump(state);
      }, Math.max(0, earliestWait - now));
    }
  }

  private pickStream(state: SubscriptionState, pending: PendingMessage, key: string | undefined): Stream | undefined {
    const open = state.streams.filter((stream) => !stream.closed);
    if (open.length === 0) return undefined;
    const fits = (stream: Stream): boolean =>
      stream.outstandingMessages < stream.flowControl.maxMessages &&
      (stream.outstandingMessages === 0 ||
        stream.outstandingBytes + pending.message.data.length <= stream.flowControl.maxBytes);
    if (key !== undefined) {
      // A key sticks to one stream so its order holds across streams.
      let hash = 0;
      for (let i = 0; i < key.length; i++) hash = (hash * 31 + key.charCodeAt(i)) | 0;
      const stream = open[Math.abs(hash) % open.length]!;
      return fits(stream) ? stream : undefined;
    }
    for (let i = 0; i < open.length; i++) {
      const stream = open[(state.nextStream + i) % open.length]!;
      if (fits(stream)) {
        state.nextStream = (state.nextStream + i + 1) % open.length;
        return stream;
      }
    }
    return undefined;
  }

  private deliver(state: SubscriptionState, pending: PendingMessage, stream: Stream): void {
    pending.attempts += 1;
    const delivery: Delivery = { pending, stream, settled: false };
    state.outstanding.add(delivery);
    stream.outstandingMessages += 1;
    stream.outstandingBytes += pending.message.data.length;
    const { message } = pending;
    const received: ReceivedMessage = {
      id: message.id,
      data: Buffer.from(message.data),
      attributes: { ...message.attributes },
      orderingKey: message.orderingKey,
      publishTime: message.publishTime,
      // Pub/Sub reports 0 unless the subscription has a dead-letter policy.
      deliveryAttempt: state.settings.deadLetterPolicy ? pending.attempts : 0,
      length: message.data.length,
      ack: () => this.settle(state, delivery, 'ack'),
      nack: () => this.settle(state, delivery, 'nack'),
    };
    try {
      stream.listener(received);
    } catch (error) {
      stream.onError?.(error as Error);
    }
  }

  private settle(state: SubscriptionState, delivery: Delivery, outcome: 'ack' | 'nack'): void {
    if (delivery.settled) return;
    delivery.settled = true;
    state.outstanding.delete(delivery);
    delivery.stream.outstandingMessages -= 1;
    delivery.stream.outstandingBytes -= delivery.pending.message.data.length;
    if (outcome === 'nack') this.redeliverOrDeadLetter(state, delivery.pending);
    this.schedulePump(state);
  }

  private redeliverOrDeadLetter(state: SubscriptionState, pending: PendingMessage): void {
    if (!this.subscriptions.has(state.name)) return;
    const policy = state.settings.deadLetterPolicy;
    if (policy && pending.attempts >= policy.maxDeliveryAttempts && this.topics.has(policy.deadLetterTopic)) {
      const { message } = pending;
      this.deliverToTopic(policy.deadLetterTopic, {
        data: message.data,
        attributes: {
          ...message.attributes,
          CloudPubSubDeadLetterSourceDeliveryCount: String(pending.attempts),
          CloudPubSubDeadLetterSourceSubscription: state.name,
          CloudPubSubDeadLetterSourceSubscriptionProject: this.projectId,
          CloudPubSubDeadLetterSourceTopicPublishTime: message.publishTime.toISOString(),
        },
      });
      return;
    }
    const retry = state.settings.retryPolicy;
    const backoffSeconds = retry
      ? Math.min(retry.minimumBackoffSeconds * 2 ** (pending.attempts - 1), retry.maximumBackoffSeconds)
      : 0;
    pending.availableAt = Date.now() + backoffSeconds * 1000;
    // Back in publish order, so it is redelivered before later messages of its key.
    const index = state.backlog.findIndex((other) => other.message.seq > pending.message.seq);
    if (index < 0) state.backlog.push(pending);
    else state.backlog.splice(index, 0, pending);
  }
}

let sharedInProcessTransport: InProcessTransport | undefined;

/**
 * The process-wide in-process transport: publishers and subscribers created with
 * `transport: 'in-process'` (or with no project configured) share it, so they see each other.
 */
export function sharedInProcess(): InProcessTransport {
  sharedInProcessTransport ??= new InProcessTransport();
  return sharedInProcessTransport;
}
