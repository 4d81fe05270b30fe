/**
 * Decision 0140: a producer written to the CloudEvents Pub/Sub binding alone sends `ce-specversion`,
 * `ce-id`, `ce-type`, `ce-source` (maybe `ce-dataschema`, `ce-subject`, `ce-time`), not our
 * extension attributes. The subscriber completes what the catalog or the Pub/Sub message
 * determines, and dead-letters with a reason naming the attribute what nothing determines.
 * (On the emulator: test/interop/foreign-producer.int.test.ts.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { EventSubscriber, InProcessTransport, MalformedEnvelopeError, type AnyEventEnvelope, type EventCatalog, type ReceivedMessage } from '../../runtime/index.js';
import { attributesToHeaders, completeEnvelopeAttributes } from '../../runtime/cloudevents.js';
import { DEAD_LETTER_ATTRIBUTES } from '../../runtime/subscriber/dead-letter.js';
import { catalogDecoder } from '../../runtime/dlq/original-event.js';
import { loadRegistryCatalog } from '../support/registry-catalog.js';
import { examplePayload } from './support/examples.js';
import { uniqueName, waitUntil } from './support/wait.js';

let catalog: EventCatalog;
beforeAll(async () => {
  catalog = await loadRegistryCatalog();
});

const binding = (type: string, extra: Record<string, string> = {}): Record<string, string> => ({
  'ce-specversion': '1.0',
  'ce-id': `id-${Math.random()}`,
  'ce-type': type,
  'ce-source': '//partner/crm',
  ...extra,
});

describe('completeEnvelopeAttributes', () => {
  const publishTime = new Date('2026-12-01T10:00:00.000Z');

  it('returns the same object when nothing is missing (every SDK message)', () => {
    const full = binding('user.created', {
      'ce-time': '2026-12-01T09:00:00Z',
      'ce-subject': 'u',
      'ce-eventversion': '1',
      'ce-aggregatetype': 'user',
      'ce-datacontenttype': 'application/json',
    });
    expect(completeEnvelopeAttributes(full, { catalog, publishTime })).toBe(full);
  });

  it('aggregate type from the catalog, version from ce-dataschema, time from the publish time, subject from the ordering key', () => {
    const v1 = catalog.events['user.created']!.versions[1]!;
    const completed = completeEnvelopeAttributes(binding('user.created', { 'ce-dataschema': v1.schemaId }), {
      catalog,
      publishTime,
      orderingKey: 'user-9',
    });
    expect(completed).toMatchObject({
      'ce-aggregatetype': catalog.events['user.created']!.aggregateType,
      'ce-eventversion': '1',
      'ce-time': '2026-12-01T10:00:00.000Z',
      'ce-subject': 'user-9',
    });
    expect(completed['ce-datacontenttype']).toBeUndefined();
    expect(attributesToHeaders(completed)).toMatchObject({ eventVersion: 1, aggregateId: 'user-9', encoding: 'json' });
  });

  it('the only version of a one-version event type; present attributes are never overridden', () => {
    const entry = Object.values(catalog.events).find((event) => Object.keys(event.versions).length === 1)!;
    const completed = completeEnvelopeAttributes(binding(entry.eventType, { 'ce-subject': 'agg', 'ce-aggregatetype': 'mine' }), { catalog, publishTime });
    expect(completed).toMatchObject({ 'ce-eventversion': String(entry.currentVersion), 'ce-aggregatetype': 'mine', 'ce-subject': 'agg' });
  });

  it('content type from Pub/Sub\'s schema encoding on a schema-bound topic', () => {
    const json = completeEnvelopeAttributes(binding('user.created', { 'ce-eventversion': '2', googclient_schemaencoding: 'JSON' }), { catalog, publishTime });
    expect(json['ce-datacontenttype']).toBe('application/avro+json');
    const binary = completeEnvelopeAttributes(binding('user.created', { 'ce-eventversion': '2', googclient_schemaencoding: 'BINARY' }), { catalog, publishTime });
    expect(binary['ce-datacontenttype']).toBe('application/avro');
  });

  it('several versions and nothing naming one: MISSING_ATTRIBUTES naming ce-eventversion and the $ids that would', () => {
    const attempt = (extra: Record<string, string>) => () => completeEnvelopeAttributes(binding('user.created', extra), { catalog, publishTime });
    expect(attempt({})).toThrow(MalformedEnvelopeError);
    expect(attempt({})).toThrow(/missing attribute 'ce-eventversion': user\.created has 2 versions and no 'ce-dataschema' names one/);
    expect(attempt({ 'ce-dataschema': 'https://elsewhere/x.json' })).toThrow(/'ce-dataschema' "https:\/\/elsewhere\/x\.json" is none of their schemas/);
    expect(attempt({})).toThrow(new RegExp(catalog.events['user.created']!.versions[2]!.schemaId.replace(/[.]/g, '\\.')));
  });

  it('no subject and no ordering key: the envelope stays incomplete and the reader names ce-subject', () => {
    const completed = completeEnvelopeAttributes(binding('user.created', { 'ce-eventversion': '2' }), { catalog, publishTime });
    expect(() => attributesToHeaders(completed)).toThrow(/missing attribute 'ce-subject'/);
  });

  it('an unknown event type is left as it is', () => {
    const unknown = binding('nobody.knows');
    expect(completeEnvelopeAttributes(unknown, { catalog, publishTime })).toBe(unknown);
  });

  it('the dead-letter decoder completes the same way, the time from event-bus-source-publish-time', () => {
    const payload = examplePayload(catalog, 'user.created');
    const v2 = catalog.events['user.created']!.versions[2]!;
    const decoded = catalogDecoder(catalog)(
      Buffer.from(JSON.stringify(payload)),
      binding('user.created', { 'ce-subject': 'u-1', 'ce-dataschema': v2.schemaId, [DEAD_LETTER_ATTRIBUTES.sourcePublishTime]: '2026-12-01T08:00:00.000Z' }),
    ) as AnyEventEnvelope;
    expect(decoded).toMatchObject({ eventVersion: 2, aggregateId: 'u-1', occurredAt: '2026-12-01T08:00:00.000Z', payload });
  });
});

describe('the subscriber, in process', () => {
  it('handles a binding-only message and dead-letters one whose version nothing names', async () => {
    const transport = new InProcessTransport({ projectId: 'unit' });
    const topicPrefix = uniqueName('foreign');
    const deadLetterTopic = uniqueName('foreign-dlq');
    const subscriber = new EventSubscriber({ catalog, transport, topicPrefix, subscriptionPrefix: uniqueName('foreign-sub'), deadLetterTopic, onError: () => undefined });
    const received: AnyEventEnvelope[] = [];
    await subscriber.subscribe({ eventType: 'user.created', handler: (event) => void received.push(event) });
    const deadLetters: ReceivedMessage[] = [];
    const watch = uniqueName('foreign-watch');
    await transport.ensureSubscription(watch, { topic: deadLetterTopic });
    transport.subscribe(watch, (message) => void (deadLetters.push(message), message.ack()));

    const payload = examplePayload(catalog, 'user.created');
    const v2 = catalog.events['user.created']!.versions[2]!;
    const topic = `${topicPrefix}.user.created`;
    const data = Buffer.from(JSON.stringify(payload));
    await transport.publish(topic, { data, attributes: binding('user.created', { 'ce-id': 'named', 'ce-subject': 'user-1', 'ce-dataschema': v2.schemaId }) });
    await transport.publish(topic, { data, attributes: binding('user.created', { 'ce-id': 'unnamed', 'ce-subject': 'user-2' }) });

    await waitUntil(() => received.length === 1 && deadLetters.length === 1, 'one handled, one dead-lettered');
    expect(received[0]).toMatchObject({ eventId: 'named', eventVersion: 2, aggregateType: 'user', aggregateId: 'user-1', payload });
    expect(Number.isNaN(Date.parse(received[0]!.occurredAt))).toBe(false);
    expect(deadLetters[0]!.attributes['ce-id']).toBe('unnamed');
    expect(deadLetters[0]!.attributes[DEAD_LETTER_ATTRIBUTES.errorCode]).toBe('MISSING_ATTRIBUTES');
    expect(deadLetters[0]!.attributes[DEAD_LETTER_ATTRIBUTES.reason]).toMatch(/missing attribute 'ce-eventversion'/);
    await subscriber.close();
  });
});
