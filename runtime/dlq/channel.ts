import { readEventBusConfig } from '../config.js';
import { resolveTransport, type TransportChoice } from '../transport/select.js';
import type { ReceivedMessage, Transport } from '../transport/transport.js';
import type {
  ConsumeOptions,
  ConsumerHandle,
  DeadLetterChannel,
  OutgoingMessage,
  RawDelivery,
  Settlement,
} from './transport-port.js';

/** How the dead-letter handler picks its transport: the same rule as EventSubscriber (decision 0030). */
export interface DeadLetterTransportOptions {
  /** GCP project; default GCP_PROJECT_ID. */
  projectId?: string;
  /** 'pubsub', 'in-process', or a Transport instance; default: EVENT_BUS_TRANSPORT, else Pub/Sub when a project or emulator is configured, else in-process. */
  transport?: TransportChoice;
  /** Ack deadline of a dead-letter subscription the handler creates (seconds). Default 60. */
  ackDeadlineSeconds?: number;
}

export const DEFAULT_DLQ_ACK_DEADLINE_SECONDS = 60;

/** The dead-letter path over the runtime's Transport (Pub/Sub or in-process). */
export class TransportDeadLetterChannel implements DeadLetterChannel {
  constructor(
    private readonly transport: Transport,
    private readonly owned: boolean,
    private readonly ackDeadlineSeconds: number = DEFAULT_DLQ_ACK_DEADLINE_SECONDS,
  ) {}

  async ensureTopic(topic: string): Promise<void> {
    await this.transport.ensureTopic(topic);
  }

  async ensureSubscription(topic: string, subscription: string): Promise<void> {
    await this.transport.ensureTopic(topic);
    // No dead-letter policy on a dead-letter subscription: what the handler nacks comes back here.
    await this.transport.ensureSubscription(subscription, { topic, ackDeadlineSeconds: this.ackDeadlineSeconds });
  }

  async consume(
    subscription: string,
    onMessage: (delivery: RawDelivery) => Promise<Settlement>,
    options: ConsumeOptions,
  ): Promise<ConsumerHandle> {
    const inFlight = new Set<Promise<void>>();
    let closing = false;
    const stream = this.transport.subscribe(
      subscription,
      (message: ReceivedMessage) => {
        if (closing) {
          message.nack();
          return;
        }
        const settled: Promise<void> = onMessage(toRawDelivery(message))
          .then(
            (settlement) => (settlement === 'ack' ? message.ack() : message.nack()),
            (error: unknown) => {
              message.nack();
              options.onError(error);
            },
          )
          .finally(() => inFlight.delete(settled));
        inFlight.add(settled);
      },
      { flowControl: { maxMessages: options.maxMessages }, onError: options.onError },
    );
    return {
      async close() {
        closing = true;
        // Let every started decision finish (and ack) before the stream goes away.
        while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
        await stream.close();
      },
    };
  }

  async publish(topic: string, message: OutgoingMessage): Promise<string> {
    try {
      return await this.transport.publish(topic, message, { messageOrdering: message.orderingKey !== undefined });
    } catch (error) {
      // After a failed publish on a key every later one on it fails until resumed (docs/emulator-facts.md).
      if (message.orderingKey !== undefined) this.transport.resumePublishing(topic, message.orderingKey);
      throw error;
    }
  }

  async topicOfSubscription(subscription: string): Promise<string | undefined> {
    try {
      return (await this.transport.describeSubscription(subscription))?.topic || undefined;
    } catch {
      return undefined; // not visible to us: the caller falls back to the catalog
    }
  }

  async close(): Promise<void> {
    if (this.owned) await this.transport.close();
    else await this.transport.flush();
  }
}

/** Resolves the transport by the runtime's rule and wraps it. */
export function openChannel(options: DeadLetterTransportOptions): { channel: DeadLetterChannel; owned: boolean } {
  const { transport, owned } = resolveTransport(options.transport, readEventBusConfig(), options.projectId);
  return { channel: new TransportDeadLetterChannel(transport, owned, options.ackDeadlineSeconds), owned: true };
}

function toRawDelivery(message: ReceivedMessage): RawDelivery {
  return {
    id: message.id,
    data: message.data,
    attributes: message.attributes,
    publishTime: message.publishTime,
    deliveryAttempt: message.deliveryAttempt,
    ...(message.orderingKey ? { orderingKey: message.orderingKey } : {}),
  };
}
