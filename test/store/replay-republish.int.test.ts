/** Republishing a time range to a replay topic on the emulator, counted on its subscription. */
import { randomUUID } from 'node:crypto';
import { Duration, PubSub, type Message, type Subscription } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventPublisher, EventReplayer, type EventCatalog } from '../../runtime/index.js';
import { EventStore, type PostgresEventStoreBackend } from '../../runtime/store/index.js';
import {
  storeTestCatalog,
  turnCompleted,
  turnCompletedV1,
  type TestEventMap,
  type TestVersionedEventMap,
} from './support/fixtures.js';
import { dropSchema, openTestBackend, randomSchemaName } from './support/postgres.js';

const schema = randomSchemaName('store_replay');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('EventReplayer.republishTimeRange (PostgreSQL + Pub/Sub emulator)', () => {
  let catalog: EventCatalog;
  let backend: PostgresEventStoreBackend;
  let pubsub: PubSub;
  let subscription: Subscription;
  const replayTopic = `store-replay-${randomUUID()}`;
  const received: { eventId: string; version: string; subject: string }[] = [];

  beforeAll(async () => {
    catalog = await storeTestCatalog();
    backend = await openTestBackend(schema);
    pubsub = new PubSub({ projectId: process.env.GCP_PROJECT_ID });
    const [topic] = await pubsub.createTopic(replayTopic);
    await topic.createSubscription(`${replayTopic}-sub`);
    subscription = pubsub.subscription(`${replayTopic}-sub`, {
      closeOptions: { behavior: 'NACK', timeout: Duration.from({ milliseconds: 2000 }) },
    });
    subscription.on('message', (message: Message) => {
      received.push({
        eventId: message.attributes['ce-id'] ?? '',
        version: message.attributes['ce-eventversion'] ?? '',
        subject: message.attributes['ce-subject'] ?? '',
      });
      message.ack();
    });
    subscription.on('error', () => undefined);
  });
  afterAll(async () => {
    await subscription?.close().catch(() => undefined);
    await pubsub
      ?.topic(replayTopic)
      .delete()
      .catch(() => undefined);
    await pubsub?.close();
    await backend?.close();
    await dropSchema(schema);
  });

  it('publishes every event of the range, upcast, and nothing outside it', async () => {
    const eventStore = new EventStore<TestEventMap>({ catalog, backend });
    const sessionId = randomUUID();
    const stream = { aggregateType: 'conversation_session', aggregateId: sessionId };
    const inRange = [3, 4, 5].map((day) =>
      turnCompleted(catalog, sessionId, day, { occurredAt: new Date(Date.UTC(2024, 0, day)) }),
    );
    await eventStore.appendToStream(stream, inRange);
    const legacy = { ...turnCompletedV1(sessionId, 6), occurredAt: new Date(Date.UTC(2024, 0, 6)).toISOString() };
    await backend.appendToStream(stream, [legacy], { expectedVersion: 3, outbox: false });
    await eventStore.appendEvent(turnCompleted(catalog, sessionId, 40, { occurredAt: new Date(Date.UTC(2024, 2, 1)) }));

    const replayer = new EventReplayer<TestEventMap, TestVersionedEventMap>({
      catalog,
      backend,
      replayTopic,
      replaySubscription: `${replayTopic}-sub`,
      upcasters: { 'conversation.turn_completed': { 1: (v1) => ({ ...v1, responseModel: 'legacy' }) } },
    });
    const publisher = new EventPublisher({ catalog, projectId: process.env.GCP_PROJECT_ID });
    const progress: number[] = [];
    const result = await replayer.republishTimeRange(new Date('2024-01-01'), new Date('2024-01-31'), {
      publisher,
      aggregateId: sessionId,
      onProgress: (p) => progress.push(p.processed),
    });
    await publisher.close();
    expect(result).toMatchObject({ processed: 4, total: 4 });
    expect(progress.at(-1)).toBe(4);

    const expected = [...inRange.map((event) => event.eventId), legacy.eventId];
    for (let i = 0; i < 400 && received.length < expected.length; i++) await sleep(50);
    await sleep(300); // anything outside the range would have arrived with the rest
    expect(new Set(received.map((message) => message.eventId))).toEqual(new Set(expected));
    expect(received.every((message) => message.version === '2' && message.subject === sessionId)).toBe(true);
  });
});
