/**
 * Writer → reader resolution through Pub/Sub: a topic whose schema has one revision per event
 * version accepts publishers of every version; each delivered message names the revision it was
 * validated against (`googclient_schemarevisionid`), the subscriber picks that version as the
 * writer and `decodeAs` resolves the data into its own (newest) version.
 */
import { randomUUID } from 'node:crypto';
import { Duration, PubSub, SchemaTypes, type Message, type Subscription } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeAvroSchema, type AvroRecordSchema } from '../../generator/avro/index.js';
import { createAvroCodec, type EventVersionEntry } from '../../runtime/index.js';
import { loadRegistryAvroVersions, type RegistryAvroVersion } from './support/registry-avro.js';

const projectId = process.env.GCP_PROJECT_ID ?? 'event-bus-test';
const run = randomUUID().slice(0, 8);

const versions = await loadRegistryAvroVersions();
const eventTypes = [...new Set(versions.map((version) => version.eventType))]
  .map((eventType) =>
    versions.filter((version) => version.eventType === eventType).sort((a, b) => a.version - b.version),
  )
  .filter((list) => list.length >= 2);

let pubsub: PubSub;

beforeAll(() => {
  pubsub = new PubSub({ projectId });
});

afterAll(async () => {
  await pubsub.close();
});

function receive(subscription: Subscription, count: number): Promise<Message[]> {
  return new Promise((resolve, reject) => {
    const received: Message[] = [];
    subscription.on('error', (error: { code?: number }) => {
      if (error.code !== 2) reject(error as Error); // code 2: the emulator's noise on stream close (docs/emulator-facts.md)
    });
    subscription.on('message', (message: Message) => {
      message.ack();
      received.push(message);
      if (received.length === count) resolve(received);
    });
  });
}

function definitionOf(version: RegistryAvroVersion): string {
  return serializeAvroSchema(version.entry.avroSchema as AvroRecordSchema);
}

describe('resolution across schema revisions on the emulator', () => {
  it('has event types with more than one version to test', () => {
    expect(eventTypes.length).toBeGreaterThan(0);
  });

  describe.each(eventTypes.map((list) => [list[0]!.eventType, list] as const))('%s', (eventType, list) => {
    it.each(['avro-json', 'avro-binary'] as const)(
      'publishers of every version are accepted and read back as the newest (%s)',
      async (encoding) => {
        const codec = createAvroCodec(encoding);
        const schemaId = `avro-res-${run}-${eventType}-${encoding}`;
        const schemaName = `projects/${projectId}/schemas/${schemaId}`;
        const schemaClient = await pubsub.getSchemaClient();
        await pubsub.createSchema(schemaId, SchemaTypes.Avro, definitionOf(list[0]!));
        const writerByRevision = new Map<string, EventVersionEntry>();
        const [first] = await schemaClient.getSchema({ name: schemaName });
        writerByRevision.set(first.revisionId!, list[0]!.entry);
        for (const version of list.slice(1)) {
          const [committed] = await schemaClient.commitSchema({
            name: schemaName,
            schema: { name: schemaName, type: 'AVRO', definition: definitionOf(version) },
          });
          writerByRevision.set(committed.revisionId!, version.entry);
        }
        const revisions = [...writerByRevision.keys()];
        expect(revisions).toHaveLength(list.length);

        const topicId = `avro-res-${run}-${eventType}-${encoding}`;
        const [topic] = await pubsub.createTopic({
          name: topicId,
          schemaSettings: {
            schema: schemaName,
            encoding: encoding === 'avro-json' ? 'JSON' : 'BINARY',
            firstRevisionId: revisions[0]!,
            lastRevisionId: revisions.at(-1)!,
          },
        });
        const [subscription] = await topic.createSubscription(`${topicId}-sub`, {});
        subscription.setOptions({ closeOptions: { timeout: Duration.from({ seconds: 2 }) } });
        const sent: Array<{ version: number; payload: unknown }> = list.flatMap((version) =>
          ((version.schema.examples ?? []) as unknown[]).map((payload) => ({ version: version.version, payload })),
        );
        const delivered = receive(subscription, sent.length);
        try {
          for (const [index, { version, payload }] of sent.entries()) {
            const writer = list.find((candidate) => candidate.version === version)!.entry;
            await topic.publishMessage({
              data: codec.encode(writer, payload),
              attributes: { index: String(index), version: String(version) },
            });
          }
          const reader = list.at(-1)!.entry;
          for (const message of await delivered) {
            const { version, payload } = sent[Number(message.attributes.index)]!;
            const writer = writerByRevision.get(message.attributes.googclient_schemarevisionid!);
            expect(writer, 'the stamped revision is one of ours').toBeDefined();
            expect(writer!.version, 'Pub/Sub names the revision of the version that wrote it').toBe(version);
            const resolved = codec.decodeAs(writer!, reader, message.data);
            expect(reader.validate(resolved)).toEqual({ valid: true });
            // Newer versions only add optional properties here, so an older payload reads back unchanged.
            expect(resolved).toStrictEqual(payload);
          }
        } finally {
          await subscription.close();
          await subscription.delete();
          await topic.delete();
        }
      },
    );
  });
});
