import { PubSub } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '../../generated/catalog.js';
import { jsonCodec } from '../../runtime/codec/codec.js';
import { createEventFactory } from '../../runtime/create-event.js';
import {
  applyInfra,
  applySchemaSync,
  planHasChanges,
  planInfra,
  planSchemaSync,
  readRegistryTopology,
  resolveInfraConfig,
} from '../../ops/infra/index.js';
import { EventPublisher } from '../../runtime/publisher/index.js';
import { registryDefinitions, examplePayload } from './schema-fixtures.js';
import { randomPrefix, REGISTRY_FILE } from './support.js';

const projectId = process.env.GCP_PROJECT_ID ?? 'event-bus-test';
let pubsub: PubSub;

beforeAll(() => {
  pubsub = new PubSub({ projectId });
});

afterAll(async () => {
  await pubsub.close();
});

describe('deploying the registry, then publishing through the runtime', () => {
  it('after infra and schema apply, the typed publisher gets every event type through schema validation', async () => {
    const prefix = randomPrefix('d');
    const topology = await readRegistryTopology(REGISTRY_FILE);
    const definitions = await registryDefinitions(topology);
    const config = resolveInfraConfig(
      {
        projectId,
        topicPrefix: prefix,
        subscriptionPrefix: `${prefix}-sub`,
        deadLetterTopic: `${prefix}-dead-letter`,
        eventStoreTopic: `${prefix}-event-store`,
      },
      {},
    );
    const schemaOptions = { topology, definitions, projectId, topicPrefix: prefix, pubsub };

    // The deploy order of docs/pubsub-resources.md: schemas, then infra.
    await applySchemaSync(schemaOptions);
    await applyInfra({ topology, config, pubsub });
    expect(planHasChanges(await planSchemaSync(schemaOptions))).toBe(false);
    expect(planHasChanges(await planInfra({ topology, config, pubsub }))).toBe(false);

    const createEvent = createEventFactory(catalog);
    const publisher = new EventPublisher({
      catalog: catalog,
      projectId,
      topicPrefix: prefix,
      enableOrdering: true,
      autoCreateTopics: false,
    });
    try {
      for (const entry of Object.values(catalog.events)) {
        const event = createEvent(
          entry.eventType,
          `agg-${prefix}`,
          entry.aggregateType,
          examplePayload(entry.eventType, entry.currentVersion),
        );
        await expect(publisher.publish(event), entry.eventType).resolves.toMatch(/\S/);
      }
    } finally {
      await publisher.close();
    }

    // Plain JSON is not what a JSON-encoded Avro topic takes when an optional field is absent.
    const plain = new EventPublisher({
      catalog: catalog,
      projectId,
      topicPrefix: prefix,
      autoCreateTopics: false,
      codec: jsonCodec,
    });
    try {
      const event = createEvent('user.created', `agg-${prefix}`, 'user', examplePayload('user.created', 2));
      await expect(plain.publish(event)).rejects.toThrow(/INVALID_ARGUMENT|parse/i);
    } finally {
      await plain.close();
    }
  });
});
