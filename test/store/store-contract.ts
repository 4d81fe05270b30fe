/**
 * The event-store contract (after Emmett's testAggregateStream): one suite, run against every
 * backend by store-sqlite.unit.test.ts and store-postgres.int.test.ts. Stream ids are random, so
 * backends may share a database with other tests.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ANY,
  DuplicateEventIdError,
  EventStore,
  InvalidAppendError,
  isExpectedVersionConflictError,
  MissingUpcasterError,
  NO_STREAM,
  STREAM_EXISTS,
  StoreErrorCode,
  UnknownPositionError,
  type EventStoreBackend,
  type StoredEvent,
  type StreamId,
} from '../../runtime/store/index.js';
import {
  EventValidationError,
  isEventBusError,
  type AnyEventEnvelope,
  type EventCatalog,
} from '../../runtime/index.js';
import {
  conversationStarted,
  storeTestCatalog,
  turnCompleted,
  turnCompletedV1,
  turns,
  userCreatedV1,
  userCreatedV2,
  type TestEventMap,
  type TestVersionedEventMap,
} from './support/fixtures.js';
import { untilVisible } from './support/visibility.js';
import { committedAfter } from '../../runtime/projections/events.js';

export interface StoreContractOptions {
  /** Another backend on the same database (a separate connection), for concurrency tests. */
  connectAnother: () => Promise<EventStoreBackend>;
  teardown?: () => Promise<void>;
}

const session = (): StreamId => ({ aggregateType: 'conversation_session', aggregateId: randomUUID() });

async function expectRejection<T extends Error>(
  promise: Promise<unknown>,
  type: new (...args: never[]) => T,
): Promise<T> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(type);
  return error as T;
}

interface Tally {
  turns: number;
  tokens: number;
  lastTurn: number;
}
const initialTally: Tally = { turns: 0, tokens: 0, lastTurn: -1 };
const tallyReducer = (
  state: Tally,
  event: StoredEvent<TestEventMap['conversation.turn_completed'] | TestEventMap['conversation.started']>,
): Tally =>
  event.eventType === 'conversation.turn_completed'
    ? {
        turns: state.turns + 1,
        tokens: state.tokens + event.payload.tokenUsage.totalTokens,
        lastTurn: event.payload.turnIndex,
      }
    : state;

export function runStoreContract(
  name: string,
  factory: () => Promise<EventStoreBackend>,
  options: StoreContractOptions,
): void {
  describe(`event store contract: ${name}`, () => {
    let backend: EventStoreBackend;
    let catalog: EventCatalog;
    const extraBackends: EventStoreBackend[] = [];

    beforeAll(async () => {
      catalog = await storeTestCatalog();
      backend = await factory();
    });
    afterAll(async () => {
      await Promise.all(extraBackends.map((extra) => extra.close()));
      await backend?.close();
      await options.teardown?.();
    });

    const store = (extra: { snapshotInterval?: number; upcasters?: object } = {}) =>
      new EventStore<TestEventMap, TestVersionedEventMap>({ catalog, backend, outbox: true, ...extra });

    describe('append and read a stream', () => {
      it('appends a batch atomically and reads it back in stream order with every envelope field', async () => {
        const stream = session();
        const correlationId = randomUUID();
        const events: AnyEventEnvelope[] = [
          conversationStarted(catalog, stream.aggregateId),
          turnCompleted(catalog, stream.aggregateId, 0, { correlationId }),
          turnCompleted(catalog, stream.aggregateId, 1),
        ];
        const result = await backend.appendToStream(stream, events, { expectedVersion: NO_STREAM, outbox: false });
        expect(result.nextExpectedVersion).toBe(3);

        const read = await backend.readStream(stream);
        expect(read.currentVersion).toBe(3);
        expect(read.streamExists).toBe(true);
        expect(read.events.map((event) => event.position.streamVersion)).toEqual([1, 2, 3]);
        expect(read.events.at(-1)?.position.globalPosition).toBe(result.lastGlobalPosition);
        read.events.forEach((stored, index) => {
          const { position, ...envelope } = stored;
          expect(envelope).toEqual(events[index]);
          expect(Number.isNaN(Date.parse(position.recordedAt))).toBe(false);
        });
        expect(read.events[1]?.correlationId).toBe(correlationId);
      });

      it('reads a slice by from/to version and reports the whole stream version', async () => {
        const stream = session();
        await backend.appendToStream(stream, turns(catalog, stream.aggregateId, 5), {
          expectedVersion: NO_STREAM,
          outbox: false,
        });
        const slice = await backend.readStream(stream, { from: 2, to: 4 });
        expect(slice.events.map((event) => event.position.streamVersion)).toEqual([2, 3, 4]);
        expect(slice.currentVersion).toBe(5);
        const tail = await backend.readStream(stream, { from: 5 });
        expect(tail.events.map((event) => event.payload)).toEqual([expect.objectContaining({ turnIndex: 4 })]);
      });

      it('reads a stream that does not exist as empty, at version 0', async () => {
        const read = await backend.readStream(session());
        expect(read).toEqual({ events: [], currentVersion: 0, streamExists: false });
      });

      it('continues a stream with the version the last append returned', async () => {
        const stream = session();
        const first = await backend.appendToStream(stream, turns(catalog, stream.aggregateId, 2), {
          expectedVersion: NO_STREAM,
          outbox: false,
        });
        const second = await backend.appendToStream(stream, turns(catalog, stream.aggregateId, 3, 2), {
          expectedVersion: first.nextExpectedVersion,
          outbox: false,
        });
        expect(second.nextExpectedVersion).toBe(5);
        expect(second.lastGlobalPosition).toBeGreaterThan(first.lastGlobalPosition);
      });
    });

    describe('expected versions', () => {
      const cases: {
        name: string;
        existing: number;
        expected: number | 'no_stream' | 'stream_exists' | 'any';
        ok: boolean;
      }[] = [
        { name: 'NO_STREAM on a new stream', existing: 0, expected: NO_STREAM, ok: true },
        { name: 'NO_STREAM on an existing stream', existing: 2, expected: NO_STREAM, ok: false },
        { name: 'STREAM_EXISTS on a new stream', existing: 0, expected: STREAM_EXISTS, ok: false },
        { name: 'STREAM_EXISTS on an existing stream', existing: 2, expected: STREAM_EXISTS, ok: true },
        { name: 'ANY on a new stream', existing: 0, expected: ANY, ok: true },
        { name: 'ANY on an existing stream', existing: 2, expected: ANY, ok: true },
        { name: 'the current version', existing: 2, expected: 2, ok: true },
        { name: 'a version behind', existing: 2, expected: 1, ok: false },
        { name: 'a version ahead', existing: 2, expected: 3, ok: false },
        { name: '0 on a new stream', existing: 0, expected: 0, ok: true },
      ];
      for (const testCase of cases) {
        it(`${testCase.ok ? 'accepts' : 'rejects'} ${testCase.name}${testCase.ok ? '' : ' and writes nothing'}`, async () => {
          const stream = session();
          if (testCase.existing > 0) {
            await backend.appendToStream(stream, turns(catalog, stream.aggregateId, testCase.existing), {
              expectedVersion: NO_STREAM,
              outbox: false,
            });
          }
          const append = backend.appendToStream(stream, turns(catalog, stream.aggregateId, 3, 10), {
            expectedVersion: testCase.expected,
            outbox: true,
          });
          if (testCase.ok) {
            expect((await append).nextExpectedVersion).toBe(testCase.existing + 3);
          } else {
            const error = await append.catch((caught: unknown) => caught);
            expect(isExpectedVersionConflictError(error)).toBe(true);
            expect(isEventBusError(error, StoreErrorCode.ExpectedVersionConflict)).toBe(true);
            expect(error).toMatchObject({
              currentVersion: testCase.existing,
              expectedVersion: testCase.expected,
              stream,
            });
            expect((await backend.readStream(stream)).currentVersion).toBe(testCase.existing);
          }
        });
      }
    });

    describe('rejected appends write nothing', () => {
      it('rejects an event id that is already stored, and the rest of its batch', async () => {
        const stream = session();
        const [first] = turns(catalog, stream.aggregateId, 1);
        await backend.appendToStream(stream, [first!], { expectedVersion: ANY, outbox: false });
        const batch = [...turns(catalog, stream.aggregateId, 2, 1), first!];
        const error = await expectRejection(
          backend.appendToStream(stream, batch, { expectedVersion: ANY, outbox: true }),
          DuplicateEventIdError,
        );
        expect(error.code).toBe(StoreErrorCode.DuplicateEventId);
        expect(error.eventId).toBe(first!.eventId);
        expect((await backend.readStream(stream)).currentVersion).toBe(1);
      });

      it('rejects a batch that mixes streams, an empty batch and a repeated id', async () => {
        const stream = session();
        const other = session();
        await expectRejection(
          backend.appendToStream(
            stream,
            [...turns(catalog, stream.aggregateId, 1), ...turns(catalog, other.aggregateId, 1)],
            {
              expectedVersion: ANY,
              outbox: false,
            },
          ),
          InvalidAppendError,
        );
        await expectRejection(
          backend.appendToStream(stream, [], { expectedVersion: ANY, outbox: false }),
          InvalidAppendError,
        );
        const [event] = turns(catalog, stream.aggregateId, 1);
        await expectRejection(
          backend.appendToStream(stream, [event!, event!], { expectedVersion: ANY, outbox: false }),
          InvalidAppendError,
        );
        expect((await backend.readStream(stream)).streamExists).toBe(false);
        expect((await backend.readStream(other)).streamExists).toBe(false);
      });
    });

    describe('read all in global order', () => {
      it('returns events of every stream after a cursor, each once, across pages', async () => {
        const start = await lastGlobalPosition(backend);
        const streams = [session(), session(), session()];
        const appended: string[] = [];
        for (let round = 0; round < 3; round++) {
          for (const stream of streams) {
            const batch = turns(catalog, stream.aggregateId, 2, round * 2);
            await backend.appendToStream(stream, batch, { expectedVersion: ANY, outbox: false });
            appended.push(...batch.map((event) => event.eventId));
          }
        }
        for (const stream of streams) await untilVisible(backend, { aggregateId: stream.aggregateId }, 6);
        const seen: StoredEvent[] = [];
        let after = start;
        for (;;) {
          const page = await backend.readAll({ after, limit: 4, aggregateType: 'conversation_session' });
          seen.push(...page.events);
          after = page.lastPosition;
          if (page.caughtUp) break;
        }
        const mine = seen.filter((event) => streams.some((stream) => stream.aggregateId === event.aggregateId));
        expect(mine.map((event) => event.eventId)).toEqual(appended);
        // Within a stream, global order follows stream order.
        for (const stream of streams) {
          const versions = mine
            .filter((event) => event.aggregateId === stream.aggregateId)
            .map((event) => event.position.streamVersion);
          expect(versions).toEqual([1, 2, 3, 4, 5, 6]);
        }
      });

      it('filters by event type, aggregate and occurredAt range [from, to)', async () => {
        const stream = session();
        const base = Date.UTC(2024, 0, 10);
        const day = 86_400_000;
        await backend.appendToStream(
          stream,
          [
            conversationStarted(catalog, stream.aggregateId, new Date(base)),
            turnCompleted(catalog, stream.aggregateId, 0, { occurredAt: new Date(base + day) }),
            turnCompleted(catalog, stream.aggregateId, 1, { occurredAt: new Date(base + 2 * day) }),
            turnCompleted(catalog, stream.aggregateId, 2, { occurredAt: new Date(base + 3 * day) }),
          ],
          { expectedVersion: NO_STREAM, outbox: false },
        );
        const byId = { aggregateType: stream.aggregateType, aggregateId: stream.aggregateId };
        await untilVisible(backend, byId, 4);
        const all = await backend.readAll({ ...byId });
        expect(all.events).toHaveLength(4);
        const onlyTurns = await backend.readAll({ ...byId, eventTypes: ['conversation.turn_completed'] });
        expect(onlyTurns.events.map((event) => event.position.streamVersion)).toEqual([2, 3, 4]);
        const range = await backend.readAll({
          ...byId,
          occurredFrom: new Date(base + day),
          occurredTo: new Date(base + 3 * day),
        });
        expect(range.events.map((event) => event.position.streamVersion)).toEqual([2, 3]);
        expect(await backend.countEvents({ ...byId, occurredFrom: new Date(base + day) })).toBe(3);
        expect((await backend.readAll({ ...byId, eventTypes: [] })).events).toEqual([]);
      });

      it('refuses a cursor that names no event', async () => {
        const last = await lastGlobalPosition(backend);
        await expectRejection(backend.readAll({ after: last + 1_000_000 }), UnknownPositionError);
      });
    });

    describe('snapshots', () => {
      it('keeps one snapshot per reducer version, the newest stream version winning', async () => {
        const stream = session();
        await backend.writeSnapshot({ stream, reducerVersion: 'r1', streamVersion: 10, state: { turns: 10 } });
        await backend.writeSnapshot({ stream, reducerVersion: 'r1', streamVersion: 5, state: { turns: 5 } });
        await backend.writeSnapshot({
          stream,
          reducerVersion: 'r2',
          streamVersion: 3,
          state: { turns: 3, nested: [1, { a: null }] },
        });
        expect(await backend.readSnapshot(stream, 'r1')).toMatchObject({ streamVersion: 10, state: { turns: 10 } });
        expect(await backend.readSnapshot(stream, 'r2')).toMatchObject({
          streamVersion: 3,
          state: { turns: 3, nested: [1, { a: null }] },
        });
        expect(await backend.readSnapshot(stream, 'r3')).toBeUndefined();
        await backend.writeSnapshot({ stream, reducerVersion: 'r1', streamVersion: 20, state: { turns: 20 } });
        expect(await backend.readSnapshot(stream, 'r1')).toMatchObject({ streamVersion: 20, state: { turns: 20 } });
      });
    });

    describe('outbox', () => {
      it('claims appended events in global order under a lease, and marks them sent', async () => {
        await drainOutbox(backend);
        const stream = session();
        const events = turns(catalog, stream.aggregateId, 5);
        await backend.appendToStream(stream, events, { expectedVersion: NO_STREAM, outbox: true });
        await backend
          .appendToStream(session(), turns(catalog, randomUUID(), 1), { expectedVersion: NO_STREAM, outbox: false })
          .catch(() => undefined);

        const first = await backend.claimOutbox({ limit: 3, leaseMs: 60_000 });
        expect(first.map((entry) => entry.event.eventId)).toEqual(events.slice(0, 3).map((event) => event.eventId));
        expect(first.every((entry) => entry.attempts === 1)).toBe(true);
        // Claimed entries are leased: the next claim gets the rest only.
        const second = await backend.claimOutbox({ limit: 10, leaseMs: 60_000 });
        expect(second.map((entry) => entry.event.eventId)).toEqual(events.slice(3).map((event) => event.eventId));
        expect(await backend.claimOutbox({ limit: 10, leaseMs: 60_000 })).toEqual([]);

        await backend.markOutboxSent(first.map((entry) => entry.event.position.globalPosition));
        await backend.releaseOutbox(
          second.map((entry) => entry.event.position.globalPosition),
          'publish failed: test',
        );
        const stats = await backend.outboxStats();
        expect(stats.pending).toBe(2);
        expect(stats.oldestPendingRecordedAt).not.toBeNull();

        const retried = await backend.claimOutbox({ limit: 10, leaseMs: 60_000 });
        expect(retried.map((entry) => [entry.event.eventId, entry.attempts])).toEqual(
          events.slice(3).map((event) => [event.eventId, 2]),
        );
        await backend.markOutboxSent(retried.map((entry) => entry.event.position.globalPosition));
        expect((await backend.outboxStats()).pending).toBe(0);
      });

      it('hands an entry whose lease expired to the next claimer (a relay that died)', async () => {
        await drainOutbox(backend);
        const stream = session();
        await backend.appendToStream(stream, turns(catalog, stream.aggregateId, 2), {
          expectedVersion: NO_STREAM,
          outbox: true,
        });
        const dead = await backend.claimOutbox({ limit: 10, leaseMs: 1 });
        expect(dead).toHaveLength(2);
        await new Promise((resolve) => setTimeout(resolve, 20));
        const next = await backend.claimOutbox({ limit: 10, leaseMs: 60_000 });
        expect(next.map((entry) => entry.event.eventId)).toEqual(dead.map((entry) => entry.event.eventId));
        await backend.markOutboxSent(next.map((entry) => entry.event.position.globalPosition));
      });

      it('prunes sent entries only, and keeps the events', async () => {
        await drainOutbox(backend);
        const stream = session();
        await backend.appendToStream(stream, turns(catalog, stream.aggregateId, 3), {
          expectedVersion: NO_STREAM,
          outbox: true,
        });
        const [first] = await backend.claimOutbox({ limit: 1, leaseMs: 60_000 });
        await backend.markOutboxSent([first!.event.position.globalPosition]);
        const before = await backend.outboxStats();
        expect(await backend.pruneOutbox(new Date(Date.now() - 60_000))).toBe(0);
        expect(await backend.pruneOutbox(new Date(Date.now() + 60_000))).toBe(before.sent);
        expect(await backend.outboxStats()).toMatchObject({ pending: 2, sent: 0 });
        expect((await backend.readStream(stream)).currentVersion).toBe(3);
        await drainOutbox(backend);
      });

      it('every read path returns the same stored event, keys in envelope order, recordedAt ISO 8601 with ms', async () => {
        await drainOutbox(backend);
        const stream = session();
        const first = turnCompleted(catalog, stream.aggregateId, 0, { correlationId: randomUUID() });
        // Strings JSON must escape, built by the database on read (rows.ts): quotes, backslashes, controls, U+2028.
        const awkward = 'said "hi" \\ back\\slash\ttab\nline \u2028 \u0001 é 🙂';
        const tricky: AnyEventEnvelope = {
          ...first,
          causationId: awkward,
          payload: { ...(first.payload as object), userText: awkward },
          metadata: { note: awkward, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
        };
        const plain = turnCompleted(catalog, stream.aggregateId, 1);
        let hooked: StoredEvent[] = [];
        let rowMapped: StoredEvent[] = [];
        await backend.appendToStream(stream, [tricky, plain], {
          expectedVersion: NO_STREAM,
          outbox: true,
          inTransaction: async (transaction, events) => {
            hooked = [...events];
            // The projections' row mapper (rows.ts rowToStoredEvent), in the same transaction.
            rowMapped = (
              await committedAfter(transaction, events[0]!.position.globalPosition - 1, ['conversation.turn_completed'], {
                gapSafe: false,
              })
            ).filter((event) => event.aggregateId === stream.aggregateId);
          },
        });
        const { events: read } = await backend.readStream(stream);
        await untilVisible(backend, { aggregateId: stream.aggregateId }, 2);
        const all = (await backend.readAll({ after: read[0]!.position.globalPosition - 1, aggregateId: stream.aggregateId }))
          .events;
        const claimed: StoredEvent[] = [];
        for (;;) {
          const entries = await backend.claimOutbox({ limit: 1000, leaseMs: 60_000 });
          if (entries.length === 0) break;
          await backend.markOutboxSent(entries.map((entry) => entry.event.position.globalPosition));
          claimed.push(...entries.map((entry) => entry.event).filter((event) => event.aggregateId === stream.aggregateId));
        }
        const envelopes = read.map(({ position: _position, ...envelope }) => envelope);
        expect(envelopes).toStrictEqual([tricky, plain]);
        const keys = ['eventId', 'eventType', 'eventVersion', 'aggregateId', 'aggregateType', 'occurredAt'];
        expect(Object.keys(read[0]!)).toEqual([...keys, 'correlationId', 'causationId', 'payload', 'metadata', 'position']);
        expect(Object.keys(read[1]!)).toEqual([...keys, 'payload', 'metadata', 'position']);
        for (const event of read) {
          expect(event.position.recordedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
          expect(new Date(event.position.recordedAt).toISOString()).toBe(event.position.recordedAt);
        }
        for (const other of [hooked, rowMapped, all, claimed]) {
          expect(other).toStrictEqual(read);
          expect(JSON.stringify(other)).toBe(JSON.stringify(read));
        }
      });

      it('writes no outbox rows when the append fails', async () => {
        await drainOutbox(backend);
        const stream = session();
        await backend.appendToStream(stream, turns(catalog, stream.aggregateId, 1), {
          expectedVersion: NO_STREAM,
          outbox: false,
        });
        await backend
          .appendToStream(stream, turns(catalog, stream.aggregateId, 2, 1), {
            expectedVersion: NO_STREAM,
            outbox: true,
          })
          .catch(() => undefined);
        expect((await backend.outboxStats()).pending).toBe(0);
      });
    });

    describe('EventStore on this backend', () => {
      it('validates every event against its schema version and writes nothing when one fails', async () => {
        const eventStore = store();
        const stream = session();
        const good = turnCompleted(catalog, stream.aggregateId, 0);
        const bad = { ...turnCompleted(catalog, stream.aggregateId, 1), payload: { ...good.payload, turnIndex: -1 } };
        const error = await expectRejection(eventStore.appendToStream(stream, [good, bad]), EventValidationError);
        expect(error.issues[0]?.instancePath).toBe('/turnIndex');
        expect(error.eventType).toBe('conversation.turn_completed');
        expect((await backend.readStream(stream)).streamExists).toBe(false);
      });

      it('refuses an event whose aggregate type is not its event type’s', async () => {
        const eventStore = store();
        const event = {
          ...userCreatedV2(catalog),
          aggregateType: 'conversation_session',
        } as unknown as TestEventMap['user.created'];
        await expectRejection(eventStore.appendEvent(event), InvalidAppendError);
      });

      it('appendEvent with an expected version, as the spec calls it', async () => {
        const eventStore = store();
        const user = userCreatedV2(catalog);
        expect((await eventStore.appendEvent(user)).nextExpectedVersion).toBe(1);
        const again = userCreatedV2(catalog, user.aggregateId);
        const error = await eventStore
          .appendEvent(again, { expectedVersion: NO_STREAM })
          .catch((caught: unknown) => caught);
        expect(isExpectedVersionConflictError(error)).toBe(true);
      });

      it('upcasts older stored versions to the current version on read (v1 -> v2)', async () => {
        const eventStore = store({
          upcasters: {
            'user.created': { 1: (v1: { email: string }) => ({ ...v1, locale: 'en', referralCode: null }) },
            'conversation.turn_completed': { 1: (v1: object) => ({ ...v1, responseModel: 'legacy' }) },
          },
        });
        const legacyUser = userCreatedV1();
        await backend.appendToStream({ aggregateType: 'user', aggregateId: legacyUser.aggregateId }, [legacyUser], {
          expectedVersion: NO_STREAM,
          outbox: false,
        });
        const read = await eventStore.readStream({ aggregateType: 'user', aggregateId: legacyUser.aggregateId });
        expect(read.events[0]?.eventVersion).toBe(2);
        expect(read.events[0]?.payload).toEqual({
          ...(legacyUser.payload as object),
          locale: 'en',
          referralCode: null,
        });
        // Stored as written: the backend still holds version 1.
        expect(
          (await backend.readStream({ aggregateType: 'user', aggregateId: legacyUser.aggregateId })).events[0]
            ?.eventVersion,
        ).toBe(1);

        const stream = session();
        await eventStore.appendToStream(stream, [conversationStarted(catalog, stream.aggregateId)]);
        await backend.appendToStream(stream, [turnCompletedV1(stream.aggregateId, 0, 40)], {
          expectedVersion: 1,
          outbox: false,
        });
        await eventStore.appendToStream(stream, [turnCompleted(catalog, stream.aggregateId, 1, { totalTokens: 2 })], {
          expectedVersion: 2,
        });
        const state = await eventStore.reconstructState(
          stream.aggregateId,
          'conversation_session',
          tallyReducer,
          initialTally,
        );
        expect(state).toEqual({ turns: 2, tokens: 42, lastTurn: 1 });
        await untilVisible(backend, { aggregateId: stream.aggregateId }, 3);
        const all = await eventStore.readAll({ aggregateId: stream.aggregateId });
        expect(all.events.map((event) => [event.eventType, event.eventVersion])).toEqual([
          ['conversation.started', 1],
          ['conversation.turn_completed', 2],
          ['conversation.turn_completed', 2],
        ]);
      });

      it('names the missing step when no upcaster bridges a stored version', async () => {
        const legacyUser = userCreatedV1();
        await backend.appendToStream({ aggregateType: 'user', aggregateId: legacyUser.aggregateId }, [legacyUser], {
          expectedVersion: NO_STREAM,
          outbox: false,
        });
        const error = await expectRejection(
          store().readStream({ aggregateType: 'user', aggregateId: legacyUser.aggregateId }),
          MissingUpcasterError,
        );
        expect(error).toMatchObject({ eventType: 'user.created', fromVersion: 1, currentVersion: 2 });
      });

      it('rejects an upcaster whose output does not match the current schema', async () => {
        const legacyUser = userCreatedV1();
        await backend.appendToStream({ aggregateType: 'user', aggregateId: legacyUser.aggregateId }, [legacyUser], {
          expectedVersion: NO_STREAM,
          outbox: false,
        });
        const broken = store({ upcasters: { 'user.created': { 1: (v1: object) => ({ ...v1, locale: 42 }) } } });
        const error = await expectRejection(
          broken.readStream({ aggregateType: 'user', aggregateId: legacyUser.aggregateId }),
          EventValidationError,
        );
        expect(error.issues[0]?.instancePath).toBe('/locale');
      });

      it('reconstructs the same state with and without snapshots, for any history and interval', async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 6 }),
            fc.integer({ min: 1, max: 6 }),
            async (batchSizes, interval) => {
              const withSnapshots = store({ snapshotInterval: interval });
              const withoutSnapshots = store();
              const stream = session();
              let turnIndex = 0;
              for (const size of batchSizes) {
                await withSnapshots.appendToStream(stream, turns(catalog, stream.aggregateId, size, turnIndex));
                turnIndex += size;
                // Fold after every batch, so snapshots are written and then built upon.
                const snapshotted = await withSnapshots.aggregateStream(
                  stream.aggregateId,
                  'conversation_session',
                  tallyReducer,
                  initialTally,
                );
                const plain = await withoutSnapshots.reconstructState(
                  stream.aggregateId,
                  'conversation_session',
                  tallyReducer,
                  initialTally,
                );
                expect(snapshotted.state).toEqual(plain);
                expect(snapshotted.currentVersion).toBe(turnIndex);
              }
            },
          ),
          { numRuns: 15 },
        );
      });

      it('starts from the latest snapshot and folds only later events', async () => {
        const eventStore = store({ snapshotInterval: 10 });
        const stream = session();
        await eventStore.appendToStream(stream, turns(catalog, stream.aggregateId, 25));
        const first = await eventStore.aggregateStream(
          stream.aggregateId,
          'conversation_session',
          tallyReducer,
          initialTally,
        );
        expect(first).toMatchObject({ currentVersion: 25, snapshotVersion: 0, eventsApplied: 25 });
        await eventStore.appendToStream(stream, turns(catalog, stream.aggregateId, 3, 25));
        const second = await eventStore.aggregateStream(
          stream.aggregateId,
          'conversation_session',
          tallyReducer,
          initialTally,
        );
        expect(second).toMatchObject({ currentVersion: 28, snapshotVersion: 25, eventsApplied: 3 });
        expect(second.state.turns).toBe(28);
      });

      it('never reads a snapshot written by a different reducer', async () => {
        const eventStore = store({ snapshotInterval: 2 });
        const stream = session();
        await eventStore.appendToStream(stream, turns(catalog, stream.aggregateId, 4));
        const counted = await eventStore.reconstructState(
          stream.aggregateId,
          'conversation_session',
          tallyReducer,
          initialTally,
        );
        expect(counted.turns).toBe(4);
        // Same initial state, different logic: the derived reducer version differs.
        const doubled = (state: Tally, event: StoredEvent): Tally => ({
          ...state,
          turns: state.turns + 2,
          lastTurn: event.position.streamVersion,
        });
        const result = await eventStore.aggregateStream(
          stream.aggregateId,
          'conversation_session',
          doubled,
          initialTally,
        );
        expect(result).toMatchObject({ snapshotVersion: 0, state: { turns: 8 } });
        // An explicit reducer version shared by two reducers does share the snapshot (the documented trade-off).
        await eventStore.reconstructState(stream.aggregateId, 'conversation_session', tallyReducer, initialTally, {
          reducerVersion: 'tally@1',
        });
        const shared = await eventStore.aggregateStream(
          stream.aggregateId,
          'conversation_session',
          doubled,
          initialTally,
          { reducerVersion: 'tally@1' },
        );
        expect(shared).toMatchObject({ snapshotVersion: 4, eventsApplied: 0, state: { turns: 4 } });
      });
    });

    describe('concurrent writers on one stream (separate connections)', () => {
      it('8 writers racing for each version: exactly one wins, the others get a conflict', async () => {
        const writers = [backend];
        for (let i = 1; i < 8; i++) {
          const extra = await options.connectAnother();
          extraBackends.push(extra);
          writers.push(extra);
        }
        const stream = session();
        const winners: number[] = [];
        for (let version = 0; version < 10; version++) {
          const attempts = await Promise.allSettled(
            writers.map((writer, index) =>
              writer
                .appendToStream(stream, turns(catalog, stream.aggregateId, 2, version * 100 + index * 10), {
                  expectedVersion: version * 2,
                  outbox: false,
                })
                .then(() => index),
            ),
          );
          const won = attempts.filter((attempt) => attempt.status === 'fulfilled');
          const lost = attempts.filter((attempt) => attempt.status === 'rejected');
          expect(won).toHaveLength(1);
          expect(lost.every((attempt) => isExpectedVersionConflictError(attempt.reason))).toBe(true);
          winners.push((won[0] as PromiseFulfilledResult<number>).value);
        }
        const read = await backend.readStream(stream);
        expect(read.currentVersion).toBe(20);
        expect(read.events.map((event) => event.position.streamVersion)).toEqual(
          Array.from({ length: 20 }, (_, i) => i + 1),
        );
        // Each version pair was written by that round's winner (turn index encodes the writer).
        read.events.forEach((event, index) => {
          const round = Math.floor(index / 2);
          expect(Math.floor(((event.payload as { turnIndex: number }).turnIndex - round * 100) / 10)).toBe(
            winners[round],
          );
        });
      });

      it('8 writers retrying on conflict: no event lost, none duplicated, versions gapless', async () => {
        const writers = [backend, ...extraBackends.slice(0, 7)];
        const stream = session();
        const perWriter = 12;
        const written = new Set<string>();
        let conflicts = 0;
        // The first attempts start together: every writer has read version 0 before any appends,
        // so exactly one of them wins and the other seven must conflict (and retry).
        let arrived = 0;
        let release!: () => void;
        const allRead = new Promise<void>((resolve) => (release = resolve));
        await Promise.all(
          writers.map(async (writer, index) => {
            for (let i = 0; i < perWriter; i++) {
              const [event] = turns(catalog, stream.aggregateId, 1, index * 1000 + i);
              for (let attempt = 0; ; attempt++) {
                const { currentVersion } = await writer.readStream(stream, { from: Number.MAX_SAFE_INTEGER });
                if (i === 0 && attempt === 0) {
                  if (++arrived === writers.length) release();
                  await allRead;
                }
                try {
                  await writer.appendToStream(stream, [event!], { expectedVersion: currentVersion, outbox: false });
                  written.add(event!.eventId);
                  break;
                } catch (error) {
                  if (!isExpectedVersionConflictError(error)) throw error;
                  conflicts++;
                }
              }
            }
          }),
        );
        const read = await backend.readStream(stream);
        const ids = read.events.map((event) => event.eventId);
        expect(ids).toHaveLength(writers.length * perWriter);
        expect(new Set(ids)).toEqual(written);
        expect(read.events.map((event) => event.position.streamVersion)).toEqual(ids.map((_, i) => i + 1));
        expect(conflicts).toBeGreaterThanOrEqual(writers.length - 1);
      });
    });
  });
}

async function lastGlobalPosition(backend: EventStoreBackend): Promise<number> {
  let after = 0;
  for (;;) {
    const page = await backend.readAll({ after, limit: 10_000 });
    after = page.lastPosition;
    if (page.caughtUp) return after;
  }
}

async function drainOutbox(backend: EventStoreBackend): Promise<void> {
  for (;;) {
    const claimed = await backend.claimOutbox({ limit: 1000, leaseMs: 60_000 });
    if (claimed.length === 0) return;
    await backend.markOutboxSent(claimed.map((entry) => entry.event.position.globalPosition));
  }
}
