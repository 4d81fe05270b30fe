import { createRequire } from 'node:module';
import type { ClientConfig, Message, PubSub, Subscription, Topic } from '@google-cloud/pubsub';
import { DEFAULT_CLOSE_TIMEOUT_MILLISECONDS, DEFAULT_FLOW_CONTROL } from '../defaults.js';
import { readEventBusConfig } from '../config.js';
import {
  TransportError,
  type MessageListener,
  type OutgoingMessage,
  type ReceivedMessage,
  type StreamOptions,
  type SubscriptionDescription,
  type SubscriptionSettings,
  type TopicDescription,
  type TopicPublishOptions,
  type Transport,
  type TransportSubscription,
} from './transport.js';

/**
 * @google-cloud/pubsub (and with it gRPC) loads on first use, not on import: a service that runs
 * in process, or only uses the store, never loads it (decision 0006).
 */
const requireModule = createRequire(import.meta.url);
let pubsubModule: typeof import('@google-cloud/pubsub') | undefined;
function pubsubClientModule(): typeof import('@google-cloud/pubsub') {
  pubsubModule ??= requireModule('@google-cloud/pubsub') as typeof import('@google-cloud/pubsub');
  return pubsubModule;
}

/** gRPC status codes the transport branches on. */
const GRPC_ALREADY_EXISTS = 6;
const GRPC_NOT_FOUND = 5;
/** The emulator ends a closed streaming pull with code 2 (UNKNOWN): expected, not an error (docs/emulator-facts.md). */
const GRPC_UNKNOWN = 2;
const GRPC_DEADLINE_EXCEEDED = 4;

export interface PubSubClientOptions {
  /** Defaults to GCP_PROJECT_ID; on the emulator, to 'event-bus-local'. */
  projectId?: string;
  /** host:port of the emulator; defaults to PUBSUB_EMULATOR_HOST. */
  emulatorHost?: string;
  /** Passed through to `new PubSub()` (credentials, apiEndpoint, ...). */
  clientConfig?: ClientConfig;
  env?: NodeJS.ProcessEnv;
}

/**
 * The one place a Pub/Sub client is built, shared by the transport and provisioning:
 * always passes a projectId and, for an emulator, its endpoint in emulator mode (insecure).
 */
export function createPubSubClient(options: PubSubClientOptions = {}): PubSub {
  const config = readEventBusConfig(options.env);
  const emulatorHost = options.emulatorHost ?? config.emulatorHost;
  const projectId = options.projectId ?? config.projectId ?? (emulatorHost ? 'event-bus-local' : undefined);
  return new (pubsubClientModule().PubSub)({
    ...(projectId !== undefined && { projectId }),
    // universeDomain: without it google-auth asks the GCE metadata server (MetadataLookupWarning).
    ...(emulatorHost !== undefined && { apiEndpoint: emulatorHost, emulatorMode: true, universeDomain: 'googleapis.com' }),
    ...options.clientConfig,
  });
}

function grpcCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** Pub/Sub durations arrive as { seconds: string|number|Long, nanos }. */
function durationSeconds(duration: { seconds?: unknown; nanos?: number | null } | null | undefined): number | undefined {
  if (!duration) return undefined;
  return Number(duration.seconds ?? 0) + (duration.nanos ?? 0) / 1e9;
}

function toDuration(seconds: number): { seconds: number; nanos: number } {
  const whole = Math.floor(seconds);
  return { seconds: whole, nanos: Math.round((seconds - whole) * 1e9) };
}

/** 'projects/p/topics/t' -> 't' */
function shortName(name: string | null | undefined): string {
  return (name ?? '').split('/').pop() ?? '';
}

/** A Topic handle and its publish error mapper, cached per topic and options object. */
interface PublishHandle {
  readonly topic: Topic;
  readonly mapError: (error: unknown) => never;
}

const NO_OPTIONS: TopicPublishOptions = {};

/** An ordering key needs a Topic object with messageOrdering: one derived options object per original. */
const orderedVariants = new WeakMap<TopicPublishOptions, TopicPublishOptions>();
function orderedVariant(options: TopicPublishOptions): TopicPublishOptions {
  let ordered = orderedVariants.get(options);
  if (!ordered) orderedVariants.set(options, (ordered = { ...options, messageOrdering: true }));
  return ordered;
}

export interface PubSubTransportOptions extends PubSubClientOptions {
  /** Use this client instead of building one; it is then not closed by `close()`. */
  client?: PubSub;
}

export class PubSubTransport implements Transport {
  readonly kind = 'pubsub';
  readonly client: PubSub;
  private readonly ownsClient: boolean;
  private readonly topics = new Map<string, Topic>();
  private readonly topicsByName = new Map<string, Topic[]>();
  private readonly streams = new Set<TransportSubscription>();

  constructor(options: PubSubTransportOptions = {}) {
    this.client = options.client ?? createPubSubClient(options);
    this.ownsClient = options.client === undefined;
  }

  get projectId(): string {
    return this.client.projectId;
  }

  async ensureTopic(topic: string): Promise<boolean> {
    try {
      await this.client.createTopic(topic);
      return true;
    } catch (error) {
      if (grpcCode(error) === GRPC_ALREADY_EXISTS) return false;
      throw error;
    }
  }

  async topicExists(topic: string): Promise<boolean> {
    const [exists] = await this.client.topic(topic).exists();
    return exists;
  }

  async describeTopic(topic: string): Promise<TopicDescription | undefined> {
    let metadata;
    try {
      [metadata] = await this.client.topic(topic).getMetadata();
    } catch (error) {
      if (grpcCode(error) === GRPC_NOT_FOUND) return undefined;
      throw error;
    }
    const settings = metadata.schemaSettings;
    if (!settings?.schema) return { name: topic };
    // The enum arrives as its name, or as a number from some client paths (JSON = 1, BINARY = 2).
    const encoding = settings.encoding === 'BINARY' || settings.encoding === 2 ? 'BINARY' : 'JSON';
    return { name: topic, schema: { schema: settings.schema, encoding } };
  }

  async deleteTopic(topic: string): Promise<void> {
    try {
      await this.client.topic(topic).delete();
    } catch (error) {
      if (grpcCode(error) !== GRPC_NOT_FOUND) throw error;
    }
  }

  async ensureSubscription(subscription: string, settings: SubscriptionSettings): Promise<boolean> {
    try {
      await this.client.topic(settings.topic).createSubscription(subscription, {
        ...(settings.ackDeadlineSeconds !== undefined && { ackDeadlineSeconds: settings.ackDeadlineSeconds }),
        ...(settings.enableMessageOrdering !== undefined && { enableMessageOrdering: settings.enableMessageOrdering }),
        ...(settings.filter !== undefined && { filter: settings.filter }),
        ...(settings.deadLetterPolicy && {
          deadLetterPolicy: {
            deadLetterTopic: this.client.topic(settings.deadLetterPolicy.deadLetterTopic).name,
            maxDeliveryAttempts: settings.deadLetterPolicy.maxDeliveryAttempts,
          },
        }),
        ...(settings.retryPolicy && {
          retryPolicy: {
            minimumBackoff: toDuration(settings.retryPolicy.minimumBackoffSeconds),
            maximumBackoff: toDuration(settings.retryPolicy.maximumBackoffSeconds),
          },
        }),
      });
      return true;
    } catch (error) {
      const code = grpcCode(error);
      if (code === GRPC_ALREADY_EXISTS) return false;
      if (code === GRPC_NOT_FOUND) {
        throw new TransportError('TOPIC_NOT_FOUND', `Cannot create subscription '${subscription}': topic '${settings.topic}' does not exist`, { cause: error });
      }
      throw error;
    }
  }

  async describeSubscription(subscription: string): Promise<SubscriptionDescription | undefined> {
    let metadata;
    try {
      [metadata] = await this.client.subscription(subscription).getMetadata();
    } catch (error) {
      if (grpcCode(error) === GRPC_NOT_FOUND) return undefined;
      throw error;
    }
    const minimumBackoffSeconds = durationSeconds(metadata.retryPolicy?.minimumBackoff);
    const maximumBackoffSeconds = durationSeconds(metadata.retryPolicy?.maximumBackoff);
    return {
      name: subscription,
      topic: shortName(metadata.topic),
      ...(metadata.ackDeadlineSeconds != null && { ackDeadlineSeconds: metadata.ackDeadlineSeconds }),
      enableMessageOrdering: metadata.enableMessageOrdering === true,
      ...(metadata.filter ? { filter: metadata.filter } : {}),
      ...(metadata.deadLetterPolicy?.deadLetterTopic && {
        deadLetterPolicy: {
          deadLetterTopic: shortName(metadata.deadLetterPolicy.deadLetterTopic),
          maxDeliveryAttempts: metadata.deadLetterPolicy.maxDeliveryAttempts ?? 5,
        },
      }),
      ...(metadata.retryPolicy && {
        retryPolicy: {
          minimumBackoffSeconds: minimumBackoffSeconds ?? 10,
          maximumBackoffSeconds: maximumBackoffSeconds ?? 600,
        },
      }),
    };
  }

  async deleteSubscription(subscription: string): Promise<void> {
    try {
      await this.client.subscription(subscription).delete();
    } catch (error) {
      if (grpcCode(error) !== GRPC_NOT_FOUND) throw error;
    }
  }

  /**
   * The hot path's lookup: a publisher passes the same options object on every publish, so the
   * handle is found by that object and the topic id, without building the string key below.
   */
  private readonly handlesByOptions = new WeakMap<TopicPublishOptions, Map<string, PublishHandle>>();

  private handleFor(topic: string, options: TopicPublishOptions): PublishHandle {
    let byTopic = this.handlesByOptions.get(options);
    if (!byTopic) this.handlesByOptions.set(options, (byTopic = new Map()));
    let handle = byTopic.get(topic);
    if (!handle) {
      const client = this.topicFor(topic, options);
      handle = {
        topic: client,
        // One error mapper per topic, not a closure per publish.
        mapError: (error: unknown): never => {
          if (grpcCode(error) === GRPC_NOT_FOUND) {
            throw new TransportError('TOPIC_NOT_FOUND', `Topic '${topic}' does not exist`, { cause: error });
          }
          throw error;
        },
      };
      byTopic.set(topic, handle);
    }
    return handle;
  }

  /** One Topic object per topic and publish options: it owns the batcher and the key queues. */
  private topicFor(topic: string, options: TopicPublishOptions): Topic {
    const batching = options.batching;
    const timeout = options.timeoutMilliseconds;
    const cacheKey =
      (batching
        ? `${topic}\u0000${options.messageOrdering === true}\u0000${batching.maxMessages}\u0000${batching.maxMilliseconds}\u0000${batching.maxBytes}`
        : `${topic}\u0000${options.messageOrdering === true}`) + (timeout !== undefined ? `\u0000${timeout}` : '');
    let handle = this.topics.get(cacheKey);
    if (!handle) {
      handle = this.client.topic(topic, {
        messageOrdering: options.messageOrdering === true,
        ...(batching && { batching: { ...batching } }),
        // gax applies `timeout` as the total time of the call, its retries included: a publish to an
        // unreachable broker fails after it instead of after the client's default of a minute.
        ...(timeout !== undefined && { gaxOpts: { timeout } }),
      });
      this.topics.set(cacheKey, handle);
      let handles = this.topicsByName.get(topic);
      if (!handles) this.topicsByName.set(topic, (handles = []));
      handles.push(handle);
    }
    return handle;
  }

  publish(topic: string, message: OutgoingMessage, options: TopicPublishOptions = NO_OPTIONS): Promise<string> {
    const orderingKey = message.orderingKey || undefined;
    const handle = this.handleFor(topic, orderingKey !== undefined && !options.messageOrdering ? orderedVariant(options) : options);
    const attributes = message.attributes as Record<string, string>;
    // A fresh object: with its own tracing on, the client writes `parentSpan` onto what it is given.
    const outgoing = orderingKey !== undefined ? { data: message.data, attributes, orderingKey } : { data: message.data, attributes };
    // The client's callback form, answered into one promise of ours: its promise form wraps the same
    // callback in a promise (with a rest-arguments closure and two array copies per call) and the
    // error mapping needed a second promise on top (decision 0153). Same message, same answer.
    return new Promise<string>((resolve, reject) => {
      handle.topic.publishMessage(outgoing, (error, messageId) => {
        if (error) {
          try {
            handle.mapError(error);
          } catch (mapped) {
            reject(mapped);
          }
        } else {
          resolve(messageId!);
        }
      });
    });
  }

  resumePublishing(topic: string, orderingKey: string): void {
    for (const handle of this.topicsByName.get(topic) ?? []) handle.resumePublishing(orderingKey);
  }

  async flush(): Promise<void> {
    await Promise.all([...this.topics.values()].map((handle) => handle.flush()));
  }

  subscribe(subscription: string, listener: MessageListener, options: StreamOptions = {}): TransportSubscription {
    const handle: Subscription = this.client.subscription(subscription, {
      flowControl: {
        maxMessages: options.flowControl?.maxMessages ?? DEFAULT_FLOW_CONTROL.maxMessages,
        maxBytes: options.flowControl?.maxBytes ?? DEFAULT_FLOW_CONTROL.maxBytes,
        allowExcessMessages: false,
      },
      // Without a timeout close() can wait up to the max extension time (docs/emulator-facts.md).
      closeOptions: {
        behavior: 'NACK',
        timeout: pubsubClientModule().Duration.from({ milliseconds: options.closeTimeoutMilliseconds ?? DEFAULT_CLOSE_TIMEOUT_MILLISECONDS }),
      },
    });
    let closing = false;
    handle.on('message', (message: Message) => {
      const received: ReceivedMessage = {
        id: message.id,
        data: message.data,
        attributes: message.attributes,
        orderingKey: message.orderingKey || undefined,
        publishTime: new Date(message.publishTime.getTime()),
        deliveryAttempt: message.deliveryAttempt,
        length: message.length,
        ack: () => message.ack(),
        nack: () => message.nack(),
      };
      try {
        listener(received);
      } catch (error) {
        options.onError?.(error as Error);
      }
    });
    // Always listen: an unhandled 'error' event would crash the process.
    let lastError: Error | undefined;
    let ended = false;
    handle.on('error', (error: Error) => {
      if (closing && grpcCode(error) === GRPC_UNKNOWN) return;
      lastError = error;
      options.onError?.(error);
    });
    // The client re-opens a stream that ended with a retryable status by itself, silently; its
    // 'debug' message is the only sign that delivery stopped (the broker is down or restarting).
    handle.on('debug', (debug: { message?: unknown; error?: unknown }) => {
      if (closing || typeof debug.message !== 'string' || !/has ended with status/.test(debug.message)) return;
      const status = debug.error as { code?: unknown; details?: unknown } | undefined;
      // DEADLINE_EXCEEDED is the client rotating its stream (every few minutes): routine, not a disconnect.
      if (status?.code === GRPC_DEADLINE_EXCEEDED) return;
      options.onDisconnect?.(
        new TransportError(
          'STREAM_DISCONNECTED',
          `Streaming pull of '${subscription}' ended (gRPC code ${String(status?.code)}${status?.details ? `: ${String(status.details)}` : ''}); the client is reconnecting`,
          { cause: debug.error },
        ),
      );
    });
    // A status the client does not retry closes the subscription: say so instead of going quiet.
    handle.on('close', () => {
      if (closing || ended) return;
      ended = true;
      this.streams.delete(stream);
      handle.removeAllListeners('message');
      options.onEnd?.(
        new TransportError('STREAM_ENDED', `Streaming pull of '${subscription}' ended for good${lastError ? `: ${lastError.message}` : ''}`, {
          cause: lastError,
        }),
      );
    });
    const stream: TransportSubscription = {
      subscription,
      close: async () => {
        if (closing) return;
        closing = true;
        this.streams.delete(stream);
        if (ended) return;
        try {
          await handle.close();
        } finally {
          handle.removeAllListeners('message');
        }
      },
    };
    this.streams.add(stream);
    return stream;
  }

  async close(): Promise<void> {
    await Promise.all([...this.streams].map((stream) => stream.close()));
    await this.flush().catch(() => undefined);
    if (this.ownsClient) await this.client.close();
  }
}
