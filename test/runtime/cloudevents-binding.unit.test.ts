/**
 * The CloudEvents Pub/Sub binding as a reader sees it: content types with parameters, the
 * binding's `content-type` attribute, structured mode (`application/cloudevents+json`), and the
 * SDK subscriber handling hand-written messages of each kind (in process; the emulator run is
 * test/interop/wire.int.test.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { EventSubscriber, InProcessTransport, type AnyEventEnvelope, type EventCatalog, type ReceivedMessage } from '../../runtime/index.js';
import {
  METADATA_ATTRIBUTE_PREFIX,
  PUBSUB_SCHEMA_ATTRIBUTES,
  StructuredEventError,
  WIRE_ATTRIBUTES,
  encodingForContentType,
  envelopeToAttributes,
  parseMediaType,
  readCloudEventMessage,
} from '../../runtime/cloudevents.js';
import { DEAD_LETTER_ATTRIBUTES } from '../../runtime/subscriber/dead-letter.js';
import { loadRegistryCatalog } from '../support/registry-catalog.js';
import { examplePayload } from './support/examples.js';
import { uniqueName, waitUntil } from './support/wait.js';

describe('the documented attribute table (WIRE_ATTRIBUTES, the source of generated/asyncapi.wire.yaml)', () => {
  it('names exactly what envelopeToAttributes writes, optional fields included', () => {
    const attributes = envelopeToAttributes(
      {
        eventId: '0b3d3f0e-95f7-4f4e-9d4f-2b8a3a1c9e11',
        eventType: 'user.created',
        eventVersion: 2,
        aggregateId: 'u',
        aggregateType: 'user',
        occurredAt: '2026-12-01T09:00:00.000Z',
        correlationId: 'c',
        causationId: 'k',
        payload: {},
        metadata: { producer: 'p' },
      },
      { source: '//s', dataschema: 'https://x/1.json', encoding: 'avro-json' },
    );
    const written = Object.keys(attributes).filter((key) => !key.startsWith(METADATA_ATTRIBUTE_PREFIX));
    // The table also lists the trace context the publisher's telemetry adds (only with OpenTelemetry on).
    const traced = ['ce-traceparent', 'ce-tracestate'];
    expect(written.sort()).toEqual(WIRE_ATTRIBUTES.map((attribute) => attribute.name).filter((name) => !traced.includes(name)).sort());
    expect(Object.keys(attributes).filter((key) => key.startsWith(METADATA_ATTRIBUTE_PREFIX))).toEqual(['meta-producer']);
    // What is always sent is what is always written; the rest only when set.
    const bare = envelopeToAttributes(
      { eventId: 'e', eventType: 't', eventVersion: 1, aggregateId: 'a', aggregateType: 'x', occurredAt: 'now', payload: {}, metadata: {} },
      { source: '//s', dataschema: 'https://x/1.json', encoding: 'json' },
    );
    expect(Object.keys(bare).sort()).toEqual(WIRE_ATTRIBUTES.filter((attribute) => attribute.alwaysSent).map((attribute) => attribute.name).sort());
    // What a reader requires (decision 0140) is the binding's own required context attributes, all always sent.
    expect(WIRE_ATTRIBUTES.filter((attribute) => attribute.required).map((attribute) => attribute.name)).toEqual([
      'ce-specversion',
      'ce-id',
      'ce-type',
      'ce-source',
    ]);
    expect(WIRE_ATTRIBUTES.every((attribute) => !attribute.required || attribute.alwaysSent)).toBe(true);
    expect(PUBSUB_SCHEMA_ATTRIBUTES.every((attribute) => attribute.name.startsWith('googclient_'))).toBe(true);
  });
});

describe('data content types', () => {
  it('parses media types with parameters, case-insensitively', () => {
    expect(parseMediaType('Application/JSON; Charset="UTF-8"')).toEqual({ essence: 'application/json', parameters: { charset: 'UTF-8' } });
    expect(parseMediaType('application/avro')).toEqual({ essence: 'application/avro', parameters: {} });
    expect(parseMediaType('json')).toBeUndefined();
    expect(parseMediaType('application/json; charset')).toBeUndefined();
  });

  it.each([
    ['application/json', 'json'],
    ['application/json; charset=utf-8', 'json'],
    ['application/json;charset=UTF-8', 'json'],
    ['APPLICATION/JSON', 'json'],
    ['application/avro+json; charset=utf-8', 'avro-json'],
    ['application/avro', 'avro-binary'],
    [undefined, 'json'],
  ] as const)('%s is %s', (contentType, encoding) => {
    expect(encodingForContentType(contentType)).toBe(encoding);
  });

  it.each(['application/json; charset=iso-8859-1', 'text/plain', 'application/xml', 'not a type'])('%s is not supported', (contentType) => {
    expect(encodingForContentType(contentType)).toBeUndefined();
  });
});

const binary = {
  'ce-specversion': '1.0',
  'ce-id': '0b3d3f0e-95f7-4f4e-9d4f-2b8a3a1c9e11',
  'ce-type': 'user.created',
  'ce-source': '//partner/crm',
  'ce-time': '2026-12-01T09:00:00Z',
  'ce-subject': 'user-7',
  'ce-eventversion': '2',
  'ce-aggregatetype': 'user',
};

describe('readCloudEventMessage', () => {
  it('binary mode: the binding’s content-type attribute is the data content type; ce-datacontenttype wins when both are there', () => {
    const data = Buffer.from('{}');
    expect(readCloudEventMessage({ ...binary, 'Content-Type': 'application/json; charset=utf-8' }, data)).toEqual({
      mode: 'binary',
      attributes: { ...binary, 'ce-datacontenttype': 'application/json; charset=utf-8' },
      data,
    });
    const both = readCloudEventMessage({ ...binary, 'content-type': 'application/json', 'ce-datacontenttype': 'application/avro' }, data);
    expect(both.attributes['ce-datacontenttype']).toBe('application/avro');
  });

  it('binary mode: attribute names are case-insensitive; metadata keys are kept as written', () => {
    const read = readCloudEventMessage({ 'CE-ID': 'x', 'Ce-Type': 'user.created', 'meta-TraceId': 't' }, Buffer.alloc(0));
    expect(read.attributes).toEqual({ 'ce-id': 'x', 'ce-type': 'user.created', 'meta-TraceId': 't' });
  });

  it('structured mode: context attributes and JSON data come out of the body', () => {
    const payload = { userId: 'u' };
    const body = { specversion: '1.0', id: 'e-1', type: 'user.created', source: '/crm', eventversion: 2, datacontenttype: 'application/json', data: payload };
    const read = readCloudEventMessage({ 'content-type': 'application/cloudevents+json; charset=utf-8' }, Buffer.from(JSON.stringify(body)));
    expect(read.mode).toBe('structured');
    expect(read.attributes).toEqual({
      'ce-specversion': '1.0',
      'ce-id': 'e-1',
      'ce-type': 'user.created',
      'ce-source': '/crm',
      'ce-eventversion': '2',
      'ce-datacontenttype': 'application/json',
    });
    expect(JSON.parse(read.data.toString('utf8'))).toEqual(payload);
  });

  it('structured mode: data_base64 carries binary data', () => {
    const bytes = Buffer.from([0, 1, 2, 255]);
    const body = { specversion: '1.0', id: 'e', type: 't', source: 's', datacontenttype: 'application/avro', data_base64: bytes.toString('base64') };
    expect(readCloudEventMessage({ 'content-type': 'application/cloudevents+json' }, Buffer.from(JSON.stringify(body))).data).toEqual(bytes);
  });

  it('structured mode: other event formats and bodies that are not the format are refused with a code', () => {
    const refuse = (contentType: string, body: string) => {
      try {
        readCloudEventMessage({ 'content-type': contentType }, Buffer.from(body));
      } catch (error) {
        expect(error).toBeInstanceOf(StructuredEventError);
        return (error as StructuredEventError).code;
      }
      throw new Error('not refused');
    };
    expect(refuse('application/cloudevents+avro', '')).toBe('UNSUPPORTED_CONTENT_TYPE');
    expect(refuse('application/cloudevents-batch+json', '[]')).toBe('UNSUPPORTED_CONTENT_TYPE');
    expect(refuse('application/cloudevents+json', 'not json')).toBe('PAYLOAD_DECODE_FAILED');
    expect(refuse('application/cloudevents+json', '[1]')).toBe('PAYLOAD_DECODE_FAILED');
    expect(refuse('application/cloudevents+json', '{"id":{"nested":1}}')).toBe('PAYLOAD_DECODE_FAILED');
  });
});

describe('the SDK subscriber reads hand-written binding messages', () => {
  let catalog: EventCatalog;
  beforeAll(async () => {
    // Plain JSON topics: this catalog names no Avro encoding.
    catalog = await loadRegistryCatalog();
  });

  it('binary mode with content-type parameters and structured mode are handled; an unknown event format is dead-lettered', async () => {
    const transport = new InProcessTransport({ projectId: 'unit' });
    const topicPrefix = uniqueName('ce');
    const deadLetterTopic = uniqueName('ce-dlq');
    const subscriber = new EventSubscriber({ catalog, transport, topicPrefix, subscriptionPrefix: uniqueName('ce-sub'), deadLetterTopic, onError: () => undefined });
    const received: AnyEventEnvelope[] = [];
    await subscriber.subscribe({ eventType: 'user.created', handler: (event) => void received.push(event) });
    const deadLetters: ReceivedMessage[] = [];
    const watch = uniqueName('ce-watch');
    await transport.ensureSubscription(watch, { topic: deadLetterTopic });
    transport.subscribe(watch, (message) => void (deadLetters.push(message), message.ack()));

    const topic = `${topicPrefix}.user.created`;
    const payload = examplePayload(catalog, 'user.created');
    await transport.publish(topic, { data: Buffer.from(JSON.stringify(payload)), attributes: { ...binary, 'ce-datacontenttype': 'application/json; charset=utf-8' } });
    await transport.publish(topic, { data: Buffer.from(JSON.stringify(payload)), attributes: { ...binary, 'ce-id': 'second', 'content-type': 'application/json; charset=utf-8' } });
    const structured = {
      specversion: '1.0',
      id: 'third',
      type: 'user.created',
      source: '//partner/crm',
      time: '2026-12-01T09:00:00Z',
      subject: 'user-7',
      eventversion: '2',
      aggregatetype: 'user',
      correlationid: 'flow-1',
      datacontenttype: 'application/json',
      data: payload,
    };
    await transport.publish(topic, { data: Buffer.from(JSON.stringify(structured)), attributes: { 'content-type': 'application/cloudevents+json; charset=UTF-8', 'meta-producer': 'crm' } });
    await transport.publish(topic, { data: Buffer.from('{}'), attributes: { 'content-type': 'application/cloudevents+avro' } });

    await waitUntil(() => received.length === 3 && deadLetters.length === 1, 'three handled, one dead-lettered');
    expect(received.map((event) => event.eventId)).toEqual([binary['ce-id'], 'second', 'third']);
    for (const event of received) expect(event.payload).toEqual(payload);
    expect(received[2]).toMatchObject({ eventVersion: 2, aggregateId: 'user-7', aggregateType: 'user', correlationId: 'flow-1', metadata: { producer: 'crm' } });
    expect(deadLetters[0]!.attributes[DEAD_LETTER_ATTRIBUTES.errorCode]).toBe('UNSUPPORTED_CONTENT_TYPE');
    await subscriber.close();
  });
});
