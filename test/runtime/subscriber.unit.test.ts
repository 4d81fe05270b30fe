import { beforeAll, describe, expect, it } from 'vitest';
import {
  EventPublisher,
  EventSubscriber,
  InProcessTransport,
  isEventBusError,
  type AnyEventEnvelope,
  type DeliveryContext,
  type EventCatalog,
  type ReceivedMessage,
} from '../../runtime/index.js';
import { envelopeToAttributes } from '../../runtime/cloudevents.js';
import { DEAD_LETTER_ATTRIBUTES } from '../../runtime/subscriber/dead-letter.js';
import { loadRegistryCatalog } from '../support/registry-catalog.js';
import { exampleEvent } from './support/examples.js';
import { uniqueName, waitUntil } from './support/wait.js';

let catalog: EventCatalog;
beforeAll(async () => {
  catalog = await loadRegistryCatalog();
});

function setup({ ordering = true }: { ordering?: boolean } = {}) {
  const transport = new InProcessTransport({ projectId: 'unit' });
  const topicPrefix = uniqueName('t');
  const deadLetterTopic = uniqueName('dlq');
  const publisher = new EventPublisher({ catalog, transport, topicPrefix, enableOrdering: ordering });
  const subscriber = new EventSubscriber({
    catalog,
    transport,
    topicPrefix,
    subscriptionPrefix: uniqueName('s'),
    deadLetterTopic,
    retryPolicy: { minimumBackoffSeconds: 0, maximumBackoffSeconds: 0 },
    onError: () => undefined,
  });
  const deadLetters: ReceivedMessage[] = [];
  const watchDeadLetters = async (): Promise<void> => {
    await transport.ensureTopic(deadLetterTopic);
    const subscription = uniqueName('dlq-watch');
    await transport.ensureSubscription(subscription, { topic: deadLetterTopic });
    transport.subscribe(subscription, (message) => {
      deadLetters.push(message);
      message.ack();
    });
  };
  return { transport, topicPrefix, deadLetterTopic, publisher, subscriber, deadLetters, watchDeadLetters };
}

describe('EventSubscriber', () => {
  it('ensures its subscription with dead-letter policy, retry policy and ordering, and a keeping subscription on the dead-letter topic', async () => {
    const { transport, subscriber, topicPrefix, deadLetterTopic } = setup();
    const handle = await subscriber.subscribe({ eventType: 'user.created', consumer: 'billing', handler: () => undefined, maxDeliveryAttempts: 7 });
    expect(handle.subscription).toBe(`${subscriber.subscriptionPrefix}.billing.user.created`);
    expect(await transport.describeSubscription(handle.subscription)).toEqual({
      name: handle.subscription,
      topic: `${topicPrefix}.user.created`,
      ackDeadlineSeconds: 30,
      enableMessageOrdering: true,
      deadLetterPolicy: { deadLetterTopic, maxDeliveryAttempts: 7 },
      retryPolicy: { minimumBackoffSeconds: 0, maximumBackoffSeconds: 0 },
    });
    expect(await transport.describeSubscription(`${deadLetterTopic}.all`)).toMatchObject({ topic: deadLetterTopic });
    await subscriber.close();
  });

  it('refuses to reuse an existing subscription that reads another topic', async () => {
    const { transport, subscriber } = setup();
    const subscription = uniqueName('taken');
    await transport.ensureTopic('elsewhere');
    await transport.ensureSubscription(subscription, { topic: 'elsewhere' });
    await expect(subscriber.subscribe({ eventType: 'user.created', subscription, handler: () => undefined })).rejects.toSatisfy(
      (error: unknown) => isEventBusError(error, 'SUBSCRIPTION_TOPIC_MISMATCH'),
    );
  });

  it('refuses maxDeliveryAttempts outside 5..100', async () => {
    const { subscriber } = setup();
    await expect(subscriber.subscribe({ eventType: 'user.created', handler: () => undefined, maxDeliveryAttempts: 3 })).rejects.toThrow(
      /maxDeliveryAttempts must be an integer from 5 to 100/,
    );
  });

  it('hands the handler the decoded, validated envelope and acks it', async () => {
    const { publisher, subscriber } = setup();
    const received: [AnyEventEnvelope, DeliveryContext][] = [];
    const handle = await subscriber.subscribe({ eventType: 'document.processed', handler: (event, context) => void received.push([event, context]) });
    const event = exampleEvent(catalog, 'document.processed', 'doc-1', { correlationId: 'c-1', metadata: { producer: 'ingest' } });
    const id = await publisher.publish(event);
    await waitUntil(() => handle.stats.acked === 1, 'the ack');
    expect(received).toHaveLength(1);
    expect(received[0]![0]).toEqual(event);
    expect(received[0]![1]).toMatchObject({ messageId: id, deliveryAttempt: 1 });
    expect(handle.stats).toMatchObject({ received: 1, handled: 1, acked: 1, nacked: 0, deadLettered: 0 });
    await subscriber.close();
  });

  it('nacks an unordered message when the handler throws; the redelivery shows the next attempt', async () => {
    const { publisher, subscriber } = setup({ ordering: false });
    const attempts: number[] = [];
    const handle = await subscriber.subscribe({
      eventType: 'user.created',
      handler: (_event, context) => {
        attempts.push(context.deliveryAttempt);
        if (context.deliveryAttempt < 3) throw new Error('not yet');
      },
    });
    await publisher.publish(exampleEvent(catalog, 'user.created', 'u-1'));
    await waitUntil(() => handle.stats.handled === 1, 'the third attempt to succeed');
    expect(attempts).toEqual([1, 2, 3]);
    expect(handle.stats).toMatchObject({ received: 3, nacked: 2, handlerErrors: 2, acked: 1 });
    await subscriber.close();
  });

  it('retries an ordered message in process (no nack, no redelivery); each retry shows the next attempt', async () => {
    const { publisher, subscriber } = setup();
    const attempts: number[] = [];
    const handle = await subscriber.subscribe({
      eventType: 'user.created',
      handler: (_event, context) => {
        attempts.push(context.deliveryAttempt);
        if (context.deliveryAttempt < 3) throw new Error('not yet');
      },
    });
    await publisher.publish(exampleEvent(catalog, 'user.created', 'u-1'));
    await waitUntil(() => handle.stats.handled === 1, 'the third attempt to succeed');
    expect(attempts).toEqual([1, 2, 3]);
    expect(handle.stats).toMatchObject({ received: 1, nacked: 0, handlerErrors: 2, acked: 1 });
    await subscriber.close();
  });

  it('dead-letters a message whose handler always throws after maxDeliveryAttempts, with reason and attempt', async () => {
    const { publisher, subscriber, deadLetters, watchDeadLetters } = setup();
    await watchDeadLetters();
    const handle = await subscriber.subscribe({
      eventType: 'user.created',
      maxDeliveryAttempts: 5,
      handler: () => {
        throw new TypeError('boom');
      },
    });
    const event = exampleEvent(catalog, 'user.created', 'u-2');
    await publisher.publish(event);
    await waitUntil(() => deadLetters.length === 1, 'the dead letter');
    expect(deadLetters[0]!.attributes).toMatchObject({
      'ce-id': event.eventId,
      [DEAD_LETTER_ATTRIBUTES.errorCode]: 'HANDLER_FAILED',
      [DEAD_LETTER_ATTRIBUTES.deliveryAttempt]: '5',
      [DEAD_LETTER_ATTRIBUTES.sourceSubscription]: handle.subscription,
    });
    expect(deadLetters[0]!.attributes[DEAD_LETTER_ATTRIBUTES.reason]).toContain('TypeError: boom');
    // Ordered: the four retries ran in process; the one delivery was dead-lettered and acked.
    expect(handle.stats).toMatchObject({ received: 1, nacked: 0, handlerErrors: 5, deadLettered: 1, acked: 1 });
    await subscriber.close();
  });

  it('dead-letters messages that can never succeed, without calling the handler, and keeps going', async () => {
    const { transport, publisher, subscriber, topicPrefix, deadLetters, watchDeadLetters } = setup();
    await watchDeadLetters();
    const handled: AnyEventEnvelope[] = [];
    const handle = await subscriber.subscribe({ eventType: 'user.created', handler: (event) => void handled.push(event) });
    const topic = `${topicPrefix}.user.created`;
    const valid = exampleEvent(catalog, 'user.created', 'u-3');
    const attributesOf = (event: AnyEventEnvelope) =>
      envelopeToAttributes(event, { source: 'test', dataschema: 'x', encoding: 'json' });
    const raw = [
      { case: 'PAYLOAD_DECODE_FAILED', data: Buffer.from('{not json'), attributes: attributesOf(valid) },
      { case: 'MISSING_ATTRIBUTES', data: Buffer.from('{}'), attributes: { 'ce-type': 'user.created' } },
      { case: 'UNKNOWN_EVENT_VERSION', data: Buffer.from(JSON.stringify(valid.payload)), attributes: { ...attributesOf(valid), 'ce-eventversion': '42' } },
      { case: 'UNKNOWN_EVENT_TYPE', data: Buffer.from(JSON.stringify(valid.payload)), attributes: { ...attributesOf(valid), 'ce-type': 'user.vanished' } },
      { case: 'EVENT_VALIDATION_FAILED', data: Buffer.from(JSON.stringify({ userId: 'nope' })), attributes: attributesOf(valid) },
      {
        case: 'UNSUPPORTED_CONTENT_TYPE',
        data: Buffer.from('{}'),
        attributes: { ...attributesOf(valid), 'ce-datacontenttype': 'text/plain', googclient_schemarevisionid: 'rev-1', googclient_schemaencoding: 'JSON' },
      },
    ];
    for (const message of raw) await transport.publish(topic, { data: message.data, attributes: message.attributes });
    await publisher.publish(valid);
    await waitUntil(() => deadLetters.length === raw.length && handled.length === 1, 'dead letters and the good message');
    expect(deadLetters.map((message) => message.attributes[DEAD_LETTER_ATTRIBUTES.errorCode]).sort()).toEqual(raw.map((message) => message.case).sort());
    for (const letter of deadLetters) {
      expect(letter.attributes[DEAD_LETTER_ATTRIBUTES.reason]!.length).toBeGreaterThan(0);
      expect(letter.attributes[DEAD_LETTER_ATTRIBUTES.sourceSubscription]).toBe(handle.subscription);
      expect(letter.attributes[DEAD_LETTER_ATTRIBUTES.sourceTopic]).toBe(handle.topic);
    }
    const unsupported = deadLetters.find((message) => message.attributes[DEAD_LETTER_ATTRIBUTES.errorCode] === 'UNSUPPORTED_CONTENT_TYPE')!;
    expect(unsupported.attributes).toMatchObject({ [DEAD_LETTER_ATTRIBUTES.sourceSchemaRevisionId]: 'rev-1', [DEAD_LETTER_ATTRIBUTES.sourceSchemaEncoding]: 'JSON' });
    expect(Object.keys(unsupported.attributes).filter((key) => key.startsWith('goog'))).toEqual([]);
    const validation = deadLetters.find((message) => message.attributes[DEAD_LETTER_ATTRIBUTES.errorCode] === 'EVENT_VALIDATION_FAILED');
    expect(validation!.attributes[DEAD_LETTER_ATTRIBUTES.reason]).toContain("'/userId'");
    expect(validation!.data.toString()).toBe(JSON.stringify({ userId: 'nope' }));
    expect(handled.map((event) => event.eventId)).toEqual([valid.eventId]);
    expect(handle.stats).toMatchObject({ received: 7, handled: 1, deadLettered: 6, invalid: 4, unknown: 2, acked: 7 });
    await subscriber.close();
  });

  it('acks other known event types on the same topic without handling them (client-side filter)', async () => {
    const { publisher, subscriber, topicPrefix } = setup();
    const handled: string[] = [];
    const topic = `${topicPrefix}.shared`;
    const handle = await subscriber.subscribe({ eventType: 'user.created', topic, handler: (event) => void handled.push(event.eventType) });
    await publisher.publish(exampleEvent(catalog, 'document.processed', 'd-1'), { topic });
    await publisher.publish(exampleEvent(catalog, 'user.created', 'u-4'), { topic });
    await waitUntil(() => handle.stats.acked === 2, 'both acks');
    expect(handled).toEqual(['user.created']);
    expect(handle.stats).toMatchObject({ filtered: 1, handled: 1 });
    await subscriber.close();
  });

  it('runs one handler at a time per ordering key, in order, across random failures', async () => {
    const { publisher, subscriber } = setup();
    const keys = ['k1', 'k2', 'k3', 'k4'];
    const perKey = 25;
    const running = new Map<string, number>();
    const handledSeq = new Map<string, number[]>();
    let overlaps = 0;
    let outOfOrder = 0;
    let random = 42;
    const flaky = (): boolean => {
      random = (random * 1103515245 + 12345) % 2 ** 31;
      return random % 5 === 0;
    };
    const handle = await subscriber.subscribe({
      eventType: 'conversation.turn_completed',
      maxDeliveryAttempts: 100,
      handler: async (event) => {
        const key = event.aggregateId;
        const seq = Number(event.metadata.seq);
        if ((running.get(key) ?? 0) > 0) overlaps += 1;
        running.set(key, (running.get(key) ?? 0) + 1);
        try {
          await new Promise((resolve) => setTimeout(resolve, 1));
          const done = handledSeq.get(key) ?? [];
          if (seq !== done.length) outOfOrder += 1;
          if (flaky()) throw new Error('flaky');
          done.push(seq);
          handledSeq.set(key, done);
        } finally {
          running.set(key, running.get(key)! - 1);
        }
      },
    });
    const events = [];
    for (let seq = 0; seq < perKey; seq++) {
      for (const key of keys) events.push(exampleEvent(catalog, 'conversation.turn_completed', key, { metadata: { seq: String(seq) } }));
    }
    await publisher.publishMany(events);
    await waitUntil(() => handle.stats.handled === events.length, 'every event handled');
    expect(overlaps).toBe(0);
    expect(outOfOrder).toBe(0);
    for (const key of keys) expect(handledSeq.get(key)).toEqual(Array.from({ length: perKey }, (_, i) => i));
    // The failures were retried in process: nothing nacked, one delivery per event.
    expect(handle.stats.handlerErrors).toBeGreaterThan(0);
    expect(handle.stats).toMatchObject({ nacked: 0, received: events.length, acked: events.length });
    await subscriber.close();
  });

  it('close() waits for in-flight handlers', async () => {
    const { publisher, subscriber } = setup();
    let finished = false;
    let started = false;
    const handle = await subscriber.subscribe({
      eventType: 'user.created',
      handler: async () => {
        started = true;
        await new Promise((resolve) => setTimeout(resolve, 100));
        finished = true;
      },
    });
    await publisher.publish(exampleEvent(catalog, 'user.created', 'u-5'));
    await waitUntil(() => started, 'the handler to start');
    expect(subscriber.stats.inFlight).toBe(1);
    await subscriber.close();
    expect(finished).toBe(true);
    expect(handle.stats.acked).toBe(1);
  });

  it('shares one in-process transport between a publisher and a subscriber by default', async () => {
    const env = {};
    const topicPrefix = uniqueName('shared');
    const publisher = new EventPublisher({ catalog, topicPrefix, env });
    const subscriber = new EventSubscriber({ catalog, topicPrefix, subscriptionPrefix: uniqueName('s'), env });
    expect(publisher.transport.kind).toBe('in-process');
    expect(subscriber.transport).toBe(publisher.transport);
    const seen: string[] = [];
    const handle = await subscriber.subscribe({ eventType: 'face_model.created', handler: (event) => void seen.push(event.eventId) });
    const event = exampleEvent(catalog, 'face_model.created', 'f-1');
    await publisher.publish(event);
    await waitUntil(() => handle.stats.handled === 1, 'the event');
    expect(seen).toEqual([event.eventId]);
    await subscriber.close();
    await publisher.close();
  });
});
