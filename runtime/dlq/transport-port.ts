/**
 * The narrow slice of a transport the dead-letter path needs: raw messages in (with ack/nack),
 * raw messages out (resolving once the server acked). Raw, because a dead-lettered message may
 * not decode, and because a retry must send back the exact bytes that failed.
 * Implemented by `channel.ts` over the runtime's Transport (Pub/Sub or in-process); a test or
 * another broker can supply its own.
 */
import type { OutgoingMessage } from '../transport/transport.js';

export type { OutgoingMessage };

/** One delivery of a message from a dead-letter subscription. */
export interface RawDelivery {
  /** Server-assigned id of this message (in the dead-letter topic). */
  readonly id: string;
  readonly data: Buffer;
  readonly attributes: Readonly<Record<string, string>>;
  /** When this message was published to the topic it came from (for a dead letter: when it was dead-lettered). */
  readonly publishTime: Date;
  /** Delivery attempt on the dead-letter subscription itself (0 when it has no dead-letter policy). */
  readonly deliveryAttempt: number;
  readonly orderingKey?: string;
}

/** `ack` removes the message; `nack` asks the server to deliver it again. */
export type Settlement = 'ack' | 'nack';

export interface ConsumeOptions {
  /** Most messages handled at once (Pub/Sub's flowControl.maxMessages). */
  readonly maxMessages: number;
  /** Called with errors the consumer could not attach to a message (stream errors). */
  readonly onError: (error: unknown) => void;
}

export interface ConsumerHandle {
  /** Stops pulling and waits for in-flight messages to settle. */
  close(): Promise<void>;
}

export interface DeadLetterChannel {
  /** Creates a topic when it does not exist (no-op otherwise). */
  ensureTopic(topic: string): Promise<void>;
  /** Creates the topic and subscription when they do not exist (no-op otherwise). */
  ensureSubscription(topic: string, subscription: string): Promise<void>;
  consume(
    subscription: string,
    onMessage: (delivery: RawDelivery) => Promise<Settlement>,
    options: ConsumeOptions,
  ): Promise<ConsumerHandle>;
  /** Publishes and resolves with the server's message id once the server acked it. */
  publish(topic: string, message: OutgoingMessage): Promise<string>;
  /** The topic a subscription is attached to, or undefined when it cannot be told. */
  topicOfSubscription(subscription: string): Promise<string | undefined>;
  close(): Promise<void>;
}
