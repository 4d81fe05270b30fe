import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EventReplayer,
  EventStore,
  InvalidReplayRangeError,
  ReplayAbortedError,
  type AnyEventEnvelope,
  type EventCatalog,
  type EventPublisherPort,
  type PublishOptions,
  type ReplayProgress,
  type StoredEvent,
} from '../../runtime/index.js';
import {
  conversationStarted,
  storeTestCatalog,
  turnCompleted,
  turnCompletedV1,
  userCreatedV2,
  type TestEventMap,
  type TestVersionedEventMap,
} from './support/fixtures.js';

const day = 86_400_000;
const jan = (d: number, hour = 12) => new Date(Date.UTC(2024, 0, d, hour));

describe('EventReplayer (SQLite file, the spec call)', () => {
  let catalog: EventCatalog;
  let dir: string;
  let eventStore: EventStore<TestEventMap, TestVersionedEventMap>;
  let replayer: EventReplayer<TestEventMap, TestVersionedEventMap>;
  const sessions = [randomUUID(), randomUUID()];
  const userId = randomUUID();

  beforeAll(async () => {
    catalog = await storeTestCatalog();
    dir = mkdtempSync(join(tmpdir(), 'event-replayer-'));
    const sqlite = join(dir, 'events.db');
    const upcasters = {
      'conversation.turn_completed': {
        1: (v1: TestVersionedEventMap['conversation.turn_completed'][1]['payload']) => ({
          ...v1,
          responseModel: 'legacy',
        }),
      },
    };
    eventStore = new EventStore<TestEventMap, TestVersionedEventMap>({
      catalog,
      projectId: 'your-gcp-project',
      eventStoreTopic: 'clone-event-store',
      snapshotInterval: 10,
      sqlite,
      upcasters,
    });
    replayer = new EventReplayer<TestEventMap, TestVersionedEventMap>({
      catalog,
      projectId: 'your-gcp-project',
      eventStoreTopic: 'clone-event-store',
      replaySubscription: 'clone-replay',
      sqlite,
      upcasters,
    });
    // Session 0 in early January, session 1 across the month; a user in between.
    for (const [index, sessionId] of sessions.entries()) {
      const start = index === 0 ? 2 : 10;
      await eventStore.appendEvent(conversationStarted(catalog, sessionId, jan(start)));
      for (let turn = 0; turn < 4; turn++) {
        await eventStore.appendEvent(
          turnCompleted(catalog, sessionId, turn, {
            occurredAt: new Date(jan(start).getTime() + (turn + 1) * 3 * day),
          }),
        );
      }
    }
    await eventStore.appendEvent(userCreatedV2(catalog, userId, {}), { expectedVersion: 'no_stream' });
    // A legacy v1 turn, stored directly, to be upcast on replay.
    const legacy = { ...turnCompletedV1(sessions[1]!, 99), occurredAt: jan(30).toISOString() };
    await (
      await eventStore.getBackend()
    ).appendToStream({ aggregateType: 'conversation_session', aggregateId: sessions[1]! }, [legacy], {
      expectedVersion: 5,
      outbox: false,
    });
  });
  afterAll(async () => {
    await replayer.close();
    await eventStore.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('replays [from, to) in global order, upcast, with progress', async () => {
    const seen: StoredEvent<TestEventMap[keyof TestEventMap]>[] = [];
    const progress: ReplayProgress[] = [];
    const result = await replayer.replayTimeRange(
      new Date('2024-01-01'),
      new Date('2024-01-31'),
      async (event) => {
        seen.push(event);
      },
      { onProgress: (p) => progress.push(p) },
    );
    const positions = seen.map((event) => event.position.globalPosition);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    // Both sessions (5 events each) and the legacy turn of Jan 30 fall in [Jan 1, Jan 31); the user was created today.
    expect(seen).toHaveLength(11);
    expect(seen.every((event) => event.aggregateType === 'conversation_session')).toBe(true);
    const legacy = seen.find(
      (event) => event.eventType === 'conversation.turn_completed' && event.payload.turnIndex === 99,
    );
    expect(legacy).toMatchObject({ eventVersion: 2, payload: { responseModel: 'legacy' } });
    expect(result.processed).toBe(seen.length);
    expect(result.total).toBe(seen.length);
    expect(progress.at(-1)).toEqual(result);
  });

  it('filters by event type and aggregate, and reports progress per batch', async () => {
    const small = new EventReplayer<TestEventMap>({
      catalog,
      store: eventStore as unknown as EventStore<TestEventMap>,
      batchSize: 2,
    });
    const progress: number[] = [];
    const seen: string[] = [];
    await small.replayTimeRange(
      new Date('2024-01-01'),
      new Date('2025-01-01'),
      (event) => void seen.push(event.eventType),
      {
        eventTypes: ['conversation.turn_completed'],
        aggregateId: sessions[0]!,
        onProgress: (p) => progress.push(p.processed),
      },
    );
    expect(seen).toEqual(Array.from({ length: 4 }, () => 'conversation.turn_completed'));
    expect(progress).toEqual([2, 4]);
    const users: string[] = [];
    await small.replayTimeRange(new Date(0), new Date('2100-01-01'), (event) => void users.push(event.aggregateId), {
      aggregateType: 'user',
    });
    expect(users).toContain(userId);
  });

  it('stops when aborted and says how far it got', async () => {
    const controller = new AbortController();
    let handled = 0;
    const error = await replayer
      .replayTimeRange(
        new Date('2024-01-01'),
        new Date('2024-02-01'),
        () => {
          handled++;
          if (handled === 3) controller.abort();
        },
        { signal: controller.signal },
      )
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ReplayAbortedError);
    const stoppedAt = (error as ReplayAbortedError).progress;
    expect(stoppedAt.processed).toBe(3);
    // Resuming after the last processed event replays the rest, and nothing twice.
    const all: string[] = [];
    await replayer.replayTimeRange(
      new Date('2024-01-01'),
      new Date('2024-02-01'),
      (event) => void all.push(event.eventId),
    );
    const rest: string[] = [];
    await replayer.replayTimeRange(
      new Date('2024-01-01'),
      new Date('2024-02-01'),
      (event) => void rest.push(event.eventId),
      { after: stoppedAt.lastPosition },
    );
    expect(rest).toEqual(all.slice(3));
  });

  it('republishes the range to the replay topic through the publisher port', async () => {
    const published: { event: AnyEventEnvelope; topic: string | undefined }[] = [];
    const publisher: EventPublisherPort = {
      publish: async (event: AnyEventEnvelope, options?: PublishOptions) => {
        published.push({ event, topic: options?.topic });
        return String(published.length);
      },
    };
    expect(replayer.replayTopic).toBe('clone-event-store-replay');
    expect(replayer.replaySubscription).toBe('clone-replay');
    const result = await replayer.republishTimeRange(new Date('2024-01-01'), new Date('2024-01-08'), { publisher });
    expect(result.processed).toBe(published.length);
    expect(published.length).toBeGreaterThan(0);
    expect(published.every(({ topic, event }) => topic === 'clone-event-store-replay' && !('position' in event))).toBe(
      true,
    );
  });

  it('refuses an empty or inverted range', async () => {
    await expect(replayer.replayTimeRange(jan(5), jan(5), () => undefined)).rejects.toBeInstanceOf(
      InvalidReplayRangeError,
    );
    await expect(replayer.replayTimeRange(jan(6), jan(5), () => undefined)).rejects.toBeInstanceOf(
      InvalidReplayRangeError,
    );
  });
});
