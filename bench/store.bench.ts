/**
 * Event store speed, SQLite (file, WAL) and PostgreSQL, each against a plain INSERT loop on the
 * same database as the floor (same row shape, same connection settings, same run):
 * - single appends: EventStore.appendEvent (schema validation, expected version, outbox row)
 *   vs one autocommit INSERT per row;
 * - batched appends: appendToStream with 100 events vs a loop of 100 INSERTs in one transaction;
 * - reconstructState of a 10,000-event stream from scratch vs from a snapshot.
 * PostgreSQL: DATABASE_URL, or a throwaway server from test/support/services.ts (fsync off).
 * Prints markdown to stdout.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { catalog } from '../generated/index.js';
import { createEventFactory, type EventEnvelope } from '../runtime/index.js';
import {
  EventStore,
  openPostgresBackend,
  openSqliteBackend,
  PostgresEventStoreBackend,
  SqliteEventStoreBackend,
  type EventStoreBackend,
} from '../runtime/store/index.js';
import { startPostgres, type RunningService } from '../test/support/services.js';
import { sized } from './support/quick.js';

const SINGLE_APPENDS = sized(1000, 50);
const BATCHES = sized(20, 2);
const ROUNDS = sized(5, 1);
const BATCH_SIZE = 100;
const STREAM_LENGTH = sized(10_000, 200);
const RECONSTRUCT_ROUNDS = sized(3, 1);

type AnyTurn = EventEnvelope<string, unknown, number, string>;
const createEvent = createEventFactory(catalog);

function turn(sessionId: string, turnIndex: number): AnyTurn {
  return createEvent('conversation.turn_completed', sessionId, 'conversation_session', {
    conversationId: sessionId,
    turnIndex,
    userText: 'What did you write about the Analytical Engine?',
    cloneText: 'I wrote that it might act upon other things besides number, such as music.',
    latency: { totalMs: 1840, speechToTextMs: 210, retrievalMs: 95.5, generationMs: 1120, textToSpeechMs: 414.5 },
    tokenUsage: { promptTokens: 2310, completionTokens: 58, totalTokens: 2368 },
    citedDocumentIds: ['c5d6e7f8-9a0b-4c1d-8e2f-3a4b5c6d7e8f'],
    completedAt: new Date().toISOString(),
    responseModel: 'clone-large',
  } as never) as AnyTurn;
}

/** The same row shape as store_events, with nothing else: no checks, no outbox, no version. */
interface PlainFloor {
  insertOne(event: AnyTurn, version: number): Promise<void>;
  insertBatch(events: readonly AnyTurn[], firstVersion: number): Promise<void>;
}

function sqliteFloor(backend: SqliteEventStoreBackend): PlainFloor {
  const db = backend.db;
  db.exec(`CREATE TABLE IF NOT EXISTS bench_plain (
    global_position INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL, aggregate_type TEXT NOT NULL,
    aggregate_id TEXT NOT NULL, stream_version INTEGER NOT NULL, event_type TEXT NOT NULL, event_version INTEGER NOT NULL,
    occurred_at TEXT NOT NULL, occurred_at_ms INTEGER NOT NULL, recorded_at TEXT NOT NULL, payload TEXT NOT NULL, metadata TEXT NOT NULL)`);
  const insert =
    db.prepare(`INSERT INTO bench_plain (event_id, aggregate_type, aggregate_id, stream_version, event_type, event_version,
    occurred_at, occurred_at_ms, recorded_at, payload, metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const row = (event: AnyTurn, version: number) =>
    insert.run(
      event.eventId,
      event.aggregateType,
      event.aggregateId,
      version,
      event.eventType,
      event.eventVersion,
      event.occurredAt,
      Date.parse(event.occurredAt),
      new Date().toISOString(),
      JSON.stringify(event.payload),
      JSON.stringify(event.metadata),
    );
  const batch = db.transaction((events: readonly AnyTurn[], firstVersion: number) =>
    events.forEach((event, i) => row(event, firstVersion + i)),
  );
  return {
    insertOne: async (event, version) => void row(event, version),
    insertBatch: async (events, firstVersion) => batch(events, firstVersion),
  };
}

async function postgresFloor(backend: PostgresEventStoreBackend): Promise<PlainFloor> {
  await backend.pool.query(`CREATE TABLE IF NOT EXISTS bench_plain (
    global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, event_id text NOT NULL, aggregate_type text NOT NULL,
    aggregate_id text NOT NULL, stream_version bigint NOT NULL, event_type text NOT NULL, event_version integer NOT NULL,
    occurred_at text NOT NULL, occurred_at_ts timestamptz NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now(),
    payload jsonb NOT NULL, metadata jsonb NOT NULL)`);
  const sql = `INSERT INTO bench_plain (event_id, aggregate_type, aggregate_id, stream_version, event_type, event_version,
    occurred_at, occurred_at_ts, payload, metadata) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`;
  const params = (event: AnyTurn, version: number) => [
    event.eventId,
    event.aggregateType,
    event.aggregateId,
    version,
    event.eventType,
    event.eventVersion,
    event.occurredAt,
    new Date(event.occurredAt),
    JSON.stringify(event.payload),
    JSON.stringify(event.metadata),
  ];
  return {
    insertOne: async (event, version) => void (await backend.pool.query(sql, params(event, version))),
    insertBatch: async (events, firstVersion) => {
      const client = await backend.pool.connect();
      try {
        await client.query('BEGIN');
        for (const [i, event] of events.entries()) await client.query(sql, params(event, firstVersion + i));
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    },
  };
}

async function eventsPerSecond(count: number, body: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await body();
  return count / ((performance.now() - start) / 1000);
}

async function median(rounds: number, measure: () => Promise<number>): Promise<number> {
  const values: number[] = [];
  for (let i = 0; i < rounds; i++) values.push(await measure());
  values.sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)]!;
}

interface Row {
  backend: string;
  measure: string;
  value: string;
  baseline: string;
  ratio: string;
}

const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));

async function benchBackend(name: string, backend: EventStoreBackend, floor: PlainFloor): Promise<Row[]> {
  const store = new EventStore({ catalog, backend, eventStoreTopic: 'clone-event-store', snapshotInterval: 1000 });
  const rows: Row[] = [];

  // Warm up both paths (statement caches, JIT).
  const warm = randomUUID();
  for (let i = 0; i < 200; i++) {
    await store.appendEvent(turn(warm, i) as never);
    await floor.insertOne(turn(warm, i), i + 1);
  }

  // Each round measures the floor and the store back to back (sharing whatever else the machine
  // is doing); medians over ROUNDS rounds.
  const withoutOutbox = new EventStore({ catalog, backend, outbox: false });
  const plainSingle: number[] = [];
  const appendSingle: number[] = [];
  const plainBatched: number[] = [];
  const appendBatched: number[] = [];
  const appendBatchedNoOutbox: number[] = [];
  const freshBatches = () =>
    Array.from({ length: BATCHES }, () => {
      const id = randomUUID();
      return Array.from({ length: BATCH_SIZE }, (_, i) => turn(id, i));
    });
  const appendBatches = (target: EventStore, batches: AnyTurn[][]) => async () => {
    for (const batch of batches) {
      await target.appendToStream(
        { aggregateType: 'conversation_session', aggregateId: batch[0]!.aggregateId },
        batch as never[],
        { expectedVersion: 'no_stream' },
      );
    }
  };
  for (let round = 0; round < ROUNDS; round++) {
    // Single appends: 100 streams round robin, each append with the expected version.
    const streams = Array.from({ length: 100 }, () => ({ id: randomUUID(), version: 0 }));
    const events = Array.from({ length: SINGLE_APPENDS }, (_, i) => turn(streams[i % streams.length]!.id, i));
    plainSingle.push(
      await eventsPerSecond(SINGLE_APPENDS, async () => {
        for (const [i, event] of events.entries()) await floor.insertOne(event, i + 1);
      }),
    );
    appendSingle.push(
      await eventsPerSecond(SINGLE_APPENDS, async () => {
        for (const [i, event] of events.entries()) {
          const stream = streams[i % streams.length]!;
          stream.version = (
            await store.appendEvent(event as never, { expectedVersion: stream.version })
          ).nextExpectedVersion;
        }
      }),
    );
    // Batched appends: 100 events per call, one stream per batch.
    const batches = freshBatches();
    plainBatched.push(
      await eventsPerSecond(BATCHES * BATCH_SIZE, async () => {
        for (const batch of batches) await floor.insertBatch(batch, 1);
      }),
    );
    appendBatched.push(await eventsPerSecond(BATCHES * BATCH_SIZE, appendBatches(store, batches)));
    appendBatchedNoOutbox.push(
      await eventsPerSecond(BATCHES * BATCH_SIZE, appendBatches(withoutOutbox, freshBatches())),
    );
  }
  const mid = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  rows.push({
    backend: name,
    measure: 'appendEvent, 1 event per call (events/s)',
    value: fmt(mid(appendSingle)),
    baseline: `${fmt(mid(plainSingle))} (plain INSERT, autocommit)`,
    ratio: (mid(plainSingle) / mid(appendSingle)).toFixed(2) + '×',
  });
  rows.push({
    backend: name,
    measure: `appendToStream, ${BATCH_SIZE} events per call (events/s)`,
    value: fmt(mid(appendBatched)),
    baseline: `${fmt(mid(plainBatched))} (${BATCH_SIZE} plain INSERTs in one transaction)`,
    ratio: (mid(plainBatched) / mid(appendBatched)).toFixed(2) + '×',
  });
  rows.push({
    backend: name,
    measure: `appendToStream, ${BATCH_SIZE} per call, outbox off (events/s)`,
    value: fmt(mid(appendBatchedNoOutbox)),
    baseline: `${fmt(mid(plainBatched))} (same floor)`,
    ratio: (mid(plainBatched) / mid(appendBatchedNoOutbox)).toFixed(2) + '×',
  });

  // Reconstruct a 10,000-event stream.
  const long = randomUUID();
  for (let from = 0; from < STREAM_LENGTH; from += 1000) {
    await store.appendToStream(
      { aggregateType: 'conversation_session', aggregateId: long },
      Array.from({ length: 1000 }, (_, i) => turn(long, from + i)) as never[],
    );
  }
  const reducer = (state: { turns: number; tokens: number }, event: { payload: unknown }) => ({
    turns: state.turns + 1,
    tokens: state.tokens + (event.payload as { tokenUsage: { totalTokens: number } }).tokenUsage.totalTokens,
  });
  const initial = { turns: 0, tokens: 0 };
  const noSnapshot = await median(RECONSTRUCT_ROUNDS, async () => {
    const start = performance.now();
    await store.reconstructState(long, 'conversation_session', reducer, initial, { snapshots: false });
    return performance.now() - start;
  });
  await store.reconstructState(long, 'conversation_session', reducer, initial); // writes the snapshot at 10,000
  await store.appendToStream(
    { aggregateType: 'conversation_session', aggregateId: long },
    Array.from({ length: 10 }, (_, i) => turn(long, STREAM_LENGTH + i)) as never[],
  );
  const withSnapshot = await median(RECONSTRUCT_ROUNDS, async () => {
    const start = performance.now();
    await store.reconstructState(long, 'conversation_session', reducer, initial);
    return performance.now() - start;
  });
  rows.push({
    backend: name,
    measure: `reconstructState, ${STREAM_LENGTH.toLocaleString('en-US')}-event stream, from a snapshot + 10 events (ms)`,
    value: withSnapshot.toFixed(1),
    baseline: `${noSnapshot.toFixed(1)} ms (no snapshot: all ${STREAM_LENGTH.toLocaleString('en-US')} events)`,
    ratio: (noSnapshot / withSnapshot).toFixed(0) + '× faster',
  });
  return rows;
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'store-bench-'));
  try {
    const sqlite = await openSqliteBackend(join(dir, 'events.db'));
    rows.push(...(await benchBackend('SQLite (file, WAL, synchronous=NORMAL)', sqlite, sqliteFloor(sqlite))));
    await sqlite.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  let server: RunningService | undefined;
  const url = process.env.DATABASE_URL ?? (server = await startPostgres()).address;
  const schema = `store_bench_${randomUUID().slice(0, 8)}`;
  const postgres = await openPostgresBackend({ databaseUrl: url, postgresSchema: schema });
  try {
    rows.push(
      ...(await benchBackend(
        `PostgreSQL 15 (${server ? 'throwaway, fsync=off' : 'DATABASE_URL'})`,
        postgres,
        await postgresFloor(postgres),
      )),
    );
    await postgres.pool.query(`DROP SCHEMA ${schema} CASCADE`);
  } finally {
    await postgres.close();
    await server?.stop();
  }

  const lines = [
    `Event store: per round ${SINGLE_APPENDS} single appends over 100 streams and ${BATCHES} batches of ${BATCH_SIZE}, floor and store back to back, medians of ${ROUNDS} rounds; reconstruct median of ${RECONSTRUCT_ROUNDS}. Ratio = floor ÷ store for appends (1.00× = as fast as plain INSERTs), no-snapshot ÷ snapshot for reconstruct.`,
    '',
    '| backend | measure | store | baseline (same run, same database) | ratio |',
    '|---|---|---:|---|---:|',
    ...rows.map((row) => `| ${row.backend} | ${row.measure} | ${row.value} | ${row.baseline} | ${row.ratio} |`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
