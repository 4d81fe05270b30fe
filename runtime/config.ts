import {
  DEAD_LETTER_SUBSCRIPTION_SUFFIX,
  DEFAULT_DEAD_LETTER_TOPIC,
  DEFAULT_EVENT_STORE_TOPIC,
  DEFAULT_SUBSCRIPTION_PREFIX,
  DEFAULT_TOPIC_PREFIX,
} from './defaults.js';
import { EventBusError } from './errors.js';

/**
 * Configuration read from the environment. Explicit options win over the environment, which
 * wins over the defaults in defaults.ts.
 */
export interface EventBusConfig {
  /** GCP_PROJECT_ID, else GOOGLE_CLOUD_PROJECT, else GCLOUD_PROJECT (Google's own variables); undefined when none is set. */
  readonly projectId: string | undefined;
  /** PUBSUB_EMULATOR_HOST (host:port), read by @google-cloud/pubsub itself too. */
  readonly emulatorHost: string | undefined;
  /** EVENT_BUS_TOPIC_PREFIX */
  readonly topicPrefix: string;
  /** EVENT_BUS_SUBSCRIPTION_PREFIX */
  readonly subscriptionPrefix: string;
  /** EVENT_STORE_TOPIC */
  readonly eventStoreTopic: string;
  /** DEAD_LETTER_TOPIC */
  readonly deadLetterTopic: string;
  /** EVENT_BUS_TRANSPORT: forces 'pubsub' or 'in-process' when the options do not choose. */
  readonly transport: 'pubsub' | 'in-process' | undefined;
}

export class ConfigError extends EventBusError {
  constructor(message: string) {
    super('INVALID_CONFIG', message);
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** The variables that name the GCP project, in the order they are read. */
export const PROJECT_ID_VARIABLES = ['GCP_PROJECT_ID', 'GOOGLE_CLOUD_PROJECT', 'GCLOUD_PROJECT'] as const;

export function readEventBusConfig(env: NodeJS.ProcessEnv = process.env): EventBusConfig {
  const transport = nonEmpty(env.EVENT_BUS_TRANSPORT);
  if (transport !== undefined && transport !== 'pubsub' && transport !== 'in-process') {
    throw new ConfigError(`EVENT_BUS_TRANSPORT must be 'pubsub' or 'in-process', got '${transport}'`);
  }
  return {
    projectId: nonEmpty(env.GCP_PROJECT_ID) ?? nonEmpty(env.GOOGLE_CLOUD_PROJECT) ?? nonEmpty(env.GCLOUD_PROJECT),
    emulatorHost: nonEmpty(env.PUBSUB_EMULATOR_HOST),
    topicPrefix: nonEmpty(env.EVENT_BUS_TOPIC_PREFIX) ?? DEFAULT_TOPIC_PREFIX,
    subscriptionPrefix: nonEmpty(env.EVENT_BUS_SUBSCRIPTION_PREFIX) ?? DEFAULT_SUBSCRIPTION_PREFIX,
    eventStoreTopic: nonEmpty(env.EVENT_STORE_TOPIC) ?? DEFAULT_EVENT_STORE_TOPIC,
    deadLetterTopic: nonEmpty(env.DEAD_LETTER_TOPIC) ?? DEFAULT_DEAD_LETTER_TOPIC,
    transport,
  };
}

// Pub/Sub resource ids: 3-255 characters, start with a letter, then letters, digits and - _ . ~ + %;
// must not start with 'goog'.
const RESOURCE_ID = /^[A-Za-z][A-Za-z0-9\-_.~+%]{2,254}$/;

export class InvalidResourceIdError extends EventBusError {
  constructor(
    readonly kind: 'topic' | 'subscription',
    readonly resourceId: string,
  ) {
    super(
      'INVALID_RESOURCE_ID',
      `Invalid ${kind} id '${resourceId}': Pub/Sub ids are 3-255 characters, start with a letter, ` +
        `use only letters, digits and - _ . ~ + %, and do not start with 'goog'`,
    );
  }
}

export function assertResourceId(kind: 'topic' | 'subscription', resourceId: string): string {
  if (!RESOURCE_ID.test(resourceId) || resourceId.toLowerCase().startsWith('goog')) {
    throw new InvalidResourceIdError(kind, resourceId);
  }
  return resourceId;
}

/** `clone` + `user.created` -> `clone.user.created`. */
export function topicIdFor(topicPrefix: string, entryTopic: string): string {
  return assertResourceId('topic', topicPrefix ? `${topicPrefix}.${entryTopic}` : entryTopic);
}

/** One subscription per consumer and event type: `clone-sub.billing.user.created` (consumer optional). */
export function subscriptionIdFor(subscriptionPrefix: string, eventType: string, consumer?: string): string {
  const parts = [subscriptionPrefix, consumer, eventType].filter((part): part is string => !!part);
  return assertResourceId('subscription', parts.join('.'));
}

/** The subscription every dead-letter topic carries, so its messages are kept: `clone-dead-letter.all`. */
export function deadLetterSubscriptionIdFor(deadLetterTopic: string): string {
  return assertResourceId('subscription', `${deadLetterTopic}.${DEAD_LETTER_SUBSCRIPTION_SUFFIX}`);
}
