/**
 * The converted Avro definitions on the real Pub/Sub emulator: each one passes `validateSchema`,
 * a schema-bound topic (JSON and BINARY encoding) accepts every sampled valid payload the codec
 * encodes, the messages come back decodable to the same objects, and data that Avro itself can
 * call invalid is rejected at publish time.
 */
import { randomUUID } from 'node:crypto';
import { Duration, PubSub, SchemaTypes, type Message, type Subscription, type Topic } from '@google-cloud/pubsub';
import avro from 'avsc';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeAvroSchema, type AvroRecordSchema } from '../../generator/avro/index.js';
import { createAvroCodec, type AvroEncoding, type EventVersionEntry } from '../../runtime/index.js';
import { arbitraryForSchema } from '../../testing/arbitrary.js';
import { orderPlacedV2Entry } from './support/fixture-catalog.js';
import { loadFixtureRef, orderPlacedV2 } from './support/fixture-schemas.js';
import { loadRegistryAvroVersions, registryRefs } from './support/registry-avro.js';

const projectId = process.env.GCP_PROJECT_ID ?? 'event-bus-test';
const run = randomUUID().slice(0, 8);
const SAMPLES_PER_VERSION = 15;

interface Case {
  readonly label: string;
  readonly slug: string;
  readonly schema: Record<string, unknown>;
  readonly entry: EventVersionEntry;
  readonly loadRef: (uri: string) => unknown;
}

const registryCases: Case[] = (await loadRegistryAvroVersions()).map((version) => ({
  label: version.schemaFile,
  slug: `${version.eventType}-v${version.version}`,
  schema: version.schema,
  entry: version.entry,
  loadRef: registryRefs.loadRef,
}));
// Our own fixture adds what the registry does not use yet: recursion, mapped enum symbols, maps of records.
const fixtureCase: Case = {
  label: 'fixture order.placed v2',
  slug: 'fixture-order.placed-v2',
  schema: orderPlacedV2 as unknown as Record<string, unknown>,
  entry: orderPlacedV2Entry,
  loadRef: loadFixtureRef,
};
const cases = [...registryCases, fixtureCase];

const EMULATOR_ENCODING: Record<AvroEncoding, 'JSON' | 'BINARY'> = { 'avro-json': 'JSON', 'avro-binary': 'BINARY' };

let pubsub: PubSub;

beforeAll(() => {
  pubsub = new PubSub({ projectId });
});

afterAll(async () => {
  await pubsub.close();
});

function samplesFor(testCase: Case): unknown[] {
  const examples = (testCase.schema.examples ?? []) as unknown[];
  const sampled = fc.sample(arbitraryForSchema(testCase.schema, { loadRef: testCase.loadRef }), {
    numRuns: SAMPLES_PER_VERSION,
    seed: 4040,
  });
  return [...examples, ...sampled];
}

async function expectRejected(topic: Topic, data: Buffer, what: string): Promise<void> {
  let caught: unknown;
  try {
    await topic.publishMessage({ data });
  } catch (error) {
    caught = error;
  }
  expect(caught, `${what} should be rejected`).toBeDefined();
  expect((caught as { code?: number }).code, what).toBe(3); // INVALID_ARGUMENT
}

/** Collects `count` messages from a subscription (no timing asserted; the test timeout bounds it). */
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

type AvroJsonRecord = Record<string, unknown>;

const BRANCH_KEY = /^(string|long|double|boolean|array|map|dev\.clone\.events\.[A-Za-z0-9_]+)$/;

function isWrappedUnionValue(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && BRANCH_KEY.test(keys[0]!) && !String(keys[0]).endsWith('JsonNull');
}

function firstFieldOfType(schema: AvroRecordSchema, accept: (type: unknown) => boolean): string | undefined {
  return schema.fields.find((field) => accept(field.type))?.name;
}

describe.each(cases.map((testCase) => [testCase.label, testCase] as const))(
  '%s on the emulator',
  (_label, testCase) => {
    const definition = serializeAvroSchema(testCase.entry.avroSchema as AvroRecordSchema);
    const avroSchema = testCase.entry.avroSchema as AvroRecordSchema;
    const schemaId = `avro-fid-${run}-${testCase.slug}`;
    const samples = samplesFor(testCase);

    beforeAll(async () => {
      const schemaClient = await pubsub.getSchemaClient();
      await schemaClient.validateSchema({ parent: `projects/${projectId}`, schema: { type: 'AVRO', definition } });
      await pubsub.createSchema(schemaId, SchemaTypes.Avro, definition);
    });

    it('keeps the definition verbatim, custom attributes included', async () => {
      const stored = await pubsub.schema(schemaId).get();
      expect(stored.definition).toBe(definition);
    });

    it.each(['avro-json', 'avro-binary'] as const)(
      'accepts every sampled payload (%s) and delivers it back intact',
      async (encoding) => {
        const codec = createAvroCodec(encoding);
        const topicId = `avro-fid-${run}-${testCase.slug}-${encoding}`;
        const [topic] = await pubsub.createTopic({
          name: topicId,
          schemaSettings: {
            schema: `projects/${projectId}/schemas/${schemaId}`,
            encoding: EMULATOR_ENCODING[encoding],
          },
        });
        const [subscription] = await topic.createSubscription(`${topicId}-sub`, {});
        subscription.setOptions({ closeOptions: { timeout: Duration.from({ seconds: 2 }) } });
        const delivered = receive(subscription, samples.length);
        try {
          const published = new Map<string, unknown>();
          for (const [index, payload] of samples.entries()) {
            expect(testCase.entry.validate(payload)).toEqual({ valid: true });
            const messageId = await topic.publishMessage({
              data: codec.encode(testCase.entry, payload),
              attributes: { index: String(index) },
            });
            expect(messageId).toMatch(/\S/);
            published.set(String(index), payload);
          }
          const messages = await delivered;
          // Pub/Sub stamps the writer's schema revision: what a subscriber picks the writer schema by.
          const [stored] = await pubsub
            .getSchemaClient()
            .then((client) => client.getSchema({ name: `projects/${projectId}/schemas/${schemaId}` }));
          for (const message of messages) {
            expect(message.attributes.googclient_schemaencoding).toBe(EMULATOR_ENCODING[encoding]);
            expect(message.attributes.googclient_schemarevisionid).toBe(stored.revisionId);
          }
          for (const message of messages) {
            expect(codec.decode(testCase.entry, message.data)).toStrictEqual(published.get(message.attributes.index!));
          }
          expect(new Set(messages.map((message) => message.attributes.index)).size).toBe(samples.length);
        } finally {
          await subscription.close();
          await subscription.delete();
          await topic.delete();
        }
      },
    );

    it('rejects what Avro can call invalid', async () => {
      const json = createAvroCodec('avro-json');
      const binary = createAvroCodec('avro-binary');
      const [jsonTopic] = await pubsub.createTopic({
        name: `avro-fid-${run}-${testCase.slug}-bad-json`,
        schemaSettings: { schema: `projects/${projectId}/schemas/${schemaId}`, encoding: 'JSON' },
      });
      const [binaryTopic] = await pubsub.createTopic({
        name: `avro-fid-${run}-${testCase.slug}-bad-binary`,
        schemaSettings: { schema: `projects/${projectId}/schemas/${schemaId}`, encoding: 'BINARY' },
      });
      try {
        const example = samples[0];
        const valid = JSON.parse(json.encode(testCase.entry, example).toString('utf8')) as AvroJsonRecord;

        const stringField = firstFieldOfType(avroSchema, (type) => type === 'string');
        expect(stringField, 'every payload has a required string').toBeDefined();
        await expectRejected(
          jsonTopic,
          Buffer.from(JSON.stringify({ ...valid, [stringField!]: 12345 })),
          'a number where a string is required',
        );

        const { [avroSchema.fields[0]!.name]: _removed, ...missing } = valid;
        await expectRejected(jsonTopic, Buffer.from(JSON.stringify(missing)), 'a missing required field');

        const enumField = firstFieldOfType(
          avroSchema,
          (type) => typeof type === 'object' && (type as { type?: string }).type === 'enum',
        );
        if (testCase === fixtureCase) expect(enumField).toBe('status');
        if (enumField) {
          await expectRejected(
            jsonTopic,
            Buffer.from(JSON.stringify({ ...valid, [enumField]: 'NOT_A_SYMBOL' })),
            'an unknown enum symbol',
          );
          // Binary: a writer with one more symbol produces an enum index the schema does not have.
          const widened = structuredClone(avroSchema) as unknown as {
            fields: Array<{ name: string; type: { symbols: string[] } }>;
          };
          widened.fields.find((field) => field.name === enumField)!.type.symbols.push('ZZZ_EXTRA');
          const widenedType = avro.Type.forSchema(widened as avro.Schema, { wrapUnions: true });
          const extra = widenedType.fromString(JSON.stringify({ ...valid, [enumField]: 'ZZZ_EXTRA' }));
          await expectRejected(binaryTopic, widenedType.toBuffer(extra), 'an out-of-range enum index');
        }

        // Plain JSON is not Avro JSON once a union holds a value: unwrap one {"string": ...} and it is refused.
        const unwrapped = samples
          .map((payload) => JSON.parse(json.encode(testCase.entry, payload).toString('utf8')) as AvroJsonRecord)
          .map((record) => {
            const field = Object.entries(record).find(([, value]) => isWrappedUnionValue(value));
            return field && { ...record, [field[0]]: Object.values(field[1] as AvroJsonRecord)[0] };
          })
          .find((record) => record !== undefined);
        if (testCase.label.includes('user.created/2'))
          expect(unwrapped, 'user.created v2 has optional values').toBeDefined();
        if (unwrapped) {
          await expectRejected(
            jsonTopic,
            Buffer.from(JSON.stringify(unwrapped)),
            'plain JSON with an unwrapped union value',
          );
        }

        const validBinary = binary.encode(testCase.entry, example);
        await expectRejected(binaryTopic, validBinary.subarray(0, validBinary.length - 1), 'truncated binary');
        await expectRejected(
          binaryTopic,
          Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
          'garbage binary',
        );
        await expectRejected(jsonTopic, Buffer.from('not json'), 'garbage JSON');
        // Binary data on a JSON topic is not JSON.
        await expectRejected(jsonTopic, validBinary, 'binary data on a JSON topic');
      } finally {
        await jsonTopic.delete();
        await binaryTopic.delete();
      }
    });
  },
);
