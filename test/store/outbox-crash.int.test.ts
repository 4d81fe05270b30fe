/**
 * Transactional outbox, end to end on the emulator: a relay process is SIGKILLed between the
 * broker's ack and marking the rows sent; a new relay finishes the job and every appended event
 * arrives on a subscription of the event-store topic (at-least-once: duplicates allowed, losses not).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Duration, PubSub, type Message, type Subscription } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventPublisher, type EventCatalog } from '../../runtime/index.js';
import { EventStore, OutboxRelay, type PostgresEventStoreBackend } from '../../runtime/store/index.js';
import { storeTestCatalog, turns, type TestEventMap } from './support/fixtures.js';
import { databaseUrl, dropSchema, openTestBackend, randomSchemaName } from './support/postgres.js';

const schema = randomSchemaName('store_outbox');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const relayChild = fileURLToPath(new URL('./support/relay-child.ts', import.meta.url));

function runRelayChild(
  env: Record<string, string>,
): Promise<{ signal: NodeJS.Signals | null; code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', relayChild], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, output }));
  });
}

describe('transactional outbox survives a relay crash (PostgreSQL + Pub/Sub emulator)', () => {
  let catalog: EventCatalog;
  let backend: PostgresEventStoreBackend;
  let pubsub: PubSub;
  let subscription: Subscription;
  const topicId = `store-outbox-${randomUUID()}`;
  const received = new Map<string, number>();

  beforeAll(async () => {
    catalog = await storeTestCatalog();
    backend = await openTestBackend(schema);
    pubsub = new PubSub({ projectId: process.env.GCP_PROJECT_ID });
    const [topic] = await pubsub.createTopic(topicId);
    await topic.createSubscription(`${topicId}-count`);
    subscription = pubsub.subscription(`${topicId}-count`, {
      closeOptions: { behavior: 'NACK', timeout: Duration.from({ milliseconds: 2000 }) },
    });
    subscription.on('message', (message: Message) => {
      const eventId = message.attributes['ce-id'] ?? '';
      received.set(eventId, (received.get(eventId) ?? 0) + 1);
      message.ack();
    });
    subscription.on('error', () => undefined); // the emulator's close-stream noise (docs/emulator-facts.md)
  });
  afterAll(async () => {
    await subscription?.close().catch(() => undefined);
    await pubsub
      ?.topic(topicId)
      .delete()
      .catch(() => undefined);
    await pubsub?.close();
    await backend?.close();
    await dropSchema(schema);
  });

  it('a relay killed between publish and mark loses nothing; the restarted relay delivers the rest', async () => {
    const eventStore = new EventStore<TestEventMap>({ catalog, backend, eventStoreTopic: topicId });
    const appended: string[] = [];
    for (let stream = 0; stream < 6; stream++) {
      const sessionId = randomUUID();
      const events = turns(catalog, sessionId, 15);
      // Two commits per stream: outbox rows are written in the events' own transactions.
      await eventStore.appendToStream(
        { aggregateType: 'conversation_session', aggregateId: sessionId },
        events.slice(0, 7),
        {
          expectedVersion: 'no_stream',
        },
      );
      await eventStore.appendToStream(
        { aggregateType: 'conversation_session', aggregateId: sessionId },
        events.slice(7),
        {
          expectedVersion: 7,
        },
      );
      appended.push(...events.map((event) => event.eventId));
    }
    expect((await backend.outboxStats()).pending).toBe(90);

    const crashed = await runRelayChild({
      DATABASE_URL: databaseUrl(),
      STORE_SCHEMA: schema,
      RELAY_TOPIC: topicId,
      CRASH_AFTER_ACKS: '40',
    });
    expect(crashed.signal, crashed.output).toBe('SIGKILL');
    // The dead relay's second batch was acked by the broker but never marked sent.
    const afterCrash = await backend.outboxStats();
    expect(afterCrash.pending).toBeGreaterThan(0);
    expect(afterCrash.pending).toBeLessThan(90);

    const publisher = new EventPublisher({ catalog, projectId: process.env.GCP_PROJECT_ID });
    const relay = new OutboxRelay({ store: eventStore, publisher, pollIntervalMilliseconds: 50 });
    relay.start();
    try {
      // Bounded wait for the dead relay's lease to lapse and the restarted relay to finish.
      for (
        let i = 0;
        i < 1200 && ((await relay.stats()).pending > 0 || appended.some((id) => !received.has(id)));
        i++
      ) {
        await sleep(50);
      }
    } finally {
      await relay.stop();
      await publisher.close();
    }

    expect(await relay.stats()).toMatchObject({ pending: 0, sent: 90 });
    const missing = appended.filter((id) => !received.has(id));
    expect(missing).toEqual([]);
    // The restarted relay re-published what the dead one had claimed: duplicates, not losses.
    expect(relay.metrics().retried).toBeGreaterThan(0);
    expect(relay.metrics().published).toBe(afterCrash.pending);
    const deliveries = [...received.values()].reduce((sum, count) => sum + count, 0);
    expect(deliveries).toBeGreaterThanOrEqual(90);
  });
});
