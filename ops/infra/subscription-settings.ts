import type { SubscriptionMetadata } from '@google-cloud/pubsub';
import type { RetryPolicyConfig } from './config.js';
import type { SubscriptionSettings as TransportSubscriptionSettings } from '../../runtime/transport/transport.js';
import { topicName } from './resource-names.js';

/**
 * The settings of one subscription, in one shape shared by the provisioner (which creates and
 * diffs them) and the runtime subscriber (which ensures its own subscription on start), so both
 * produce identical subscriptions and a later `infra plan` reports no drift.
 */
export interface DesiredSubscriptionSettings {
  /** Topic id (not full name) the subscription reads. Immutable. */
  readonly topicId: string;
  readonly ackDeadlineSeconds: number;
  /** Immutable on Pub/Sub: changing it needs a new subscription. */
  readonly enableMessageOrdering: boolean;
  readonly deadLetterPolicy: { readonly deadLetterTopicId: string; readonly maxDeliveryAttempts: number } | null;
  readonly retryPolicy: RetryPolicyConfig | null;
  readonly labels: Readonly<Record<string, string>>;
}

/** Label on every resource provisioned from the registry; lets plan spot orphans it created. */
export const MANAGED_BY_LABEL = { 'managed-by': 'event-bus' } as const;

export interface DesiredSubscriptionSettingsInput {
  topicId: string;
  ordered: boolean;
  ackDeadlineSeconds: number;
  deadLetterTopicId?: string;
  maxDeliveryAttempts: number;
  retryPolicy?: RetryPolicyConfig;
  labels?: Readonly<Record<string, string>>;
}

export function desiredSubscriptionSettings(input: DesiredSubscriptionSettingsInput): DesiredSubscriptionSettings {
  return {
    topicId: input.topicId,
    ackDeadlineSeconds: input.ackDeadlineSeconds,
    enableMessageOrdering: input.ordered,
    deadLetterPolicy: input.deadLetterTopicId
      ? { deadLetterTopicId: input.deadLetterTopicId, maxDeliveryAttempts: input.maxDeliveryAttempts }
      : null,
    retryPolicy: input.retryPolicy ?? null,
    labels: { ...input.labels, ...MANAGED_BY_LABEL },
  };
}

/** Metadata for `topic.createSubscription(id, metadata)` / `subscription.setMetadata`. */
export function toSubscriptionMetadata(projectId: string, settings: DesiredSubscriptionSettings): SubscriptionMetadata {
  return {
    ackDeadlineSeconds: settings.ackDeadlineSeconds,
    enableMessageOrdering: settings.enableMessageOrdering,
    deadLetterPolicy: settings.deadLetterPolicy
      ? {
          deadLetterTopic: topicName(projectId, settings.deadLetterPolicy.deadLetterTopicId),
          maxDeliveryAttempts: settings.deadLetterPolicy.maxDeliveryAttempts,
        }
      : null,
    retryPolicy: settings.retryPolicy
      ? {
          minimumBackoff: { seconds: settings.retryPolicy.minimumBackoffSeconds, nanos: 0 },
          maximumBackoff: { seconds: settings.retryPolicy.maximumBackoffSeconds, nanos: 0 },
        }
      : null,
    labels: { ...settings.labels },
  };
}

/**
 * The same settings in the transport's shape, for `transport.ensureSubscription(id, settings)`:
 * a subscriber that ensures its subscription with this creates exactly what `infra apply` would.
 */
export function toTransportSubscriptionSettings(settings: DesiredSubscriptionSettings): TransportSubscriptionSettings {
  return {
    topic: settings.topicId,
    ackDeadlineSeconds: settings.ackDeadlineSeconds,
    enableMessageOrdering: settings.enableMessageOrdering,
    ...(settings.deadLetterPolicy && {
      deadLetterPolicy: {
        deadLetterTopic: settings.deadLetterPolicy.deadLetterTopicId,
        maxDeliveryAttempts: settings.deadLetterPolicy.maxDeliveryAttempts,
      },
    }),
    ...(settings.retryPolicy && { retryPolicy: { ...settings.retryPolicy } }),
  };
}

/**
 * A dead-letter topic's own subscription: Pub/Sub's defaults (10 s ack deadline, no retry or
 * dead-letter policy), the same as the runtime subscriber creates with `{ topic }` alone.
 */
export const DEAD_LETTER_SUBSCRIPTION_ACK_DEADLINE_SECONDS = 10;
