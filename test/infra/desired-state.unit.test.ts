import { describe, expect, it } from 'vitest';
import {
  desiredInfraState,
  diffInfra,
  formatResourcePlanText,
  InfraConfigError,
  readRegistryTopology,
  registryTopologyFromDocument,
  RegistryTopologyError,
  resolveInfraConfig,
  type LiveInfra,
} from '../../ops/infra/index.js';
import { REGISTRY_FILE } from './support.js';

const config = resolveInfraConfig(
  {
    projectId: 'p',
    topicPrefix: 'clone',
    subscriptionPrefix: 'clone-sub',
    deadLetterTopic: 'clone-dead-letter',
    eventStoreTopic: 'clone-event-store',
  },
  {},
);

describe('registry topology', () => {
  it('reads every channel of asyncapi.yaml with its versions, ordering and bindings', async () => {
    const topology = await readRegistryTopology(REGISTRY_FILE);
    expect(topology.events).toHaveLength(10);
    const userCreated = topology.events.find((event) => event.eventType === 'user.created');
    expect(userCreated).toMatchObject({
      aggregateType: 'user',
      ordered: true,
      messageRetentionSeconds: 604800,
      minSupportedVersion: 1,
    });
    expect(userCreated?.versions).toEqual([1, 2]);
    expect(
      topology.receivers.filter((receiver) => receiver.eventType === 'user.created').map((r) => r.consumer),
    ).toContain('billing');
  });

  it('names the file and JSON pointer of a malformed channel', () => {
    const document = {
      channels: { userCreated: { 'x-ordering-key': 'sometimes', messages: { userCreatedV1: { payload: {} } } } },
    };
    expect(() => registryTopologyFromDocument(document, 'reg.yaml')).toThrow(RegistryTopologyError);
    expect(() => registryTopologyFromDocument(document, 'reg.yaml')).toThrow('reg.yaml#/channels/userCreated/x-ordering-key');
  });

  it('refuses an x-min-version that is not one of the versions', () => {
    const document = {
      channels: {
        a: { address: 'a.b', 'x-aggregate-type': 'a', 'x-min-version': 3, messages: { aV1: { 'x-event-version': 1 } } },
      },
    };
    expect(() => registryTopologyFromDocument(document)).toThrow('#/channels/a/x-min-version');
  });
});

describe('desired state', () => {
  it('has a topic per event type, a subscription per consumer and event type, and a kept dead-letter topic', async () => {
    const topology = await readRegistryTopology(REGISTRY_FILE);
    const desired = desiredInfraState(topology, config);
    expect(desired.topics.map((topic) => topic.id)).toEqual(
      expect.arrayContaining(['clone.user.created', 'clone-dead-letter', 'clone-event-store']),
    );
    expect(desired.topics).toHaveLength(12);
    expect(desired.subscriptions).toHaveLength(topology.receivers.length + 1);
    const billing = desired.subscriptions.find((subscription) => subscription.id === 'clone-sub.billing.user.created');
    expect(billing?.settings).toMatchObject({
      topicId: 'clone.user.created',
      enableMessageOrdering: true,
      deadLetterPolicy: { deadLetterTopicId: 'clone-dead-letter', maxDeliveryAttempts: 5 },
      retryPolicy: { minimumBackoffSeconds: 10, maximumBackoffSeconds: 600 },
    });
    expect(
      desired.subscriptions.find((subscription) => subscription.id === 'clone-dead-letter.all')?.settings.topicId,
    ).toBe('clone-dead-letter');
  });

  it('uses configured consumers with their own dead-letter topics, each kept by a subscription', async () => {
    const topology = await readRegistryTopology(REGISTRY_FILE);
    const desired = desiredInfraState(topology, {
      ...config,
      consumers: [{ name: 'audit', events: '*', deadLetterTopic: 'audit-dead-letter', maxDeliveryAttempts: 10 }],
    });
    expect(desired.subscriptions.filter((subscription) => subscription.consumer === 'audit')).toHaveLength(10);
    expect(desired.subscriptions.map((subscription) => subscription.id)).toContain('audit-dead-letter.all');
  });

  it('refuses a consumer of an unknown event type and out-of-range settings', async () => {
    const topology = await readRegistryTopology(REGISTRY_FILE);
    expect(() =>
      desiredInfraState(topology, { ...config, consumers: [{ name: 'x', events: ['user.deleted'] }] }),
    ).toThrow(InfraConfigError);
    expect(() => resolveInfraConfig({ projectId: 'p', maxDeliveryAttempts: 3 }, {})).toThrow(/between 5 and 100/);
    expect(() => resolveInfraConfig({}, {})).toThrow(/GCP_PROJECT_ID/);
    expect(resolveInfraConfig({}, { PUBSUB_EMULATOR_HOST: '127.0.0.1:8085' }).projectId).toBe('event-bus-local');
    expect(resolveInfraConfig({}, { GCP_PROJECT_ID: 'from-env', EVENT_BUS_TOPIC_PREFIX: 'x' })).toMatchObject({
      projectId: 'from-env',
      topicPrefix: 'x',
      deadLetterTopic: 'clone-dead-letter',
      eventStoreTopic: 'clone-event-store',
    });
  });

  it('plans creation of everything against an empty project and prints one line per action', async () => {
    const topology = await readRegistryTopology(REGISTRY_FILE);
    const desired = desiredInfraState(topology, config);
    const empty: LiveInfra = { topics: new Map(), subscriptions: new Map() };
    const plan = diffInfra(desired, empty);
    expect(plan.actions.every((action) => action.kind === 'create')).toBe(true);
    const text = formatResourcePlanText(plan);
    expect(text).toContain('+ create topic clone.user.created\n');
    expect(text).toContain(`Summary: ${plan.actions.length} create`);
  });
});
