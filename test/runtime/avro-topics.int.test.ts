/**
 * Topics bound to an Avro schema on the emulator: the publisher picks the codec from the topic's
 * schema settings, the emulator validates the bytes, the subscriber decodes by content type.
 */
import { SchemaTypes } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeAvroSchema, type AvroRecordSchema } from '../../generator/avro/index.js';
import {
  EventPublisher,
  EventSubscriber,
  PubSubTransport,
  createAvroCodec,
  jsonCodec,
  type AnyEventEnvelope,
  type DeliveryContext,
  type EventCatalog,
  type EventTypeEntry,
} from '../../runtime/index.js';
import { codecFromSchemaSettings } from '../../runtime/publisher/codec-choice.js';
import { loadRegistryAvroVersions } from '../avro/support/registry-avro.js';
import { loadRegistryCatalog } from '../support/registry-catalog.js';
import { exampleEvent } from './support/examples.js';
import { uniqueName, waitUntil } from './support/wait.js';

let catalog: EventCatalog;
let transport: PubSubTransport;

beforeAll(async () => {
  // The registry catalog with each version's Avro schema, as the generated catalog carries it.
  const [base, avroVersions] = await Promise.all([loadRegistryCatalog(), loadRegistryAvroVersions()]);
  const events: Record<string, EventTypeEntry> = {};
  for (const [eventType, entry] of Object.entries(base.events)) {
    const versions = Object.fromEntries(
      avroVersions.filter((version) => version.eventType === eventType).map((version) => [version.version, version.entry]),
    );
    events[eventType] = { ...entry, versions };
  }
  catalog = { events };
  transport = new PubSubTransport({ projectId: process.env.GCP_PROJECT_ID! });
});

afterAll(async () => {
  await transport.close();
});

const avroJson = createAvroCodec('avro-json');
const avroBinary = createAvroCodec('avro-binary');

describe('codec chosen by topic schema settings', () => {
  it.each([
    ['JSON', 'application/avro+json'],
    ['BINARY', 'application/avro'],
  ] as const)('publishes and receives on an Avro topic with %s encoding', async (encoding, contentType) => {
    const topicPrefix = uniqueName('avro');
    const entry = catalog.events['voice_model.trained']!;
    const topic = `${topicPrefix}.${entry.topic}`;
    const schemaId = uniqueName('avro-schema');
    const definition = serializeAvroSchema(entry.versions[entry.currentVersion]!.avroSchema as AvroRecordSchema);
    await transport.client.createSchema(schemaId, SchemaTypes.Avro, definition);
    await transport.client.createTopic({ name: topic, schemaSettings: { schema: `projects/${transport.projectId}/schemas/${schemaId}`, encoding } });
    expect((await transport.describeTopic(topic))?.schema?.encoding).toBe(encoding);

    const publisher = new EventPublisher({ catalog, transport, topicPrefix, codec: codecFromSchemaSettings(transport, { avroJson, avroBinary }) });
    const subscriber = new EventSubscriber({
      catalog,
      transport,
      topicPrefix,
      subscriptionPrefix: uniqueName('avro-sub'),
      deadLetterTopic: uniqueName('avro-dlq'),
      codecs: [jsonCodec, avroJson, avroBinary],
      onError: () => undefined,
    });
    const received: [AnyEventEnvelope, DeliveryContext][] = [];
    await subscriber.subscribe({ eventType: 'voice_model.trained', handler: (event, context) => void received.push([event, context]) });
    const event = exampleEvent(catalog, 'voice_model.trained', 'vm-avro');
    await publisher.publish(event);
    await waitUntil(() => received.length === 1, 'the Avro event');
    const [got, context] = received[0]!;
    expect(got).toEqual(event);
    expect(context.attributes['ce-datacontenttype']).toBe(contentType);
    // The emulator validated the data against the schema and says so.
    expect(context.attributes.googclient_schemaencoding).toBe(encoding);
    expect(subscriber.stats).toMatchObject({ handled: 1, deadLettered: 0 });
    await subscriber.close();
    await publisher.close();
  });

  it('uses plain JSON on a topic without a schema', async () => {
    const topicPrefix = uniqueName('plain');
    const resolver = codecFromSchemaSettings(transport, { avroJson, avroBinary });
    const entry = catalog.events['user.created']!;
    await transport.ensureTopic(`${topicPrefix}.user.created`);
    expect(await resolver(entry, `${topicPrefix}.user.created`)).toBe(jsonCodec);
  });
});
