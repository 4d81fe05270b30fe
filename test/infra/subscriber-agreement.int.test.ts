import { PubSub } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventSubscriber } from '../../generated/bus.js';
import {
  applyInfra,
  planInfra,
  readRegistryTopology,
  resolveInfraConfig,
  type RegistryTopology,
} from '../../ops/infra/index.js';
import { randomPrefix, REGISTRY_FILE } from './support.js';

const projectId = process.env.GCP_PROJECT_ID ?? 'event-bus-test';
let pubsub: PubSub;
let topology: RegistryTopology;

beforeAll(async () => {
  pubsub = new PubSub({ projectId });
  topology = await readRegistryTopology(REGISTRY_FILE);
});

afterAll(async () => {
  await pubsub.close();
});

describe('provisioning and the runtime subscriber agree on subscriptions', () => {
  it('a subscription the subscriber ensured shows no drift in infra plan, and vice versa', async () => {
    const prefix = randomPrefix();
    const config = resolveInfraConfig(
      {
        projectId,
        topicPrefix: prefix,
        subscriptionPrefix: `${prefix}-sub`,
        deadLetterTopic: `${prefix}-dead-letter`,
        eventStoreTopic: `${prefix}-event-store`,
        consumers: [{ name: 'billing', events: ['user.created', 'conversation.ended'] }],
      },
      {},
    );
    // The subscriber creates user.created's subscription (and the dead-letter one) itself ...
    const subscriber = new EventSubscriber({
      projectId,
      topicPrefix: prefix,
      subscriptionPrefix: `${prefix}-sub`,
      deadLetterTopic: config.deadLetterTopic,
      autoCreate: true,
    });
    const handle = await subscriber.subscribe({
      eventType: 'user.created',
      consumer: 'billing',
      handler: () => undefined,
    });
    await handle.close();
    await subscriber.close();

    const plan = await planInfra({ topology, config, pubsub });
    const byId = new Map(plan.actions.map((action) => [action.id, action]));
    expect(byId.get(`${prefix}-sub.billing.user.created`)?.kind).toBe('no-op');
    expect(byId.get(`${config.deadLetterTopic}.all`)?.kind).toBe('no-op');
    expect(byId.get(`${prefix}-sub.billing.conversation.ended`)?.kind).toBe('create');

    // ... and a subscription infra apply created is one the subscriber accepts as it is.
    await applyInfra({ topology, config, pubsub });
    const again = new EventSubscriber({
      projectId,
      topicPrefix: prefix,
      subscriptionPrefix: `${prefix}-sub`,
      deadLetterTopic: config.deadLetterTopic,
      autoCreate: true,
    });
    const second = await again.subscribe({
      eventType: 'conversation.ended',
      consumer: 'billing',
      handler: () => undefined,
    });
    await second.close();
    await again.close();
    const after = await planInfra({ topology, config, pubsub });
    expect(after.actions.filter((action) => action.kind !== 'no-op')).toEqual([]);
  });
});
