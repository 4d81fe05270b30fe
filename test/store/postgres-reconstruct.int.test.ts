/**
 * Folding a long stream on PostgreSQL, where aggregateStream asks for the next pages of 1,000
 * while it folds the current one (event-store.ts, decision 0162): the same state, version and
 * count as a fold over readStream, for streams ending inside a page and exactly at a page's end;
 * a reducer that throws rejects with its own error and leaves no unhandled rejection behind.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStore, NO_STREAM, type PostgresEventStoreBackend, type StoredEvent } from '../../runtime/store/index.js';
import type { EventCatalog } from '../../runtime/index.js';
import { storeTestCatalog, turns, type TestEventMap } from './support/fixtures.js';
import { dropSchema, openTestBackend, randomSchemaName } from './support/postgres.js';

const schema = randomSchemaName('store_fold');

describe('PostgreSQL reconstruct over several pages', () => {
  let catalog: EventCatalog;
  let backend: PostgresEventStoreBackend;
  let store: EventStore<TestEventMap>;
  beforeAll(async () => {
    catalog = await storeTestCatalog();
    backend = await openTestBackend(schema);
    store = new EventStore<TestEventMap>({ catalog, backend, snapshotInterval: 0 });
  });
  afterAll(async () => {
    await backend.close();
    await dropSchema(schema);
  });

  const appendStream = async (count: number): Promise<string> => {
    const id = randomUUID();
    for (let from = 0; from < count; from += 500) {
      await store.appendToStream(
        { aggregateType: 'conversation_session', aggregateId: id },
        turns(catalog, id, Math.min(500, count - from), from),
        from === 0 ? { expectedVersion: NO_STREAM } : {},
      );
    }
    return id;
  };
  type Fold = { versions: number[]; tokens: number };
  type SessionEvent = StoredEvent<TestEventMap['conversation.turn_completed'] | TestEventMap['conversation.started']>;
  const reducer = (state: Fold, event: SessionEvent): Fold => ({
    versions: [...state.versions.slice(-2), event.position.streamVersion],
    tokens: state.tokens + (event.eventType === 'conversation.turn_completed' ? event.payload.tokenUsage.totalTokens : 0),
  });

  for (const count of [2_500, 2_000, 1_000, 999]) {
    it(`${count} events: the state of a fold over readStream, every event once, in order`, async () => {
      const id = await appendStream(count);
      const { events } = await backend.readStream({ aggregateType: 'conversation_session', aggregateId: id });
      expect(events).toHaveLength(count);
      let seen = 0;
      const result = await store.aggregateStream(
        id,
        'conversation_session',
        (state: Fold, event: SessionEvent) => {
          seen += 1;
          expect(event.position.streamVersion).toBe(seen);
          return reducer(state, event);
        },
        { versions: [], tokens: 0 },
      );
      const expected = events.reduce(
        (state, event) => reducer(state, event as SessionEvent),
        { versions: [], tokens: 0 } as Fold,
      );
      expect(result).toEqual({ state: expected, currentVersion: count, snapshotVersion: 0, eventsApplied: count });
    });
  }

  it('a reducer that throws on the first page rejects with its error while later pages are in flight', async () => {
    const id = await appendStream(3_500);
    const failure = new Error('reducer refused event 10');
    const error = await store
      .reconstructState(
        id,
        'conversation_session',
        (state: number, event) => {
          if (event.position.streamVersion === 10) throw failure;
          return state + 1;
        },
        0,
      )
      .catch((caught: unknown) => caught);
    expect(error).toBe(failure);
    // The pages asked for ahead finish on their own; the pool is still usable afterwards.
    expect(await store.reconstructState(id, 'conversation_session', (state: number) => state + 1, 0)).toBe(3_500);
  });
});
