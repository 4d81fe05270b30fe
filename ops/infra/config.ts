import {
  DEFAULT_ACK_DEADLINE_SECONDS,
  DEFAULT_DEAD_LETTER_TOPIC,
  DEFAULT_EVENT_STORE_TOPIC,
  DEFAULT_MAX_DELIVERY_ATTEMPTS,
  DEFAULT_RETRY_POLICY,
  DEFAULT_SUBSCRIPTION_PREFIX,
  DEFAULT_TOPIC_PREFIX,
  MAX_DELIVERY_ATTEMPTS,
  MIN_DELIVERY_ATTEMPTS,
} from '../../runtime/defaults.js';
import { InfraConfigError } from './errors.js';

/** Exponential backoff between redeliveries of a nacked message (Pub/Sub `retryPolicy`). */
export interface RetryPolicyConfig {
  readonly minimumBackoffSeconds: number;
  readonly maximumBackoffSeconds: number;
}

/** Per-consumer settings; anything left out falls back to the top-level config. */
export interface ConsumerConfig {
  /** Consumer (service) name; part of its subscription ids. */
  readonly name: string;
  /** Event types it subscribes to, or '*' for every event type in the registry. */
  readonly events: readonly string[] | '*';
  readonly deadLetterTopic?: string;
  readonly maxDeliveryAttempts?: number;
  readonly retryPolicy?: RetryPolicyConfig;
  readonly ackDeadlineSeconds?: number;
}

export interface InfraConfig {
  readonly projectId: string;
  /** Topic (and schema) ids are `${topicPrefix}.${eventType}`. */
  readonly topicPrefix: string;
  /** Subscription ids are `${subscriptionPrefix}.${consumer}.${eventType}`. */
  readonly subscriptionPrefix: string;
  /** Consumers and what they subscribe to; when absent, the registry's receive operations. */
  readonly consumers?: readonly ConsumerConfig[];
  /** Full id of the shared dead-letter topic; it always gets a subscription of its own. */
  readonly deadLetterTopic: string;
  /** Deliveries before a message goes to the dead-letter topic (Pub/Sub allows 5–100). */
  readonly maxDeliveryAttempts: number;
  readonly retryPolicy: RetryPolicyConfig;
  /** Seconds a subscriber has to ack before redelivery (Pub/Sub allows 10–600). */
  readonly ackDeadlineSeconds: number;
  /** Turn message ordering on for subscriptions of ordered event types (those with `x-ordering-key`). */
  readonly enableOrdering: boolean;
  /** Full id of the event-store topic (outbox relay target); '' to not provision one. */
  readonly eventStoreTopic?: string;
  /** Full id of the replay topic, when configured. */
  readonly replayTopic?: string;
  /** Subscription on the replay topic (or the event-store topic when no replay topic is set). */
  readonly replaySubscription?: string;
  /** Extra labels on every managed resource. */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Project id on the emulator when none is configured (the runtime's createPubSubClient uses the same). */
export const EMULATOR_DEFAULT_PROJECT_ID = 'event-bus-local';

/** Hard limits Pub/Sub enforces; checked here so plan fails before any request is made. */
export const INFRA_LIMITS = {
  maxDeliveryAttempts: { min: MIN_DELIVERY_ATTEMPTS, max: MAX_DELIVERY_ATTEMPTS },
  ackDeadlineSeconds: { min: 10, max: 600 },
  backoffSeconds: { min: 0, max: 600 },
} as const;

export type InfraConfigInput = Partial<InfraConfig>;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Merges explicit options over the environment (`GCP_PROJECT_ID`, `EVENT_BUS_TOPIC_PREFIX`,
 * `EVENT_BUS_SUBSCRIPTION_PREFIX`, `DEAD_LETTER_TOPIC`, `EVENT_STORE_TOPIC`, `EVENT_BUS_REPLAY_TOPIC`,
 * `EVENT_BUS_REPLAY_SUBSCRIPTION`) over the defaults, then checks Pub/Sub's limits.
 */
export function resolveInfraConfig(input: InfraConfigInput = {}, env: Env = process.env): InfraConfig {
  // On the emulator the runtime's client defaults to 'event-bus-local' (createPubSubClient): same here,
  // so `infra apply` provisions the project a local publisher and subscriber use.
  const projectId =
    input.projectId ??
    env.GCP_PROJECT_ID ??
    env.GOOGLE_CLOUD_PROJECT ??
    env.GCLOUD_PROJECT ??
    (env.PUBSUB_EMULATOR_HOST ? EMULATOR_DEFAULT_PROJECT_ID : undefined);
  if (!projectId) {
    throw new InfraConfigError('No project id: pass projectId (--project) or set GCP_PROJECT_ID (or GOOGLE_CLOUD_PROJECT)');
  }
  const topicPrefix = input.topicPrefix ?? env.EVENT_BUS_TOPIC_PREFIX ?? DEFAULT_TOPIC_PREFIX;
  // The runtime publishes to the event-store topic by default, so it is provisioned by default.
  const eventStoreTopic = input.eventStoreTopic ?? env.EVENT_STORE_TOPIC ?? DEFAULT_EVENT_STORE_TOPIC;
  const replayTopic = input.replayTopic ?? env.EVENT_BUS_REPLAY_TOPIC;
  const replaySubscription = input.replaySubscription ?? env.EVENT_BUS_REPLAY_SUBSCRIPTION;
  const config: InfraConfig = {
    projectId,
    topicPrefix,
    subscriptionPrefix: input.subscriptionPrefix ?? env.EVENT_BUS_SUBSCRIPTION_PREFIX ?? DEFAULT_SUBSCRIPTION_PREFIX,
    ...(input.consumers !== undefined && { consumers: input.consumers }),
    deadLetterTopic: input.deadLetterTopic ?? env.DEAD_LETTER_TOPIC ?? DEFAULT_DEAD_LETTER_TOPIC,
    maxDeliveryAttempts: input.maxDeliveryAttempts ?? DEFAULT_MAX_DELIVERY_ATTEMPTS,
    retryPolicy: { ...DEFAULT_RETRY_POLICY, ...input.retryPolicy },
    ackDeadlineSeconds: input.ackDeadlineSeconds ?? DEFAULT_ACK_DEADLINE_SECONDS,
    enableOrdering: input.enableOrdering ?? true,
    ...(eventStoreTopic && { eventStoreTopic }),
    ...(replayTopic && { replayTopic }),
    ...(replaySubscription && { replaySubscription }),
    ...(input.labels && { labels: input.labels }),
  };
  validateDeliverySettings('config', config);
  for (const consumer of config.consumers ?? []) {
    if (!/^[A-Za-z0-9][A-Za-z0-9\-_~+%]*$/.test(consumer.name)) {
      throw new InfraConfigError(
        `consumers: name '${consumer.name}' must use letters, digits and - _ ~ + % only (no dots: they separate id parts)`,
      );
    }
    validateDeliverySettings(`consumer '${consumer.name}'`, consumer);
  }
  return config;
}

function validateDeliverySettings(
  where: string,
  settings: Pick<Partial<InfraConfig>, 'maxDeliveryAttempts' | 'ackDeadlineSeconds' | 'retryPolicy'>,
): void {
  const inRange = (name: string, value: number | undefined, limit: { min: number; max: number }): void => {
    if (value === undefined) return;
    if (!Number.isFinite(value) || value < limit.min || value > limit.max) {
      throw new InfraConfigError(`${where}: ${name} must be between ${limit.min} and ${limit.max}, got ${value}`);
    }
  };
  inRange('maxDeliveryAttempts', settings.maxDeliveryAttempts, INFRA_LIMITS.maxDeliveryAttempts);
  inRange('ackDeadlineSeconds', settings.ackDeadlineSeconds, INFRA_LIMITS.ackDeadlineSeconds);
  const retry = settings.retryPolicy;
  if (retry) {
    inRange('retryPolicy.minimumBackoffSeconds', retry.minimumBackoffSeconds, INFRA_LIMITS.backoffSeconds);
    inRange('retryPolicy.maximumBackoffSeconds', retry.maximumBackoffSeconds, INFRA_LIMITS.backoffSeconds);
    if (retry.minimumBackoffSeconds > retry.maximumBackoffSeconds) {
      throw new InfraConfigError(`${where}: retryPolicy.minimumBackoffSeconds exceeds maximumBackoffSeconds`);
    }
  }
}
