import type { PubSub } from '@google-cloud/pubsub';
import type { RetryPolicyConfig } from './config.js';
import { resourceIdOf } from './resource-names.js';
import type { DesiredSubscriptionSettings } from './subscription-settings.js';

/** A live topic, normalized to the fields we compare (ids, not full names; seconds, not Durations). */
export interface LiveTopic {
  readonly id: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly messageRetentionSeconds?: number;
  readonly schemaSettings?: LiveTopicSchemaSettings;
}

export interface LiveTopicSchemaSettings {
  readonly schemaId: string;
  readonly encoding: 'JSON' | 'BINARY' | 'ENCODING_UNSPECIFIED';
  readonly firstRevisionId: string;
  readonly lastRevisionId: string;
}

export interface LiveSubscription {
  readonly id: string;
  readonly settings: DesiredSubscriptionSettings;
  /** Immutable; we never set one (one topic per event type), so a non-empty filter is drift. */
  readonly filter: string;
}

export interface LiveInfra {
  readonly topics: ReadonlyMap<string, LiveTopic>;
  readonly subscriptions: ReadonlyMap<string, LiveSubscription>;
}

interface DurationLike {
  seconds?: number | string | { toString(): string } | null;
  nanos?: number | null;
}

export function durationSeconds(duration: DurationLike | null | undefined): number | undefined {
  if (!duration) return undefined;
  return Number(duration.seconds ?? 0) + (duration.nanos ?? 0) / 1e9;
}

/** Lists every topic and subscription of the client's project with its settings (two paged calls). */
export async function readLiveInfra(pubsub: PubSub): Promise<LiveInfra> {
  const [topics, [subscriptions]] = await Promise.all([readLiveTopics(pubsub), pubsub.getSubscriptions()]);
  const liveSubscriptions = new Map<string, LiveSubscription>();
  for (const subscription of subscriptions) {
    const metadata = subscription.metadata ?? {};
    const id = resourceIdOf(subscription.name);
    const deadLetter = metadata.deadLetterPolicy;
    const retry = metadata.retryPolicy;
    liveSubscriptions.set(id, {
      id,
      filter: metadata.filter ?? '',
      settings: {
        topicId: resourceIdOf(String(metadata.topic ?? '')),
        ackDeadlineSeconds: metadata.ackDeadlineSeconds ?? 0,
        enableMessageOrdering: metadata.enableMessageOrdering ?? false,
        deadLetterPolicy: deadLetter?.deadLetterTopic
          ? {
              deadLetterTopicId: resourceIdOf(deadLetter.deadLetterTopic),
              maxDeliveryAttempts: deadLetter.maxDeliveryAttempts ?? 0,
            }
          : null,
        retryPolicy: retry ? liveRetryPolicy(retry) : null,
        labels: { ...metadata.labels },
      },
    });
  }
  return { topics, subscriptions: liveSubscriptions };
}

/** Lists every topic of the client's project with its settings. */
export async function readLiveTopics(pubsub: PubSub): Promise<Map<string, LiveTopic>> {
  const [topics] = await pubsub.getTopics();
  const liveTopics = new Map<string, LiveTopic>();
  for (const topic of topics) {
    const metadata = topic.metadata ?? {};
    const id = resourceIdOf(topic.name);
    const retention = durationSeconds(metadata.messageRetentionDuration);
    const schema = metadata.schemaSettings;
    liveTopics.set(id, {
      id,
      labels: { ...metadata.labels },
      ...(retention !== undefined && { messageRetentionSeconds: retention }),
      ...(schema?.schema && {
        schemaSettings: {
          schemaId: resourceIdOf(schema.schema),
          encoding: String(schema.encoding ?? 'ENCODING_UNSPECIFIED') as LiveTopicSchemaSettings['encoding'],
          firstRevisionId: schema.firstRevisionId ?? '',
          lastRevisionId: schema.lastRevisionId ?? '',
        },
      }),
    });
  }
  return liveTopics;
}

function liveRetryPolicy(retry: {
  minimumBackoff?: DurationLike | null;
  maximumBackoff?: DurationLike | null;
}): RetryPolicyConfig {
  // Pub/Sub's own defaults when a retry policy is set without bounds.
  return {
    minimumBackoffSeconds: durationSeconds(retry.minimumBackoff) ?? 10,
    maximumBackoffSeconds: durationSeconds(retry.maximumBackoff) ?? 600,
  };
}
