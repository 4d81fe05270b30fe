/**
 * End to end on Google's Pub/Sub emulator: typed publish and subscribe through the runtime,
 * ordering under redelivery, dead letters, and counts that show nothing is lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EventPublisher as RuntimeEventPublisher,
  EventSubscriber as RuntimeEventSubscriber,
  EventValidationError,
  PubSubTransport,
  createAvroCodec,
  idempotent,
  type AnyEventEnvelope,
  type DeliveryContext,
  type EventCatalog,
  type ReceivedMessage,
  type TransportSubscription,
} from '../../runtime/index.js';
import { lookupEventVersion } from '../../runtime/catalog.js';
import { deadLetterSubscriptionIdFor } from '../../runtime/config.js';
import { DEAD_LETTER_ATTRIBUTES } from '../../runtime/subscriber/dead-letter.js';
import { createPubSubClient } from '../../runtime/transport/pubsub.js';
// The generated SDK: bound EventPublisher/EventSubscriber (catalog filled in), createEvent, createBus, types.
import {
  EventPublisher,
  EventSubscriber,
  catalog as generatedCatalog,
  createBus,
  createEvent,
  type AnyVersionEventMap,
  type UserCreatedEvent,
} from '../../generated/index.js';
import { examplePayload, exampleEvent } from './support/examples.js';
import { uniqueName, waitUntil } from './support/wait.js';

/** Ordered subscriptions with a zero backoff redeliver within ~150 ms on the emulator (a longer one rounds up to ~2 s). */
const FAST_RETRY = { minimumBackoffSeconds: 0, maximumBackoffSeconds: 0 };

let catalog: EventCatalog;
let transport: PubSubTransport;
const streams: TransportSubscription[] = [];
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  catalog = generatedCatalog;
  transport = new PubSubTransport({ projectId: process.env.GCP_PROJECT_ID! });
});

afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await Promise.all(streams.map((stream) => stream.close()));
  await transport.close();
});

/** Names for one test, so tests share the emulator without seeing each other. */
function names() {
  return { topicPrefix: uniqueName('e2e'), subscriptionPrefix: uniqueName('e2e-sub'), deadLetterTopic: uniqueName('e2e-dlq') };
}

function bus(options: { enableOrdering?: boolean } = {}) {
  const n = names();
  // Untyped runtime classes over the generated catalog: these tests build events dynamically.
  const publisher = new RuntimeEventPublisher({ catalog, transport, topicPrefix: n.topicPrefix, enableOrdering: options.enableOrdering ?? true });
  const subscriber = new RuntimeEventSubscriber({
    catalog,
    transport,
    topicPrefix: n.topicPrefix,
    subscriptionPrefix: n.subscriptionPrefix,
    deadLetterTopic: n.deadLetterTopic,
    retryPolicy: FAST_RETRY,
    ackDeadlineSeconds: 10,
    onError: () => undefined,
  });
  closers.push(() => subscriber.close(), () => publisher.close());
  return { ...n, publisher, subscriber };
}

/** Reads the dead-letter topic through the subscription the subscriber keeps on it. */
function readDeadLetters(deadLetterTopic: string): ReceivedMessage[] {
  const letters: ReceivedMessage[] = [];
  streams.push(
    transport.subscribe(deadLetterSubscriptionIdFor(deadLetterTopic), (message) => {
      letters.push(message);
      message.ack();
    }),
  );
  return letters;
}

describe('runtime on the Pub/Sub emulator', () => {
  it('runs the spec snippet as written, with the generated SDK', async () => {
    const topicPrefix = uniqueName('spec');
    const publisher = new EventPublisher({ projectId: 'your-gcp-project', topicPrefix: topicPrefix, enableOrdering: true });
    // A unique 'clone-sub…' prefix: other suites may share this emulator.
    const subscriber = new EventSubscriber({ projectId: 'your-gcp-project', topicPrefix, subscriptionPrefix: uniqueName('clone-sub'), onError: () => undefined });
    closers.push(() => subscriber.close(), () => publisher.close());
    expect(publisher.transport.kind).toBe('pubsub');
    const received: AnyVersionEventMap['user.created'][] = [];
    await subscriber.subscribe({
      eventType: 'user.created',
      handler: async (event: AnyVersionEventMap['user.created']) => {
        received.push(event);
      },
      deadLetterTopic: uniqueName('clone-dead-letter'),
      maxDeliveryAttempts: 5,
    });
    const userId = '6f1c2b9e-3d4a-4c8e-9f21-7a5b0c3d2e10';
    const [email, name] = ['ada@example.com', 'Ada'];
    const event = createEvent<UserCreatedEvent>('user.created', userId, 'user', { userId, email, name, subscriptionTier: 'free' });
    const messageId = await publisher.publish(event);
    expect(messageId).toMatch(/\S+/);
    await waitUntil(() => received.length === 1, 'the user.created event');
    expect(received[0]).toEqual(event);
  });

  it('publishes and receives every one of the ten event types through the typed facade, validated', async () => {
    const n = names();
    const publisher = new EventPublisher({ transport, topicPrefix: n.topicPrefix, enableOrdering: true });
    const subscriber = new EventSubscriber({ transport, ...n, retryPolicy: FAST_RETRY, onError: () => undefined });
    closers.push(() => subscriber.close(), () => publisher.close());
    const bus = createBus({ publisher, subscriber });
    const received = new Map<string, [AnyEventEnvelope, DeliveryContext]>();
    const keep = (event: AnyEventEnvelope, context: DeliveryContext): void => void received.set(event.eventType, [event, context]);
    await Promise.all([
      bus.on.userCreated(keep),
      bus.on.voiceModelTrained(keep),
      bus.on.voiceModelTrainingFailed(keep),
      bus.on.documentProcessed(keep),
      bus.on.documentProcessingFailed(keep),
      bus.on.faceModelCreated(keep),
      bus.on.faceModelCreationFailed(keep),
      bus.on.conversationStarted(keep),
      bus.on.conversationTurnCompleted(keep),
      bus.on.conversationEnded(keep),
    ]);
    const example = <T>(eventType: string): T => examplePayload(catalog, eventType) as T;
    const meta = { correlationId: 'flow-1', metadata: { producer: 'e2e' } };
    const ids = new Map<string, string>([
      ['user.created', await bus.publish.userCreated(example('user.created'), { aggregateId: 'u-1', ...meta })],
      ['voice_model.trained', await bus.publish.voiceModelTrained(example('voice_model.trained'), { aggregateId: 'vm-1', ...meta })],
      ['voice_model.training_failed', await bus.publish.voiceModelTrainingFailed(example('voice_model.training_failed'), { aggregateId: 'vm-2', ...meta })],
      ['document.processed', await bus.publish.documentProcessed(example('document.processed'), { aggregateId: 'd-1', ...meta })],
      ['document.processing_failed', await bus.publish.documentProcessingFailed(example('document.processing_failed'), { aggregateId: 'd-2', ...meta })],
      ['face_model.created', await bus.publish.faceModelCreated(example('face_model.created'), { aggregateId: 'f-1', ...meta })],
      ['face_model.creation_failed', await bus.publish.faceModelCreationFailed(example('face_model.creation_failed'), { aggregateId: 'f-2', ...meta })],
      ['conversation.started', await bus.publish.conversationStarted(example('conversation.started'), { aggregateId: 'c-1', ...meta })],
      ['conversation.turn_completed', await bus.publish.conversationTurnCompleted(example('conversation.turn_completed'), { aggregateId: 'c-1', ...meta })],
      ['conversation.ended', await bus.publish.conversationEnded(example('conversation.ended'), { aggregateId: 'c-1', ...meta })],
    ]);
    expect(ids.size).toBe(10);
    await waitUntil(() => received.size === 10, 'all ten event types');
    for (const [eventType, id] of ids) {
      const [event, context] = received.get(eventType)!;
      const entry = catalog.events[eventType]!;
      expect(event).toMatchObject({ eventType, eventVersion: entry.currentVersion, aggregateType: entry.aggregateType, correlationId: 'flow-1', metadata: { producer: 'e2e' } });
      expect(event.payload).toEqual(examplePayload(catalog, eventType));
      expect(entry.versions[entry.currentVersion]!.validate(event.payload)).toEqual({ valid: true });
      expect(context).toMatchObject({ messageId: id, deliveryAttempt: 1 });
      expect(context.attributes['ce-dataschema']).toBe(entry.versions[entry.currentVersion]!.schemaId);
    }
    expect(subscriber.stats).toMatchObject({ handled: 10, deadLettered: 0, invalid: 0 });
  });

  it('holds per-aggregate order across 1,000 events on 20 keys with redeliveries', async () => {
    const { publisher, subscriber } = bus();
    const keys = Array.from({ length: 20 }, (_, i) => `session-${i}`);
    const perKey = 50;
    const succeeded = new Map<string, number[]>(keys.map((key) => [key, []]));
    const running = new Set<string>();
    let overlaps = 0;
    let outOfOrder = 0;
    let failures = 0;
    let duplicates = 0;
    let seed = 7;
    const fails = (): boolean => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % 10 === 0; // about one attempt in ten fails
    };
    const handle = await subscriber.subscribe({
      eventType: 'conversation.turn_completed',
      maxDeliveryAttempts: 50,
      handler: idempotent(
        async (event) => {
          const key = event.aggregateId;
          if (running.has(key)) overlaps += 1;
          running.add(key);
          try {
            const done = succeeded.get(key)!;
            if (Number(event.metadata.seq) !== done.length) outOfOrder += 1;
            await new Promise((resolve) => setImmediate(resolve));
            if (fails()) {
              failures += 1;
              throw new Error('transient failure');
            }
            done.push(Number(event.metadata.seq));
          } finally {
            running.delete(key);
          }
        },
        { onDuplicate: () => void (duplicates += 1) },
      ),
    });
    const events: AnyEventEnvelope[] = [];
    for (let seq = 0; seq < perKey; seq++) {
      for (const key of keys) events.push(exampleEvent(catalog, 'conversation.turn_completed', key, { metadata: { seq: String(seq) } }));
    }
    await publisher.publishMany(events);
    await waitUntil(() => [...succeeded.values()].every((done) => done.length === perKey), '1,000 events handled', 100_000);
    expect(failures).toBeGreaterThan(0);
    expect(overlaps).toBe(0);
    expect(outOfOrder).toBe(0);
    for (const key of keys) expect(succeeded.get(key)).toEqual(Array.from({ length: perKey }, (_, i) => i));
    const stats = handle.stats;
    expect(stats.handled).toBe(1000 + duplicates);
    // Ordered: each failure was retried in process (decision 0086), none nacked.
    expect(stats.handlerErrors).toBe(failures);
    expect(stats.nacked).toBe(0);
    expect(stats.deadLettered).toBe(0);
  });

  it('dead-letters a message whose handler always throws after maxDeliveryAttempts, with its attempt count', async () => {
    const { publisher, subscriber, deadLetterTopic } = bus();
    const attempts: number[] = [];
    const handle = await subscriber.subscribe({
      eventType: 'voice_model.training_failed',
      maxDeliveryAttempts: 5,
      handler: (_event, context) => {
        attempts.push(context.deliveryAttempt);
        throw new Error('model store unavailable');
      },
    });
    const letters = readDeadLetters(deadLetterTopic);
    const event = exampleEvent(catalog, 'voice_model.training_failed', 'vm-poison');
    await publisher.publish(event);
    await waitUntil(() => letters.length === 1, 'the dead letter');
    expect(attempts).toEqual([1, 2, 3, 4, 5]);
    expect(letters[0]!.attributes).toMatchObject({
      'ce-id': event.eventId,
      'ce-type': 'voice_model.training_failed',
      [DEAD_LETTER_ATTRIBUTES.errorCode]: 'HANDLER_FAILED',
      [DEAD_LETTER_ATTRIBUTES.deliveryAttempt]: '5',
      [DEAD_LETTER_ATTRIBUTES.sourceSubscription]: handle.subscription,
    });
    expect(letters[0]!.attributes[DEAD_LETTER_ATTRIBUTES.reason]).toContain('model store unavailable');
    // The dead letter keeps the bytes as published: Avro JSON, as the registry binds the topic.
    expect(letters[0]!.attributes['ce-datacontenttype']).toMatch(/avro/);
    const writer = lookupEventVersion(catalog, event.eventType, event.eventVersion);
    expect(createAvroCodec('avro-json').decode(writer, letters[0]!.data)).toEqual(event.payload);
  });

  it('refuses an invalid payload at publish and sends nothing', async () => {
    const { publisher, subscriber } = bus();
    const handled: string[] = [];
    await subscriber.subscribe({ eventType: 'document.processing_failed', handler: (event) => void handled.push(event.eventId) });
    const good = exampleEvent(catalog, 'document.processing_failed', 'doc-1');
    const bad = { ...good, eventId: 'bad', payload: { ...(good.payload as object), stage: 'teleport' } };
    const error = await publisher.publish(bad).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EventValidationError);
    expect((error as EventValidationError).issues.map((issue) => issue.instancePath)).toContain('/stage');
    await publisher.publish(good);
    await waitUntil(() => handled.length === 1, 'the good event');
    expect(handled).toEqual([good.eventId]);
  });

  it('dead-letters raw malformed bytes with a reason while good messages keep flowing, and counts every message', async () => {
    const { publisher, subscriber, topicPrefix, deadLetterTopic } = bus();
    const handled = new Set<string>();
    const handle = await subscriber.subscribe({
      eventType: 'conversation.started',
      handler: (event) => {
        if (event.aggregateId === 'poison') throw new Error('never works');
        handled.add(event.eventId);
      },
    });
    const letters = readDeadLetters(deadLetterTopic);
    // Raw bytes through the plain client, as a misbehaving producer would send them.
    const raw = createPubSubClient({ projectId: process.env.GCP_PROJECT_ID! });
    const rawTopic = raw.topic(`${topicPrefix}.conversation.started`);
    const publishedGood: string[] = [];
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < 30; i++) {
      const event = exampleEvent(catalog, 'conversation.started', `conv-${i % 5}`);
      publishedGood.push(event.eventId);
      sends.push(publisher.publish(event));
      if (i % 10 === 0) {
        sends.push(rawTopic.publishMessage({ data: Buffer.from('\u0000\u0001 not json'), attributes: { 'ce-type': 'conversation.started' } }));
        sends.push(
          rawTopic.publishMessage({
            data: Buffer.from('{"truncated":'),
            attributes: {
              'ce-specversion': '1.0',
              'ce-id': `raw-${i}`,
              'ce-type': 'conversation.started',
              'ce-source': 'test',
              'ce-time': new Date().toISOString(),
              'ce-subject': 'conv-raw',
              'ce-eventversion': '1',
              'ce-aggregatetype': 'conversation_session',
            },
          }),
        );
      }
    }
    const poison = exampleEvent(catalog, 'conversation.started', 'poison');
    sends.push(publisher.publish(poison));
    await Promise.all(sends);
    await raw.close();
    const malformed = 6;
    const total = publishedGood.length + malformed + 1;
    await waitUntil(() => handled.size === publishedGood.length && letters.length === malformed + 1, 'every message handled or dead-lettered', 60_000);
    // None lost: every published message was handled or is in the dead-letter topic.
    expect(handled.size + letters.length).toBe(total);
    expect([...handled].sort()).toEqual([...publishedGood].sort());
    const codes = letters.map((letter) => letter.attributes[DEAD_LETTER_ATTRIBUTES.errorCode]).sort();
    expect(codes).toEqual(['HANDLER_FAILED', 'MISSING_ATTRIBUTES', 'MISSING_ATTRIBUTES', 'MISSING_ATTRIBUTES', 'PAYLOAD_DECODE_FAILED', 'PAYLOAD_DECODE_FAILED', 'PAYLOAD_DECODE_FAILED']);
    for (const letter of letters) {
      expect(letter.attributes[DEAD_LETTER_ATTRIBUTES.reason]).toMatch(/\S/);
      expect(letter.attributes[DEAD_LETTER_ATTRIBUTES.sourceSubscription]).toBe(handle.subscription);
    }
    const stats = handle.stats;
    expect(stats.deadLettered).toBe(malformed + 1);
    expect(stats.invalid).toBe(malformed);
    expect(stats.handled).toBeGreaterThanOrEqual(publishedGood.length);
    expect(stats.received).toBe(stats.acked + stats.nacked);
  });
});
