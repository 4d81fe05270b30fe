import type { ConsumerConfig, InfraConfig } from './config.js';
import { InfraConfigError } from './errors.js';
import type { RegistryTopology, TopologyEvent } from './registry-topology.js';
import {
  assertSubscriptionId,
  assertTopicId,
  deadLetterSubscriptionId,
  eventSubscriptionId,
  eventTopicId,
} from './resource-names.js';
import {
  DEAD_LETTER_SUBSCRIPTION_ACK_DEADLINE_SECONDS,
  MANAGED_BY_LABEL,
  desiredSubscriptionSettings,
  type DesiredSubscriptionSettings,
} from './subscription-settings.js';

/** Why a topic or subscription exists; shown in plans. */
export type ResourceRole = 'event' | 'dead-letter' | 'event-store' | 'replay';

export interface DesiredTopic {
  readonly id: string;
  readonly role: ResourceRole;
  readonly eventType?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly messageRetentionSeconds?: number;
  /** Set when the topic is created; not diffed afterwards (the emulator cannot update it). */
  readonly allowedPersistenceRegions?: readonly string[];
}

export interface DesiredSubscription {
  readonly id: string;
  readonly role: ResourceRole;
  readonly eventType?: string;
  readonly consumer?: string;
  readonly settings: DesiredSubscriptionSettings;
}

/** Everything the registry and config say should exist in the project. */
export interface DesiredInfra {
  readonly projectId: string;
  readonly topicPrefix: string;
  readonly subscriptionPrefix: string;
  readonly topics: readonly DesiredTopic[];
  readonly subscriptions: readonly DesiredSubscription[];
}

/** Pure: registry topology + config → the topics and subscriptions that should exist. */
export function desiredInfraState(topology: RegistryTopology, config: InfraConfig): DesiredInfra {
  const baseLabels = { ...config.labels, ...MANAGED_BY_LABEL };
  const eventsByType = new Map(topology.events.map((event) => [event.eventType, event]));
  const topics = new Map<string, DesiredTopic>();
  const subscriptions = new Map<string, DesiredSubscription>();
  const addTopic = (topic: DesiredTopic): void => {
    if (!topics.has(topic.id)) topics.set(topic.id, topic);
  };

  for (const event of topology.events) {
    addTopic({
      id: eventTopicId(config.topicPrefix, event.eventType),
      role: 'event',
      eventType: event.eventType,
      labels: { ...event.labels, ...baseLabels },
      ...(event.messageRetentionSeconds !== undefined && { messageRetentionSeconds: event.messageRetentionSeconds }),
      ...(event.allowedPersistenceRegions && { allowedPersistenceRegions: event.allowedPersistenceRegions }),
    });
  }

  const deadLetterTopics = new Set<string>([assertTopicId(config.deadLetterTopic)]);
  for (const consumer of consumersOf(topology, config)) {
    const deadLetterTopicId = assertTopicId(consumer.deadLetterTopic ?? config.deadLetterTopic);
    deadLetterTopics.add(deadLetterTopicId);
    for (const eventType of consumerEventTypes(consumer, topology)) {
      const event = eventsByType.get(eventType) as TopologyEvent;
      const id = eventSubscriptionId(config.subscriptionPrefix, eventType, consumer.name);
      subscriptions.set(id, {
        id,
        role: 'event',
        eventType,
        consumer: consumer.name,
        settings: desiredSubscriptionSettings({
          topicId: eventTopicId(config.topicPrefix, eventType),
          ordered: config.enableOrdering && event.ordered,
          ackDeadlineSeconds: consumer.ackDeadlineSeconds ?? config.ackDeadlineSeconds,
          deadLetterTopicId,
          maxDeliveryAttempts: consumer.maxDeliveryAttempts ?? config.maxDeliveryAttempts,
          retryPolicy: consumer.retryPolicy ?? config.retryPolicy,
          ...(config.labels && { labels: config.labels }),
        }),
      });
    }
  }

  // Pub/Sub drops messages published to a topic with no subscription: every dead-letter topic
  // gets one, so a dead letter always waits for a person (or `event-bus dlq`).
  for (const deadLetterTopicId of deadLetterTopics) {
    addTopic({ id: deadLetterTopicId, role: 'dead-letter', labels: baseLabels });
    const id = deadLetterSubscriptionId(deadLetterTopicId);
    subscriptions.set(id, {
      id,
      role: 'dead-letter',
      settings: desiredSubscriptionSettings({
        topicId: deadLetterTopicId,
        ordered: false,
        ackDeadlineSeconds: DEAD_LETTER_SUBSCRIPTION_ACK_DEADLINE_SECONDS,
        maxDeliveryAttempts: config.maxDeliveryAttempts,
        ...(config.labels && { labels: config.labels }),
      }),
    });
  }

  if (config.eventStoreTopic) {
    addTopic({ id: assertTopicId(config.eventStoreTopic), role: 'event-store', labels: baseLabels });
  }
  if (config.replayTopic) {
    addTopic({ id: assertTopicId(config.replayTopic), role: 'replay', labels: baseLabels });
  }
  if (config.replaySubscription) {
    const topicId = config.replayTopic ?? config.eventStoreTopic;
    if (!topicId) {
      throw new InfraConfigError('replaySubscription is set but neither replayTopic nor eventStoreTopic is');
    }
    const id = assertSubscriptionId(config.replaySubscription);
    subscriptions.set(id, {
      id,
      role: 'replay',
      settings: desiredSubscriptionSettings({
        topicId,
        // Replays are per aggregate in order; the replayer publishes with ordering keys.
        ordered: config.enableOrdering,
        ackDeadlineSeconds: config.ackDeadlineSeconds,
        deadLetterTopicId: config.deadLetterTopic,
        maxDeliveryAttempts: config.maxDeliveryAttempts,
        retryPolicy: config.retryPolicy,
        ...(config.labels && { labels: config.labels }),
      }),
    });
  }

  const byId = <T extends { id: string }>(a: T, b: T): number => a.id.localeCompare(b.id);
  return {
    projectId: config.projectId,
    topicPrefix: config.topicPrefix,
    subscriptionPrefix: config.subscriptionPrefix,
    topics: [...topics.values()].sort(byId),
    subscriptions: [...subscriptions.values()].sort(byId),
  };
}

/** Config's consumers, or one per consumer named by the registry's receive operations. */
function consumersOf(topology: RegistryTopology, config: InfraConfig): readonly ConsumerConfig[] {
  if (config.consumers) return config.consumers;
  const byName = new Map<string, string[]>();
  for (const receiver of topology.receivers) {
    byName.set(receiver.consumer, [...(byName.get(receiver.consumer) ?? []), receiver.eventType]);
  }
  return [...byName].map(([name, events]) => ({ name, events }));
}

function consumerEventTypes(consumer: ConsumerConfig, topology: RegistryTopology): string[] {
  if (consumer.events === '*') return topology.events.map((event) => event.eventType);
  const known = new Set(topology.events.map((event) => event.eventType));
  for (const eventType of consumer.events) {
    if (!known.has(eventType)) {
      throw new InfraConfigError(
        `consumer '${consumer.name}' subscribes to '${eventType}', which is not an event type in ${topology.file}`,
      );
    }
  }
  return [...new Set(consumer.events)];
}
