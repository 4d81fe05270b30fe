/**
 * The published contract against the emulator (issue 13, decision 0090).
 *
 * 1. Every version of every event type is published by the SDK onto topics provisioned as
 *    `event-bus schemas apply` provisions them (an Avro schema per event type, one revision per
 *    version, JSON encoding). A consumer with no SDK code (support/plain-consumer.ts: only
 *    @google-cloud/pubsub, avsc and the YAML of generated/asyncapi.wire.yaml) pulls them and
 *    - finds every attribute documented with its real name, and each value valid against the
 *      documented header schema (ajv over the document's own JSON Schema);
 *    - finds `ce-datacontenttype` equal to the documented message `contentType`;
 *    - decodes the data with the documented Avro schema into exactly the payload published, and
 *      finds that schema equal to the revision Pub/Sub names in `googclient_schemarevisionid`.
 * 2. Messages written by hand per the CloudEvents Pub/Sub binding — binary mode with only the
 *    binding's `content-type` attribute carrying parameters, on the schema-bound topic; structured
 *    mode (`application/cloudevents+json`) on a topic without a schema — are handled by the SDK's
 *    subscriber.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PubSub, SchemaTypes } from '@google-cloud/pubsub';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import avro from 'avsc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '../../generated/catalog.js';
import {
  EventPublisher,
  EventSubscriber,
  PubSubTransport,
  type AnyEventEnvelope,
} from '../../runtime/index.js';
import { uniqueName, waitUntil } from '../runtime/support/wait.js';
import { decodeData, pullAll, readWireDocument, wireMessageFor, type WireDocument } from './support/plain-consumer.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const wireText = readFileSync(path.join(root, 'generated', 'asyncapi.wire.yaml'), 'utf8');
const projectId = process.env.GCP_PROJECT_ID!;

function example(schemaFile: string): Record<string, unknown> {
  const schema = JSON.parse(readFileSync(path.join(root, schemaFile), 'utf8')) as { examples: Record<string, unknown>[] };
  return structuredClone(schema.examples[0]!);
}

// Every (event type, version) of the generated catalog.
const versions = Object.values(catalog.events).flatMap((entry) =>
  Object.values(entry.versions).map((version) => ({ entry, version })),
);

let pubsub: PubSub;
let transport: PubSubTransport;
let document: WireDocument;
const topicPrefix = uniqueName('wire');

beforeAll(async () => {
  document = readWireDocument(wireText);
  pubsub = new PubSub({ projectId });
  transport = new PubSubTransport({ projectId });
  // As `event-bus schemas apply` does: schema `<prefix>.<type>`, a revision per version, the topic bound to all of them.
  const schemaClient = await pubsub.getSchemaClient();
  for (const entry of Object.values(catalog.events)) {
    const schemaId = `${topicPrefix}.${entry.eventType}`;
    const definitions = Object.values(entry.versions)
      .sort((left, right) => left.version - right.version)
      .map((version) => JSON.stringify(version.avroSchema));
    await pubsub.createSchema(schemaId, SchemaTypes.Avro, definitions[0]!);
    const name = `projects/${projectId}/schemas/${schemaId}`;
    for (const definition of definitions.slice(1)) {
      await schemaClient.commitSchema({ name, schema: { name, type: 'AVRO', definition } });
    }
    const topic = `${topicPrefix}.${entry.topic}`;
    await pubsub.createTopic({ name: topic, schemaSettings: { schema: name, encoding: 'JSON' } });
    await pubsub.topic(topic).createSubscription(`${topic}.plain`);
  }
}, 120_000);

afterAll(async () => {
  await transport?.close();
  await pubsub?.close();
});

describe('the wire document', () => {
  it('documents every event version of the catalog, and nothing else', () => {
    const documented = Object.values(document.components.messages).map((message) => `${message['x-event-type']} v${message['x-event-version']}`);
    expect(documented.sort()).toEqual(versions.map(({ entry, version }) => `${entry.eventType} v${version.version}`).sort());
  });

  it('is a valid AsyncAPI document (@asyncapi/parser reports no error)', async () => {
    const { Parser, DiagnosticSeverity } = await import('@asyncapi/parser');
    const { document: parsed, diagnostics } = await new Parser().parse(wireText);
    expect(diagnostics.filter((diagnostic) => diagnostic.severity === DiagnosticSeverity.Error)).toEqual([]);
    expect(parsed?.messages().all().length).toBe(versions.length);
  });
});

describe('what the runtime puts on the emulator is what the wire document says', () => {
  it('for every event type and version: attributes, content type, data decoded with the documented schema and the named revision', async () => {
    const publisher = new EventPublisher({ catalog, transport, topicPrefix, enableOrdering: true, autoCreateTopics: false });
    const published = new Map<string, AnyEventEnvelope>();
    for (const { entry, version } of versions) {
      const event: AnyEventEnvelope = {
        eventId: randomUUID(),
        eventType: entry.eventType,
        eventVersion: version.version,
        aggregateId: `agg-${version.version}-${randomUUID()}`,
        aggregateType: entry.aggregateType,
        occurredAt: new Date().toISOString(),
        correlationId: 'flow-42',
        causationId: randomUUID(),
        payload: example(version.schemaFile),
        metadata: { producer: 'wire-test', traceId: 'abc' },
      };
      await publisher.publish(event);
      published.set(event.eventId, event);
    }
    await publisher.close();

    const ajv = new Ajv.default({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const schemaClient = await pubsub.getSchemaClient();
    let checked = 0;
    for (const entry of Object.values(catalog.events)) {
      const expected = [...published.values()].filter((event) => event.eventType === entry.eventType);
      const messages = await pullAll(pubsub, `${topicPrefix}.${entry.topic}.plain`, (got) => got.length >= expected.length);
      expect(messages.length).toBe(expected.length);
      for (const message of messages) {
        const attributes = message.attributes;
        const documented = wireMessageFor(document, attributes['ce-type']!, Number(attributes['ce-eventversion']));
        expect(documented, `${attributes['ce-type']} v${attributes['ce-eventversion']} is documented`).toBeDefined();
        // The document's own header schema (with its components) judges the attributes.
        const validate = ajv.compile({ ...documented!.headers, components: document.components });
        expect(validate(attributes) ? [] : validate.errors, `attributes of ${documented!.id}`).toEqual([]);
        expect(attributes['ce-datacontenttype']).toBe(documented!.contentType);
        expect(Object.keys(attributes).filter((key) => key.startsWith('googclient_')).sort()).toEqual([
          'googclient_schemaencoding',
          'googclient_schemaname',
          'googclient_schemarevisionid',
        ]);
        const event = published.get(attributes['ce-id']!)!;
        expect(decodeData(documented!, message.data)).toEqual(event.payload);
        // The revision Pub/Sub validated against is the documented schema.
        const [revision] = await schemaClient.getSchema({
          name: `${attributes.googclient_schemaname}@${attributes.googclient_schemarevisionid}`,
        });
        const payload = documented!.payload as { schema: unknown };
        expect(JSON.parse(revision.definition!)).toEqual(payload.schema);
        checked += 1;
      }
    }
    expect(checked).toBe(versions.length);
  });
});

describe('hand-written CloudEvents binding messages reach SDK handlers', () => {
  it('binary mode with only `content-type: …; charset=utf-8` on the schema topic, structured mode on a plain topic', async () => {
    const entry = catalog.events['user.created']!;
    const schemaTopic = `${topicPrefix}.${entry.topic}`;
    const plainPrefix = uniqueName('wire-plain');
    const plainTopic = `${plainPrefix}.${entry.topic}`;
    await pubsub.createTopic(plainTopic);
    const received: AnyEventEnvelope[] = [];
    const subscriber = (prefix: string) =>
      new EventSubscriber({ catalog, transport, topicPrefix: prefix, subscriptionPrefix: uniqueName('wire-sdk'), deadLetterTopic: uniqueName('wire-dlq'), onError: () => undefined });
    const onSchemaTopic = subscriber(topicPrefix);
    const onPlainTopic = subscriber(plainPrefix);
    for (const sdk of [onSchemaTopic, onPlainTopic]) {
      await sdk.subscribe({ eventType: 'user.created', handler: (event) => void received.push(event) });
    }

    const v2 = example('schemas/user.created/2.json');
    // Avro JSON written by hand with avsc from the committed .avsc, no SDK codec.
    const avsc = JSON.parse(readFileSync(path.join(root, 'generated', 'avro', 'user.created', '2.avsc'), 'utf8')) as avro.Schema;
    const avroJson = avro.Type.forSchema(avsc, { wrapUnions: true }).toString({
      marketingOptIn: null,
      locale: null,
      referralCode: null,
      ...v2,
      ...('locale' in v2 && { locale: { string: v2.locale } }),
      ...('marketingOptIn' in v2 && { marketingOptIn: { boolean: v2.marketingOptIn } }),
      ...('referralCode' in v2 && { referralCode: v2.referralCode === null ? { 'dev.clone.events.JsonNull': 'NULL' } : { string: v2.referralCode } }),
    });
    const binaryId = randomUUID();
    await pubsub.topic(schemaTopic).publishMessage({
      data: Buffer.from(avroJson),
      attributes: {
        'ce-specversion': '1.0',
        'ce-id': binaryId,
        'ce-type': 'user.created',
        'ce-source': '//partner/crm',
        'ce-time': '2026-12-01T09:00:00Z',
        'ce-subject': 'user-hand-1',
        'ce-eventversion': '2',
        'ce-aggregatetype': 'user',
        'content-type': 'application/avro+json; charset=utf-8',
      },
    });
    const structuredId = randomUUID();
    await pubsub.topic(plainTopic).publishMessage({
      data: Buffer.from(
        JSON.stringify({
          specversion: '1.0',
          id: structuredId,
          type: 'user.created',
          source: '//partner/crm',
          time: '2026-12-01T09:01:00Z',
          subject: 'user-hand-2',
          eventversion: '2',
          aggregatetype: 'user',
          datacontenttype: 'application/json; charset=utf-8',
          data: v2,
        }),
      ),
      attributes: { 'Content-Type': 'application/cloudevents+json; charset=UTF-8' },
    });

    await waitUntil(() => received.length === 2, 'both hand-written events handled', 60_000);
    const byId = new Map(received.map((event) => [event.eventId, event]));
    expect(byId.get(binaryId)).toMatchObject({ eventType: 'user.created', eventVersion: 2, aggregateId: 'user-hand-1', payload: v2 });
    expect(byId.get(structuredId)).toMatchObject({ eventType: 'user.created', eventVersion: 2, aggregateId: 'user-hand-2', payload: v2 });
    await Promise.all([onSchemaTopic.close(), onPlainTopic.close()]);
  });
});

describe('the plain consumer', () => {
  it('imports only @google-cloud/pubsub, avsc and yaml', () => {
    const source = readFileSync(path.join(import.meta.dirname, 'support', 'plain-consumer.ts'), 'utf8');
    const imports = [...source.matchAll(/^import .* from '([^']+)';$/gm)].map((match) => match[1]);
    expect(imports.sort()).toEqual(['@google-cloud/pubsub', 'avsc', 'yaml']);
  });
});
