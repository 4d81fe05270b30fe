/**
 * Decision 0140 on the emulator: messages written by hand per the CloudEvents Pub/Sub binding
 * alone — `ce-specversion`, `ce-id`, `ce-type`, `ce-source` (the wire document's `required`), at
 * most `ce-dataschema` and `ce-subject` or an ordering key, none of our extension attributes —
 * reach the SDK subscriber's handler with the envelope completed from the catalog and the
 * message; one whose version nothing names, and one without an aggregate id, are dead-lettered
 * with a reason naming the missing attribute. A plain @google-cloud/pubsub client writes and
 * reads every message; no SDK publisher is involved.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PubSub, SchemaTypes, type Message } from '@google-cloud/pubsub';
import avro from 'avsc';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '../../generated/catalog.js';
import { EventSubscriber, PubSubTransport, type AnyEventEnvelope } from '../../runtime/index.js';
import { uniqueName, waitUntil } from '../runtime/support/wait.js';
import { pullAll } from './support/plain-consumer.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const projectId = process.env.GCP_PROJECT_ID!;
const wire = parse(readFileSync(path.join(root, 'generated', 'asyncapi.wire.yaml'), 'utf8')) as {
  components: { schemas: { EventAttributes: { required: string[] } } };
};

function example(schemaFile: string): Record<string, unknown> {
  const schema = JSON.parse(readFileSync(path.join(root, schemaFile), 'utf8')) as { examples: Record<string, unknown>[] };
  return structuredClone(schema.examples[0]!);
}

/** user.created v2's example in Avro's JSON encoding, written with avsc from the committed .avsc. */
function userCreatedV2AvroJson(payload: Record<string, unknown>): string {
  const avsc = JSON.parse(readFileSync(path.join(root, 'generated', 'avro', 'user.created', '2.avsc'), 'utf8')) as avro.Schema;
  return avro.Type.forSchema(avsc, { wrapUnions: true }).toString({
    marketingOptIn: null,
    locale: null,
    referralCode: null,
    ...payload,
    ...('locale' in payload && { locale: { string: payload.locale } }),
    ...('marketingOptIn' in payload && { marketingOptIn: { boolean: payload.marketingOptIn } }),
    ...('referralCode' in payload && {
      referralCode: payload.referralCode === null ? { 'dev.clone.events.JsonNull': 'NULL' } : { string: payload.referralCode },
    }),
  });
}

let pubsub: PubSub;
let transport: PubSubTransport;
const schemaPrefix = uniqueName('foreign');
const plainPrefix = uniqueName('foreign-plain');

beforeAll(async () => {
  pubsub = new PubSub({ projectId });
  transport = new PubSubTransport({ projectId });
  // user.created as `schemas apply` provisions it: an Avro schema with a revision per version, JSON encoding.
  const entry = catalog.events['user.created']!;
  const schemaId = `${schemaPrefix}.${entry.eventType}`;
  const definitions = Object.values(entry.versions)
    .sort((left, right) => left.version - right.version)
    .map((version) => JSON.stringify(version.avroSchema));
  await pubsub.createSchema(schemaId, SchemaTypes.Avro, definitions[0]!);
  const name = `projects/${projectId}/schemas/${schemaId}`;
  const schemaClient = await pubsub.getSchemaClient();
  for (const definition of definitions.slice(1)) await schemaClient.commitSchema({ name, schema: { name, type: 'AVRO', definition } });
  await pubsub.createTopic({ name: `${schemaPrefix}.${entry.topic}`, schemaSettings: { schema: name, encoding: 'JSON' } });
}, 120_000);

afterAll(async () => {
  await transport?.close();
  await pubsub?.close();
});

describe('a producer that sends only the CloudEvents binding attributes', () => {
  it('the wire document requires exactly the binding\'s required context attributes', () => {
    expect(wire.components.schemas.EventAttributes.required).toEqual(['ce-specversion', 'ce-id', 'ce-type', 'ce-source']);
  });

  it('is handled when the catalog or the message determines the rest, and dead-lettered naming the attribute when nothing does', async () => {
    const single = Object.values(catalog.events).find((entry) => Object.keys(entry.versions).length === 1 && entry.eventType !== 'user.created')!;
    await pubsub.createTopic(`${plainPrefix}.${single.topic}`);
    const deadLetterTopic = uniqueName('foreign-dlq');
    const received: AnyEventEnvelope[] = [];
    const subscribers = [
      new EventSubscriber({ catalog, transport, topicPrefix: schemaPrefix, subscriptionPrefix: uniqueName('foreign-sdk'), deadLetterTopic, onError: () => undefined }),
      new EventSubscriber({ catalog, transport, topicPrefix: plainPrefix, subscriptionPrefix: uniqueName('foreign-sdk'), deadLetterTopic, onError: () => undefined }),
    ];
    await subscribers[0]!.subscribe({ eventType: 'user.created', handler: (event) => void received.push(event) });
    await subscribers[1]!.subscribe({ eventType: single.eventType, handler: (event) => void received.push(event) });

    const bindingOnly = (type: string, id: string): Record<string, string> => ({
      'ce-specversion': '1.0',
      'ce-id': id,
      'ce-type': type,
      'ce-source': '//partner/crm',
    });
    const v2 = example('schemas/user.created/2.json');
    const userTopic = pubsub.topic(`${schemaPrefix}.user.created`, { messageOrdering: true });
    const ids = { named: randomUUID(), single: randomUUID(), unnamed: randomUUID(), noSubject: randomUUID() };
    const before = Date.now();
    // 1. Version named by ce-dataschema, aggregate id by the ordering key, no content type (the schema's encoding says it).
    await userTopic.publishMessage({
      data: Buffer.from(userCreatedV2AvroJson(v2)),
      orderingKey: 'user-foreign-1',
      attributes: { ...bindingOnly('user.created', ids.named), 'ce-dataschema': catalog.events['user.created']!.versions[2]!.schemaId },
    });
    // 2. A one-version event type, plain JSON topic, with ce-subject.
    const singleVersion = Object.values(single.versions)[0]!;
    const singlePayload = example(singleVersion.schemaFile);
    await pubsub.topic(`${plainPrefix}.${single.topic}`).publishMessage({
      data: Buffer.from(JSON.stringify(singlePayload)),
      attributes: { ...bindingOnly(single.eventType, ids.single), 'ce-subject': 'agg-foreign-2', 'content-type': 'application/json' },
    });
    // 3. user.created has two versions and nothing names one.
    await userTopic.publishMessage({
      data: Buffer.from(userCreatedV2AvroJson(v2)),
      orderingKey: 'user-foreign-3',
      attributes: bindingOnly('user.created', ids.unnamed),
    });
    // 4. No ce-subject and no ordering key: no aggregate id.
    await pubsub.topic(`${plainPrefix}.${single.topic}`).publishMessage({
      data: Buffer.from(JSON.stringify(singlePayload)),
      attributes: bindingOnly(single.eventType, ids.noSubject),
    });

    const deadLetters: Message[] = await pullAll(pubsub, `${deadLetterTopic}.all`, (got) => got.length >= 2);
    await waitUntil(() => received.length >= 2, 'both completable messages handled', 60_000);
    await Promise.all(subscribers.map((subscriber) => subscriber.close()));

    const byId = new Map(received.map((event) => [event.eventId, event]));
    expect(byId.get(ids.named)).toMatchObject({ eventType: 'user.created', eventVersion: 2, aggregateType: 'user', aggregateId: 'user-foreign-1', payload: v2 });
    expect(Date.parse(byId.get(ids.named)!.occurredAt)).toBeGreaterThanOrEqual(before - 5_000);
    expect(byId.get(ids.single)).toMatchObject({
      eventType: single.eventType,
      eventVersion: singleVersion.version,
      aggregateType: single.aggregateType,
      aggregateId: 'agg-foreign-2',
      payload: singlePayload,
    });
    expect([...byId.keys()].sort()).toEqual([ids.named, ids.single].sort());

    const dead = new Map(deadLetters.map((message) => [message.attributes['ce-id'], message.attributes]));
    expect(dead.get(ids.unnamed)).toMatchObject({ 'event-bus-error-code': 'MISSING_ATTRIBUTES' });
    expect(dead.get(ids.unnamed)!['event-bus-dead-letter-reason']).toMatch(/missing attribute 'ce-eventversion': user\.created has 2 versions/);
    expect(dead.get(ids.noSubject)).toMatchObject({ 'event-bus-error-code': 'MISSING_ATTRIBUTES' });
    expect(dead.get(ids.noSubject)!['event-bus-dead-letter-reason']).toContain("missing attribute 'ce-subject'");
  });
});
