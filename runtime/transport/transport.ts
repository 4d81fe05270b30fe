import { EventBusError } from '../errors.js';

/**
 * The boundary between the event runtime and the message broker. Two implementations pass one
 * contract suite (test/runtime/transport-contract.ts): Google Cloud Pub/Sub and an in-process
 * broker with the same delivery semantics. Names follow @google-cloud/pubsub.
 */

export interface OutgoingMessage {
  readonly data: Buffer;
  readonly attributes: Readonly<Record<string, string>>;
  /** Messages with the same key are delivered in publish order on ordered subscriptions. */
  readonly orderingKey?: string;
}

export interface BatchingOptions {
  maxMessages?: number;
  maxMilliseconds?: number;
  maxBytes?: number;
}

export interface TopicPublishOptions {
  /** Required to publish with an ordering key (as on a Pub/Sub Topic object). */
  messageOrdering?: boolean;
  batching?: BatchingOptions;
  /** The broker must answer a publish within this time, retries included (Pub/Sub: gax `timeout`). */
  timeoutMilliseconds?: number;
}

export interface DeadLetterPolicy {
  /** Topic id (not the full resource name). */
  deadLetterTopic: string;
  /** 5..100 on Pub/Sub. */
  maxDeliveryAttempts: number;
}

export interface RetryPolicy {
  /** Backoff after the first nack; doubles with every further attempt. */
  minimumBackoffSeconds: number;
  maximumBackoffSeconds: number;
}

export interface SubscriptionSettings {
  /** Topic id the subscription reads. */
  topic: string;
  ackDeadlineSeconds?: number;
  enableMessageOrdering?: boolean;
  /** Stored; NOTE the emulator (and the in-process transport) do not apply it: filter on the client too. */
  filter?: string;
  deadLetterPolicy?: DeadLetterPolicy;
  retryPolicy?: RetryPolicy;
}

/** What a transport reports back about a subscription (normalized across transports). */
export interface SubscriptionDescription extends SubscriptionSettings {
  name: string;
}

/** A topic's Pub/Sub schema binding, as far as the publisher's codec choice cares. */
export interface TopicDescription {
  name: string;
  /** Absent when the topic has no schema (plain JSON). */
  schema?: { schema: string; encoding: 'JSON' | 'BINARY' };
}

export interface FlowControlOptions {
  /** Messages handed to the listener and not yet acked or nacked. */
  maxMessages?: number;
  /** Bytes of message data handed out and not yet acked or nacked. */
  maxBytes?: number;
}

export interface StreamOptions {
  flowControl?: FlowControlOptions;
  /** How long close() lets pending acks and nacks flush (Pub/Sub `closeOptions.timeout`). */
  closeTimeoutMilliseconds?: number;
  /** Stream errors after the stream started (never thrown). */
  onError?: (error: Error) => void;
  /**
   * The connection to the broker broke and the client is re-establishing it by itself (Pub/Sub:
   * the streaming pull ended with a retryable status). Delivery pauses until it is back.
   */
  onDisconnect?: (error: Error) => void;
  /**
   * The stream ended for good without close() (Pub/Sub: a status the client does not retry, such
   * as code 2 or NOT_FOUND). Nothing more arrives on it: subscribe again to resume.
   */
  onEnd?: (error: Error | undefined) => void;
}

export interface ReceivedMessage {
  /** Server message id (the same across redeliveries). */
  readonly id: string;
  readonly data: Buffer;
  readonly attributes: Readonly<Record<string, string>>;
  /** '' or undefined when the message has no ordering key. */
  readonly orderingKey: string | undefined;
  readonly publishTime: Date;
  /** 1 on the first delivery, growing with redeliveries; 0 when the subscription has no dead-letter policy (as Pub/Sub). */
  readonly deliveryAttempt: number;
  /** Size of `data` in bytes (counts against flowControl.maxBytes). */
  readonly length: number;
  ack(): void;
  nack(): void;
}

export type MessageListener = (message: ReceivedMessage) => void;

export interface TransportSubscription {
  readonly subscription: string;
  /** Stops delivery, nacks messages still outstanding, flushes acks. */
  close(): Promise<void>;
}

export interface Transport {
  /** 'pubsub' | 'in-process' | a custom name. */
  readonly kind: string;
  /** Creates the topic unless it exists; resolves true when it was created. */
  ensureTopic(topic: string): Promise<boolean>;
  /** Creates the subscription unless it exists (existing settings are left alone); true when created. */
  ensureSubscription(subscription: string, settings: SubscriptionSettings): Promise<boolean>;
  topicExists(topic: string): Promise<boolean>;
  describeSubscription(subscription: string): Promise<SubscriptionDescription | undefined>;
  /** The topic and its schema settings; undefined when it does not exist. */
  describeTopic(topic: string): Promise<TopicDescription | undefined>;
  deleteTopic(topic: string): Promise<void>;
  deleteSubscription(subscription: string): Promise<void>;
  /** Resolves with the server's message id once the server acked the publish. */
  publish(topic: string, message: OutgoingMessage, options?: TopicPublishOptions): Promise<string>;
  /** After a failed publish on a key every later publish on it fails until this is called. */
  resumePublishing(topic: string, orderingKey: string): void;
  /** Sends every batched message now and waits for the server. */
  flush(): Promise<void>;
  /** Starts a streaming pull; messages go to `listener` within the flow-control limits. */
  subscribe(subscription: string, listener: MessageListener, options?: StreamOptions): TransportSubscription;
  /** Flushes and releases connections; open streams are closed. */
  close(): Promise<void>;
}

/** Codes follow gRPC status names where they have one. */
export type TransportErrorCode =
  | 'TOPIC_NOT_FOUND'
  | 'SUBSCRIPTION_NOT_FOUND'
  | 'ORDERING_KEY_PAUSED'
  | 'PUBLISH_FAILED'
  | 'TRANSPORT_CLOSED'
  | 'STREAM_DISCONNECTED'
  | 'STREAM_ENDED'
  | 'INVALID_ARGUMENT';

export class TransportError extends EventBusError {
  constructor(
    code: TransportErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}
