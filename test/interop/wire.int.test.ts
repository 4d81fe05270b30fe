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
 * 3. The other topics the runtime writes (decision 0141): a dead letter written by the subscriber
 *    (a handler failing on its last attempt) carries the documented DeadLetterAttributes, the
 *    original attributes and bytes; the outbox relay's and replay's messages on the event-store
 *    and replay topics are the documented event messages.
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
import { EventReplayer } from '../../runtime/replay/index.js';
import { EventStore, OutboxRelay } from '../../runtime/store/index.js';
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
  it('documents every event version of the catalog, and besides them only the dead letter', () => {
    const events = Object.values(document.components.messages).filter((message) => message['x-event-type'] !== undefined);
    const documented = events.map((message) => `${message['x-event-type']} v${message['x-event-version']}`);
    expect(documented.sort()).toEqual(versions.map(({ entry, version }) => `${entry.eventType} v${version.version}`).sort());
    expect(Object.keys(document.components.messages).filter((id) => document.components.messages[id]!['x-event-type'] === undefined)).toEqual(['deadLetter']);
  });

  it('has a channel for every topic the runtime writes: each event topic, the event store, replay, dead letters', () => {
    expect(Object.keys(document.channels).length).toBe(Object.keys(catalog.events).length + 3);
    expect(document.channels.eventStore!.address).toBe('clone-event-store');
    expect(document.channels.replay!.address).toBe('clone-event-store-replay');
    expect(document.channels.deadLetter!.address).toBe('clone-dead-letter');
    // The relay and the replayer publish the events as they are on their own topics.
    const eventMessages = versions.map(({ entry, version }) => wireMessageFor(document, entry.eventType, version.version)!.id).sort();
    for (const channel of ['eventStore', 'replay']) expect(Object.keys(document.channels[channel]!.messages).sort()).toEqual(eventMessages);
  });

  it('is a valid AsyncAPI document (@asyncapi/parser reports no error)', async () => {
    const { Parser, DiagnosticSeverity } = await import('@asyncapi/parser');
    const { document: parsed, diagnostics } = await new Parser().parse(wireText);
    expect(diagnostics.filter((diagnostic) => diagnostic.severity === DiagnosticSeverity.Error)).toEqual([]);
    expect(parsed?.messages().all().length).toBe(versions.length + 1);
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
        // What the document says the SDK always sends, it sent.
        for (const name of alwaysSent(document, 'EventAttributes')) expect(attributes[name], `${name} on ${documented!.id}`).toBeDefined();
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

function alwaysSent(wire: WireDocument, schema: 'EventAttributes' | 'DeadLetterAttributes'): string[] {
  const names = (wire.components.schemas[schema] as { 'x-always-sent'?: string[] })['x-always-sent'];
  expect(names?.length, `${schema} x-always-sent`).toBeGreaterThan(0);
  return names!;
}

function headerValidator(ajv: Ajv.default, schema: unknown): (attributes: Record<string, string>) => unknown[] {
  const validate = ajv.compile({ ...(schema as object), components: document.components });
  return (attributes) => (validate(attributes) ? [] : (validate.errors ?? []));
}

function sdkEvent(eventType: string): AnyEventEnvelope {
  const entry = catalog.events[eventType]!;
  const version = entry.versions[entry.currentVersion]!;
  return {
    eventId: randomUUID(),
    eventType,
    eventVersion: version.version,
    aggregateId: `agg-${randomUUID()}`,
    aggregateType: entry.aggregateType,
    occurredAt: new Date().toISOString(),
    correlationId: 'flow-7',
    payload: example(version.schemaFile),
    metadata: { producer: 'wire-test' },
  };
}

describe('the other topics the runtime writes, as the wire document says', () => {
  it('a dead letter the subscriber writes (handler failed on its last attempt): the original bytes and attributes plus the documented failure attributes', async () => {
    const entry = catalog.events['user.created']!;
    const deadLetterTopic = uniqueName('wire-dead');
    const subscriber = new EventSubscriber({
      catalog,
      transport,
      topicPrefix,
      subscriptionPrefix: uniqueName('wire-failing'),
      deadLetterTopic,
      maxDeliveryAttempts: 5,
      orderedRetry: { initialMilliseconds: 10, maxMilliseconds: 20 },
      onError: () => undefined,
    });
    let attempts = 0;
    await subscriber.subscribe({
      eventType: 'user.created',
      handler: () => {
        attempts += 1;
        throw new Error('CRM down');
      },
    });
    const publisher = new EventPublisher({ catalog, transport, topicPrefix, enableOrdering: true, autoCreateTopics: false });
    const event = sdkEvent('user.created');
    await publisher.publish(event);
    await publisher.close();
    // The subscriber keeps `<dead-letter topic>.all` on every dead-letter topic: read it with no SDK code.
    const [deadLetter] = await pullAll(pubsub, `${deadLetterTopic}.all`, (got) => got.length >= 1);
    await subscriber.close();
    expect(deadLetter, 'a dead letter arrived').toBeDefined();
    expect(attempts).toBeGreaterThanOrEqual(1);
    const attributes = deadLetter!.attributes;
    const ajv = new Ajv.default({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const deadLetterMessage = document.components.messages.deadLetter!;
    expect(headerValidator(ajv, deadLetterMessage.headers)(attributes)).toEqual([]);
    for (const name of alwaysSent(document, 'DeadLetterAttributes')) expect(attributes[name], name).toBeDefined();
    // Of an SDK event's dead letter, every attribute is a documented one (none falls to additionalProperties).
    const documentedNames = Object.keys((document.components.schemas.DeadLetterAttributes as { properties: object }).properties);
    expect(Object.keys(attributes).filter((key) => !documentedNames.includes(key) && !key.startsWith('meta-'))).toEqual([]);
    expect(attributes).toMatchObject({
      'event-bus-error-code': 'HANDLER_FAILED',
      'event-bus-source-topic': `${topicPrefix}.${entry.topic}`,
      'event-bus-delivery-attempt': '5',
      'event-bus-source-schema-encoding': 'JSON',
    });
    expect(attributes['event-bus-dead-letter-reason']).toContain('CRM down');
    // Every documented property is one of the two tables; the original's attributes are kept (googclient_* excepted).
    const original = wireMessageFor(document, 'user.created', event.eventVersion)!;
    expect(attributes['ce-id']).toBe(event.eventId);
    for (const name of alwaysSent(document, 'EventAttributes')) expect(attributes[name], `original ${name} kept`).toBeDefined();
    expect(Object.keys(attributes).filter((key) => key.startsWith('googclient_'))).toEqual([]);
    // The data: the original bytes, decodable as the original message says.
    expect(decodeData(original, deadLetter!.data)).toEqual(event.payload);
    expect(deadLetterMessage.contentType).toBe('application/octet-stream');
  });

  it('the outbox relay and replay republish: the event topic messages on the documented store and replay topics', async () => {
    const eventStoreTopic = uniqueName('wire-store');
    const replayTopic = `${eventStoreTopic}-replay`;
    for (const topic of [eventStoreTopic, replayTopic]) {
      await pubsub.createTopic(topic);
      await pubsub.topic(topic).createSubscription(`${topic}.plain`);
    }
    const store = new EventStore({ catalog, sqlite: ':memory:', eventStoreTopic });
    const events = ['user.created', 'conversation.turn_completed', 'document.processed'].map(sdkEvent);
    for (const event of events) await store.appendEvent(event as never);
    const publisher = new EventPublisher({ catalog, transport, topicPrefix, enableOrdering: true, autoCreateTopics: false });
    const relay = new OutboxRelay({ store, publisher });
    expect(relay.topic).toBe(eventStoreTopic);
    expect(await relay.drain()).toBe(events.length);
    const replayer = new EventReplayer({ catalog, store, replayTopic });
    const replayed = await replayer.republishTimeRange(new Date(0), new Date(Date.now() + 60_000), { publisher });
    expect(replayed.processed).toBe(events.length);
    await publisher.close();

    const ajv = new Ajv.default({ strict: false, allErrors: true });
    addFormats.default(ajv);
    for (const [channel, topic] of [['eventStore', eventStoreTopic], ['replay', replayTopic]] as const) {
      const messages = await pullAll(pubsub, `${topic}.plain`, (got) => got.length >= events.length);
      expect(messages.length, channel).toBe(events.length);
      for (const message of messages) {
        const attributes = message.attributes;
        const documented = wireMessageFor(document, attributes['ce-type']!, Number(attributes['ce-eventversion']))!;
        expect(Object.keys(document.channels[channel]!.messages)).toContain(documented.id);
        expect(headerValidator(ajv, documented.headers)(attributes), `${channel}: ${documented.id}`).toEqual([]);
        for (const name of alwaysSent(document, 'EventAttributes')) expect(attributes[name], name).toBeDefined();
        expect(attributes['ce-datacontenttype']).toBe(documented.contentType);
        expect(Object.keys(attributes).filter((key) => key.startsWith('googclient_'))).toEqual([]);
        const event = events.find((candidate) => candidate.eventId === attributes['ce-id'])!;
        expect(decodeData(documented, message.data)).toEqual(event.payload);
      }
    }
    await store.close();
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
