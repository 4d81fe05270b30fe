import { PubSub } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyInfra,
  desiredInfraState,
  planHasChanges,
  planInfra,
  readRegistryTopology,
  resolveInfraConfig,
  type InfraConfig,
  type RegistryTopology,
} from '../../ops/infra/index.js';
import { randomPrefix, REGISTRY_FILE, runCli } from './support.js';

const projectId = process.env.GCP_PROJECT_ID ?? 'event-bus-test';
let pubsub: PubSub;
let topology: RegistryTopology;

function configFor(prefix: string, extra: Partial<InfraConfig> = {}): InfraConfig {
  return resolveInfraConfig(
    {
      projectId,
      topicPrefix: prefix,
      subscriptionPrefix: `${prefix}-sub`,
      deadLetterTopic: `${prefix}-dead-letter`,
      eventStoreTopic: `${prefix}-event-store`,
      ...extra,
    },
    {},
  );
}

beforeAll(async () => {
  pubsub = new PubSub({ projectId });
  topology = await readRegistryTopology(REGISTRY_FILE);
});

afterAll(async () => {
  await pubsub.close();
});

describe('infra provisioning on the emulator', () => {
  it('creates everything from empty, and a second apply has nothing to do', async () => {
    const config = configFor(randomPrefix());
    const desired = desiredInfraState(topology, config);

    const before = await planInfra({ topology, config, pubsub });
    const creates = before.actions.filter((action) => action.kind === 'create');
    expect(creates).toHaveLength(desired.topics.length + desired.subscriptions.length);
    expect(before.actions.every((action) => action.kind === 'create')).toBe(true);

    const first = await applyInfra({ topology, config, pubsub });
    expect(first.applied).toHaveLength(creates.length);
    expect(first.skipped).toEqual([]);

    const [topics] = await pubsub.getTopics();
    const topicIds = new Set(topics.map((topic) => topic.name.split('/').pop()));
    for (const event of topology.events) expect(topicIds.has(`${config.topicPrefix}.${event.eventType}`)).toBe(true);
    expect(topicIds.has(config.deadLetterTopic)).toBe(true);

    // The dead-letter topic keeps its messages: it has a subscription.
    const [deadLetterSubscriptions] = await pubsub.topic(config.deadLetterTopic).getSubscriptions();
    expect(deadLetterSubscriptions.map((subscription) => subscription.name.split('/').pop())).toEqual([
      `${config.deadLetterTopic}.all`,
    ]);

    // Subscriptions carry dead-letter, retry and ordering settings from the registry.
    const [metadata] = await pubsub.subscription(`${config.subscriptionPrefix}.billing.user.created`).getMetadata();
    expect(metadata.enableMessageOrdering).toBe(true);
    expect(metadata.deadLetterPolicy?.deadLetterTopic).toBe(`projects/${projectId}/topics/${config.deadLetterTopic}`);
    expect(metadata.deadLetterPolicy?.maxDeliveryAttempts).toBe(config.maxDeliveryAttempts);
    expect(Number(metadata.retryPolicy?.minimumBackoff?.seconds)).toBe(config.retryPolicy.minimumBackoffSeconds);
    const [topicMetadata] = await pubsub.topic(`${config.topicPrefix}.user.created`).getMetadata();
    expect(Number(topicMetadata.messageRetentionDuration?.seconds)).toBe(604800);
    expect(topicMetadata.messageStoragePolicy?.allowedPersistenceRegions).toEqual(['europe-west1', 'europe-west4']);

    const after = await planInfra({ topology, config, pubsub });
    expect(planHasChanges(after)).toBe(false);
    const second = await applyInfra({ topology, config, pubsub });
    expect(second.applied).toEqual([]);
  });

  it('reports a hand-changed subscription as drift and apply puts it back', async () => {
    const config = configFor(randomPrefix());
    await applyInfra({ topology, config, pubsub });
    const subscriptionId = `${config.subscriptionPrefix}.analytics.conversation.ended`;
    await pubsub.subscription(subscriptionId).setMetadata({
      retryPolicy: { minimumBackoff: { seconds: 1 }, maximumBackoff: { seconds: 5 } },
      deadLetterPolicy: {
        deadLetterTopic: `projects/${projectId}/topics/${config.deadLetterTopic}`,
        maxDeliveryAttempts: 9,
      },
    });
    await pubsub
      .topic(`${config.topicPrefix}.user.created`)
      .setMetadata({ messageRetentionDuration: { seconds: 3600 } });

    const plan = await planInfra({ topology, config, pubsub });
    const pending = plan.actions.filter((action) => action.kind !== 'no-op');
    expect(pending.map((action) => [action.kind, action.id, action.drift])).toEqual([
      ['update', `${config.topicPrefix}.user.created`, true],
      ['update', subscriptionId, true],
    ]);
    expect(pending[1]?.changes.map((change) => change.field)).toEqual(['deadLetterPolicy', 'retryPolicy']);
    expect(pending[0]?.changes).toEqual([{ field: 'messageRetentionDuration', live: '3600s', desired: '604800s' }]);

    const result = await applyInfra({ topology, config, pubsub });
    expect(result.applied).toHaveLength(2);
    expect(planHasChanges(await planInfra({ topology, config, pubsub }))).toBe(false);
  });

  it('reports changed ordering as drift needing recreation, and recreates only when allowed', async () => {
    const config = configFor(randomPrefix());
    await applyInfra({ topology, config, pubsub });
    const subscriptionId = `${config.subscriptionPrefix}.billing.user.created`;
    await pubsub.subscription(subscriptionId).delete();
    await pubsub
      .topic(`${config.topicPrefix}.user.created`)
      .createSubscription(subscriptionId, { enableMessageOrdering: false });

    const plan = await planInfra({ topology, config, pubsub });
    const drift = plan.actions.find((action) => action.id === subscriptionId);
    expect(drift?.kind).toBe('recreate');
    expect(drift?.blockedReason).toMatch(/enableMessageOrdering cannot change/);
    expect(drift?.changes[0]).toEqual({ field: 'enableMessageOrdering', live: false, desired: true });

    const refused = await applyInfra({ topology, config, pubsub });
    expect(refused.skipped.map((action) => action.id)).toEqual([subscriptionId]);
    // The mutable settings were fixed in place; the ordering difference stays reported.
    const [fixed] = await pubsub.subscription(subscriptionId).getMetadata();
    expect(fixed.enableMessageOrdering).toBe(false);
    expect(fixed.deadLetterPolicy?.maxDeliveryAttempts).toBe(config.maxDeliveryAttempts);
    const still = await planInfra({ topology, config, pubsub });
    expect(still.actions.filter((action) => action.kind !== 'no-op').map((action) => action.id)).toEqual([
      subscriptionId,
    ]);

    const recreated = await applyInfra({ topology, config, pubsub, allowRecreate: true });
    expect(recreated.applied.map((action) => action.id)).toEqual([subscriptionId]);
    const [metadata] = await pubsub.subscription(subscriptionId).getMetadata();
    expect(metadata.enableMessageOrdering).toBe(true);
    expect(planHasChanges(await planInfra({ topology, config, pubsub }))).toBe(false);
  });

  it('reports a managed resource the registry no longer describes as an orphan, without deleting it', async () => {
    const config = configFor(randomPrefix());
    await applyInfra({ topology, config, pubsub });
    const narrower: RegistryTopology = {
      ...topology,
      events: topology.events.filter((event) => event.eventType !== 'face_model.created'),
      receivers: topology.receivers.filter((receiver) => receiver.eventType !== 'face_model.created'),
    };
    const plan = await planInfra({ topology: narrower, config, pubsub });
    const orphans = plan.actions.filter((action) => action.kind === 'orphan').map((action) => action.id);
    expect(orphans).toContain(`${config.topicPrefix}.face_model.created`);
    expect(orphans).toContain(`${config.subscriptionPrefix}.notifications.face_model.created`);
    const result = await applyInfra({ topology: narrower, config, pubsub });
    expect(result.applied).toEqual([]);
    const [exists] = await pubsub.topic(`${config.topicPrefix}.face_model.created`).exists();
    expect(exists).toBe(true);
  });

  const cliFlags = (prefix: string): string[] => [
    '--registry',
    REGISTRY_FILE,
    '--project',
    projectId,
    '--topic-prefix',
    prefix,
    '--subscription-prefix',
    `${prefix}-sub`,
    '--dead-letter-topic',
    `${prefix}-dead-letter`,
    '--event-store-topic',
    `${prefix}-event-store`,
  ];

  // Each CLI run starts a process (a few seconds under load): generous timeouts, no timing asserted.
  it('runs as `event-bus infra plan|apply` with CI exit codes and JSON output', { timeout: 300_000 }, async () => {
    const prefix = randomPrefix();
    const flags = cliFlags(prefix);
    const check = await runCli(['infra', 'plan', ...flags, '--check']);
    expect(check.exitCode).toBe(1);
    expect(check.stdout).toContain(`+ create topic ${prefix}.user.created`);

    const apply = await runCli(['infra', 'apply', ...flags, '--format', 'json']);
    expect(apply.exitCode).toBe(0);
    const applied = JSON.parse(apply.stdout) as { applied: unknown[]; summary: { create: number } };
    expect(applied.applied).toHaveLength(applied.summary.create);

    const [clean, again] = await Promise.all([
      runCli(['infra', 'plan', ...flags, '--check']),
      runCli(['infra', 'apply', ...flags]),
    ]);
    expect(clean.exitCode).toBe(0);
    expect(clean.stdout).toContain('infra: nothing to do');
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('Applied 0 change(s).');
  });

  it(
    'exits 1 from apply when drift needs --allow-recreate, 2 on bad usage or input',
    { timeout: 300_000 },
    async () => {
      const prefix = randomPrefix();
      const config = configFor(prefix);
      await applyInfra({ topology, config, pubsub });
      const subscriptionId = `${config.subscriptionPrefix}.billing.user.created`;
      await pubsub.subscription(subscriptionId).delete();
      await pubsub.topic(`${prefix}.user.created`).createSubscription(subscriptionId, { enableMessageOrdering: false });

      const flags = cliFlags(prefix);
      const [blocked, usage, unreadable] = await Promise.all([
        runCli(['infra', 'apply', ...flags]),
        runCli(['infra', 'plan', ...flags, '--max-delivery-attempts', '2']),
        runCli(['infra', 'plan', ...flags, '--registry', 'no-such-registry.yaml']),
      ]);
      expect(blocked.exitCode).toBe(1);
      expect(blocked.stdout).toContain(`Skipped: recreate subscription ${subscriptionId}`);
      expect(usage.exitCode).toBe(2);
      expect(usage.stderr).toMatch(/maxDeliveryAttempts must be between 5 and 100/);
      expect(unreadable.exitCode).toBe(2);
      expect(unreadable.stderr).toContain('no-such-registry.yaml');
    },
  );
});
