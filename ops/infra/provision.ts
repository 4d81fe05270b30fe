import type { PubSub } from '@google-cloud/pubsub';
import type { InfraConfig } from './config.js';
import { desiredInfraState, type DesiredInfra, type DesiredSubscription, type DesiredTopic } from './desired-state.js';
import { readLiveInfra, type LiveInfra, type LiveSubscription, type LiveTopic } from './live-state.js';
import type { FieldChange, ResourcePlan, ResourcePlanAction } from './plan.js';
import { GRPC_ALREADY_EXISTS, GRPC_NOT_FOUND, grpcCode, withPubSub } from './pubsub-client.js';
import type { RegistryTopology } from './registry-topology.js';
import { MANAGED_BY_LABEL, toSubscriptionMetadata, type DesiredSubscriptionSettings } from './subscription-settings.js';

export interface InfraOptions {
  readonly topology: RegistryTopology;
  readonly config: InfraConfig;
  /** A client to use (and not close); by default one is created for `config.projectId`. */
  readonly pubsub?: PubSub;
}

export interface ApplyInfraOptions extends InfraOptions {
  /**
   * Delete and recreate subscriptions whose immutable settings (topic, ordering, filter)
   * differ. Unacked messages on them are lost, so it is never done without this flag.
   */
  readonly allowRecreate?: boolean;
}

export interface ApplyInfraResult {
  /** The plan apply started from. */
  readonly plan: ResourcePlan;
  /** Actions carried out. */
  readonly applied: readonly ResourcePlanAction[];
  /** Actions left undone (blocked recreations, orphans), still drift afterwards. */
  readonly skipped: readonly ResourcePlanAction[];
}

/** Reads live state and compares it with the registry; changes nothing. */
export async function planInfra(options: InfraOptions): Promise<ResourcePlan> {
  const desired = desiredInfraState(options.topology, options.config);
  return withPubSub(options.config.projectId, options.pubsub, async (pubsub) =>
    diffInfra(desired, await readLiveInfra(pubsub)),
  );
}

/** Makes live state match the registry; a second run finds nothing to do. */
export async function applyInfra(options: ApplyInfraOptions): Promise<ApplyInfraResult> {
  const desired = desiredInfraState(options.topology, options.config);
  return withPubSub(options.config.projectId, options.pubsub, async (pubsub) => {
    const plan = diffInfra(desired, await readLiveInfra(pubsub));
    const topics = new Map(desired.topics.map((topic) => [topic.id, topic]));
    const subscriptions = new Map(desired.subscriptions.map((subscription) => [subscription.id, subscription]));
    const applied: ResourcePlanAction[] = [];
    const skipped: ResourcePlanAction[] = [];
    for (const action of plan.actions) {
      if (action.kind === 'no-op') continue;
      if (action.kind === 'orphan') {
        skipped.push(action);
        continue;
      }
      if (action.kind === 'recreate' && !options.allowRecreate) {
        // Fix what can be fixed in place; the immutable difference stays reported.
        const subscription = subscriptions.get(action.id) as DesiredSubscription;
        if (action.changes.some((change) => !IMMUTABLE_SUBSCRIPTION_FIELDS.has(change.field))) {
          await applySubscriptionAction(pubsub, desired.projectId, { ...action, kind: 'update' }, subscription);
        }
        skipped.push(action);
        continue;
      }
      if (action.resource === 'topic') {
        await applyTopicAction(pubsub, action, topics.get(action.id) as DesiredTopic);
      } else {
        await applySubscriptionAction(
          pubsub,
          desired.projectId,
          action,
          subscriptions.get(action.id) as DesiredSubscription,
        );
      }
      applied.push(action);
    }
    return { plan, applied, skipped };
  });
}

/** Pure: the plan that turns `live` into `desired`. Topics first, so subscriptions find theirs. */
export function diffInfra(desired: DesiredInfra, live: LiveInfra): ResourcePlan {
  const actions: ResourcePlanAction[] = [];
  for (const topic of desired.topics) actions.push(diffTopic(topic, live.topics.get(topic.id)));
  for (const subscription of desired.subscriptions) {
    actions.push(diffSubscription(subscription, live.subscriptions.get(subscription.id)));
  }
  const desiredTopicIds = new Set(desired.topics.map((topic) => topic.id));
  const desiredSubscriptionIds = new Set(desired.subscriptions.map((subscription) => subscription.id));
  const ours = (id: string, labels: Readonly<Record<string, string>>, prefix: string): boolean =>
    id.startsWith(`${prefix}.`) && labels['managed-by'] === MANAGED_BY_LABEL['managed-by'];
  for (const topic of live.topics.values()) {
    if (!desiredTopicIds.has(topic.id) && ours(topic.id, topic.labels, desired.topicPrefix)) {
      actions.push(orphan('topic', topic.id));
    }
  }
  for (const subscription of live.subscriptions.values()) {
    if (
      !desiredSubscriptionIds.has(subscription.id) &&
      ours(subscription.id, subscription.settings.labels, desired.subscriptionPrefix)
    ) {
      actions.push(orphan('subscription', subscription.id));
    }
  }
  const order: Record<ResourcePlanAction['kind'], number> = {
    create: 0,
    commit: 0,
    update: 1,
    recreate: 2,
    delete: 3,
    orphan: 4,
    'no-op': 5,
  };
  const resourceOrder = (action: ResourcePlanAction): number => (action.resource === 'topic' ? 0 : 1);
  actions.sort(
    (a, b) => order[a.kind] - order[b.kind] || resourceOrder(a) - resourceOrder(b) || a.id.localeCompare(b.id),
  );
  return { scope: 'infra', projectId: desired.projectId, actions };
}

function describeTopic(topic: DesiredTopic): string {
  return `topic ${topic.id}${topic.eventType ? '' : ` (${topic.role})`}`;
}

function diffTopic(topic: DesiredTopic, live: LiveTopic | undefined): ResourcePlanAction {
  const base = { resource: 'topic' as const, id: topic.id, ...(topic.eventType && { eventType: topic.eventType }) };
  if (!live)
    return { ...base, kind: 'create', description: `create ${describeTopic(topic)}`, changes: [], drift: false };
  const changes: FieldChange[] = [];
  if (topic.messageRetentionSeconds !== undefined && live.messageRetentionSeconds !== topic.messageRetentionSeconds) {
    changes.push({
      field: 'messageRetentionDuration',
      live: seconds(live.messageRetentionSeconds),
      desired: seconds(topic.messageRetentionSeconds),
    });
  }
  if (changes.length === 0) return { ...base, kind: 'no-op', description: describeTopic(topic), changes, drift: false };
  return { ...base, kind: 'update', description: `update ${describeTopic(topic)}`, changes, drift: true };
}

function describeSubscription(subscription: DesiredSubscription): string {
  const what =
    subscription.role === 'event'
      ? `${subscription.consumer} <- ${subscription.eventType}`
      : `${subscription.role} <- ${subscription.settings.topicId}`;
  return `subscription ${subscription.id} (${what})`;
}

function diffSubscription(subscription: DesiredSubscription, live: LiveSubscription | undefined): ResourcePlanAction {
  const base = {
    resource: 'subscription' as const,
    id: subscription.id,
    ...(subscription.eventType && { eventType: subscription.eventType }),
  };
  const description = describeSubscription(subscription);
  if (!live) return { ...base, kind: 'create', description: `create ${description}`, changes: [], drift: false };
  const { mutable, immutable } = diffSubscriptionSettings(subscription.settings, live.settings);
  if (live.filter !== '') immutable.push({ field: 'filter', live: live.filter, desired: '' });
  if (immutable.length > 0) {
    return {
      ...base,
      kind: 'recreate',
      description: `recreate ${description}`,
      changes: [...immutable, ...mutable],
      drift: true,
      blockedReason: `${immutable.map((change) => change.field).join(', ')} cannot change on an existing subscription; apply --allow-recreate deletes and recreates it (unacked messages are lost)`,
    };
  }
  if (mutable.length > 0)
    return { ...base, kind: 'update', description: `update ${description}`, changes: mutable, drift: true };
  return { ...base, kind: 'no-op', description, changes: [], drift: false };
}

/** Settings Pub/Sub cannot change on an existing subscription. */
export const IMMUTABLE_SUBSCRIPTION_FIELDS: ReadonlySet<string> = new Set(['topic', 'enableMessageOrdering', 'filter']);

/**
 * Field-level differences between desired and live subscription settings, split by whether
 * Pub/Sub can update them in place. Shared with the runtime subscriber's "ensure subscription".
 */
export function diffSubscriptionSettings(
  desired: DesiredSubscriptionSettings,
  live: DesiredSubscriptionSettings,
): { mutable: FieldChange[]; immutable: FieldChange[] } {
  const immutable: FieldChange[] = [];
  const mutable: FieldChange[] = [];
  if (desired.topicId !== live.topicId)
    immutable.push({ field: 'topic', live: live.topicId, desired: desired.topicId });
  if (desired.enableMessageOrdering !== live.enableMessageOrdering) {
    immutable.push({
      field: 'enableMessageOrdering',
      live: live.enableMessageOrdering,
      desired: desired.enableMessageOrdering,
    });
  }
  if (desired.ackDeadlineSeconds !== live.ackDeadlineSeconds) {
    mutable.push({ field: 'ackDeadlineSeconds', live: live.ackDeadlineSeconds, desired: desired.ackDeadlineSeconds });
  }
  const dl = (policy: DesiredSubscriptionSettings['deadLetterPolicy']): unknown =>
    policy ? { deadLetterTopic: policy.deadLetterTopicId, maxDeliveryAttempts: policy.maxDeliveryAttempts } : null;
  if (JSON.stringify(dl(desired.deadLetterPolicy)) !== JSON.stringify(dl(live.deadLetterPolicy))) {
    mutable.push({ field: 'deadLetterPolicy', live: dl(live.deadLetterPolicy), desired: dl(desired.deadLetterPolicy) });
  }
  const retry = (policy: DesiredSubscriptionSettings['retryPolicy']): unknown =>
    policy
      ? { minimumBackoff: seconds(policy.minimumBackoffSeconds), maximumBackoff: seconds(policy.maximumBackoffSeconds) }
      : null;
  if (JSON.stringify(retry(desired.retryPolicy)) !== JSON.stringify(retry(live.retryPolicy))) {
    mutable.push({ field: 'retryPolicy', live: retry(live.retryPolicy), desired: retry(desired.retryPolicy) });
  }
  // Labels are set at creation and not diffed: the emulator rejects label updates, and labels
  // people add by hand (cost centres, owners) are theirs to keep.
  return { mutable, immutable };
}

function seconds(value: number | undefined): string | undefined {
  return value === undefined ? undefined : `${value}s`;
}

function orphan(resource: 'topic' | 'subscription', id: string): ResourcePlanAction {
  return {
    kind: 'orphan',
    resource,
    id,
    description: `${resource} ${id} is labelled managed-by=event-bus but the registry no longer describes it; delete it by hand once nothing uses it`,
    changes: [],
    drift: true,
  };
}

async function applyTopicAction(pubsub: PubSub, action: ResourcePlanAction, topic: DesiredTopic): Promise<void> {
  const retention =
    topic.messageRetentionSeconds !== undefined
      ? { messageRetentionDuration: { seconds: topic.messageRetentionSeconds, nanos: 0 } }
      : {};
  if (action.kind === 'create') {
    try {
      await pubsub.createTopic({
        name: topic.id,
        labels: { ...topic.labels },
        ...retention,
        ...(topic.allowedPersistenceRegions && {
          messageStoragePolicy: { allowedPersistenceRegions: [...topic.allowedPersistenceRegions] },
        }),
      });
    } catch (error) {
      // Someone (a subscriber ensuring its topic, a parallel apply) was faster: fine.
      if (grpcCode(error) !== GRPC_ALREADY_EXISTS) throw error;
    }
    return;
  }
  const handle = pubsub.topic(topic.id);
  const fields = new Set(action.changes.map((change) => change.field.split('.')[0]));
  if (fields.has('messageRetentionDuration')) await handle.setMetadata(retention);
}

async function applySubscriptionAction(
  pubsub: PubSub,
  projectId: string,
  action: ResourcePlanAction,
  subscription: DesiredSubscription,
): Promise<void> {
  const metadata = toSubscriptionMetadata(projectId, subscription.settings);
  const create = async (): Promise<void> => {
    try {
      await pubsub.topic(subscription.settings.topicId).createSubscription(subscription.id, metadata);
    } catch (error) {
      if (grpcCode(error) !== GRPC_ALREADY_EXISTS) throw error;
    }
  };
  if (action.kind === 'create') return create();
  const handle = pubsub.subscription(subscription.id);
  if (action.kind === 'recreate') {
    try {
      await handle.delete();
    } catch (error) {
      if (grpcCode(error) !== GRPC_NOT_FOUND) throw error;
    }
    return create();
  }
  // In-place update: send only the changed fields, so the update mask names nothing else.
  const fields = new Set(action.changes.map((change) => change.field.split('.')[0]));
  await handle.setMetadata({
    ...(fields.has('ackDeadlineSeconds') && { ackDeadlineSeconds: metadata.ackDeadlineSeconds }),
    ...(fields.has('deadLetterPolicy') && { deadLetterPolicy: metadata.deadLetterPolicy }),
    ...(fields.has('retryPolicy') && { retryPolicy: metadata.retryPolicy }),
  });
}
