/**
 * The relay against the publisher port on SQLite. The emulator version, with a relay process
 * killed between commit and publish, is outbox-crash.int.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { EventStore, OutboxRelay, openSqliteBackend, type SqliteEventStoreBackend } from '../../runtime/store/index.js';
import type { AnyEventEnvelope, EventCatalog, EventPublisherPort, PublishOptions } from '../../runtime/index.js';
import { storeTestCatalog, turns, type TestEventMap } from './support/fixtures.js';

/** Records what the relay hands the port; can be told to fail. */
class RecordingPublisher implements EventPublisherPort {
  readonly published: { event: AnyEventEnvelope; topic: string | undefined }[] = [];
  failWhen: (event: AnyEventEnvelope) => boolean = () => false;

  async publish(event: AnyEventEnvelope, options?: PublishOptions): Promise<string> {
    await Promise.resolve();
    if (this.failWhen(event)) throw new Error(`broker refused ${event.eventId}`);
    this.published.push({ event, topic: options?.topic });
    return String(this.published.length);
  }
}

describe('OutboxRelay (SQLite, publisher port)', () => {
  let catalog: EventCatalog;
  let backend: SqliteEventStoreBackend;
  let eventStore: EventStore<TestEventMap>;

  beforeAll(async () => {
    catalog = await storeTestCatalog();
    backend = await openSqliteBackend(':memory:');
    eventStore = new EventStore<TestEventMap>({ catalog, backend, eventStoreTopic: 'clone-event-store-test' });
  });
  afterAll(async () => {
    await backend.close();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('publishes every appended event once, in append order, as the envelope that was stored', async () => {
    const sessionId = randomUUID();
    const events = turns(catalog, sessionId, 7);
    await eventStore.appendToStream(
      { aggregateType: 'conversation_session', aggregateId: sessionId },
      events.slice(0, 3),
    );
    await eventStore.appendToStream({ aggregateType: 'conversation_session', aggregateId: sessionId }, events.slice(3));
    const publisher = new RecordingPublisher();
    const relay = new OutboxRelay({ store: eventStore, publisher, batchSize: 4 });
    expect(relay.topic).toBe('clone-event-store-test');
    // Lag is measured from the oldest event's recordedAt: relay 2.5 s (of the clock) after it.
    const { oldestPendingRecordedAt } = await relay.stats();
    expect(oldestPendingRecordedAt).not.toBeNull();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.parse(oldestPendingRecordedAt!) + 2_500);
    expect(await relay.drain()).toBe(7);
    expect(publisher.published.map(({ event }) => event)).toEqual(events);
    expect(publisher.published.every(({ topic }) => topic === 'clone-event-store-test')).toBe(true);
    expect(await relay.drain()).toBe(0);
    const metrics = relay.metrics();
    expect(metrics).toMatchObject({ batches: 2, claimed: 7, published: 7, failed: 0, retried: 0 });
    expect(metrics.maxLagMilliseconds).toBe(2_500);
    expect(await relay.stats()).toMatchObject({ pending: 0, sent: 7, lagMilliseconds: 0 });
  });

  it('keeps failed publishes in the outbox and retries them; nothing is lost', async () => {
    const sessionId = randomUUID();
    const events = turns(catalog, sessionId, 5);
    await eventStore.appendToStream({ aggregateType: 'conversation_session', aggregateId: sessionId }, events);
    const publisher = new RecordingPublisher();
    const refused = new Set([events[1]!.eventId, events[3]!.eventId]);
    publisher.failWhen = (event) => refused.has(event.eventId);
    const errors: unknown[] = [];
    const relay = new OutboxRelay({ store: backend, publisher, topic: 't', onError: (error) => errors.push(error) });
    expect(await relay.relayOnce()).toEqual({ claimed: 5, published: 3, failed: 2 });
    expect(errors).toHaveLength(1);
    const pending = await relay.stats();
    expect(pending.pending).toBe(2);
    // The lag is the age of the oldest pending event: 4 s of the clock after it was recorded.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.parse(pending.oldestPendingRecordedAt!) + 4_000);
    expect(await relay.stats()).toMatchObject({ pending: 2, lagMilliseconds: 4_000, oldestPendingRecordedAt: pending.oldestPendingRecordedAt });
    vi.useRealTimers();

    publisher.failWhen = () => false;
    expect(await relay.relayOnce()).toEqual({ claimed: 2, published: 2, failed: 0 });
    expect(relay.metrics()).toMatchObject({ published: 5, failed: 2, retried: 2 });
    expect(new Set(publisher.published.map(({ event }) => event.eventId))).toEqual(
      new Set(events.map((event) => event.eventId)),
    );
  });

  it('after a crash between commit and publish, a new relay publishes what the dead one claimed', async () => {
    const sessionId = randomUUID();
    const events = turns(catalog, sessionId, 4);
    await eventStore.appendToStream({ aggregateType: 'conversation_session', aggregateId: sessionId }, events);
    // The dead relay: claimed (short lease) and never published nor marked.
    const claimedByDeadRelay = await backend.claimOutbox({ limit: 100, leaseMs: 1 });
    expect(claimedByDeadRelay).toHaveLength(4);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const publisher = new RecordingPublisher();
    const relay = new OutboxRelay({ store: backend, publisher, topic: 't' });
    expect(await relay.drain()).toBe(4);
    expect(publisher.published.map(({ event }) => event.eventId)).toEqual(events.map((event) => event.eventId));
    expect(relay.metrics().retried).toBe(4);
  });

  it('runs in the background until stopped', async () => {
    const publisher = new RecordingPublisher();
    const relay = new OutboxRelay({ store: backend, publisher, topic: 't', pollIntervalMilliseconds: 5 });
    relay.start();
    const sessionId = randomUUID();
    await eventStore.appendToStream(
      { aggregateType: 'conversation_session', aggregateId: sessionId },
      turns(catalog, sessionId, 3),
    );
    while ((await relay.stats()).pending > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await relay.stop();
    expect(publisher.published.map(({ event }) => event.aggregateId)).toEqual([sessionId, sessionId, sessionId]);
  });

  it('writes no outbox rows when the store has no event-store topic and outbox is not asked for', async () => {
    const quiet = new EventStore<TestEventMap>({ catalog, backend });
    const before = await backend.outboxStats();
    const sessionId = randomUUID();
    await quiet.appendToStream(
      { aggregateType: 'conversation_session', aggregateId: sessionId },
      turns(catalog, sessionId, 2),
    );
    expect(await backend.outboxStats()).toEqual(before);
  });
});
