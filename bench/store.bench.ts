/**
 * Event store speed, SQLite (file, WAL) and PostgreSQL, each against the fastest plain SQL a user
 * could write on the same database (same rows, a copy of store_events with the same indexes):
 * - single appends: EventStore.appendEvent (schema validation, expected version, outbox row)
 *   vs one autocommit INSERT per row;
 * - batched appends: appendToStream with 100 events vs one 100-row INSERT;
 * - reconstructState of a 10,000-event stream vs SELECT + JSON.parse + the same fold, and from a snapshot.
 * PostgreSQL: DATABASE_URL, or a throwaway server from test/support/services.ts (fsync off).
 * Prints markdown to stdout.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type BetterSqlite3 from 'better-sqlite3';
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
const RECONSTRUCT_ROUNDS = sized(7, 1);

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

/**
 * The fastest plain writes of the same rows into a copy of store_events with the same columns,
 * constraints and indexes: one autocommit INSERT per event, and one multi-row INSERT per batch.
 * No expected-version check, no outbox, no validation: what a user would write without the store.
 */
interface PlainFloor {
  insertOne(event: AnyTurn, version: number): Promise<void>;
  insertBatch(events: readonly AnyTurn[], firstVersion: number): Promise<void>;
  /** The fold a user would write: SELECT the stream's payloads in order, JSON.parse, reduce. */
  fold<S>(aggregateId: string, reducer: (state: S, event: { payload: unknown }) => S, initial: S): Promise<S>;
}

const SQLITE_COLUMNS = `event_id, aggregate_type, aggregate_id, stream_version, event_type, event_version,
    occurred_at, occurred_at_ms, recorded_at, payload, metadata`;

function sqliteFloor(backend: SqliteEventStoreBackend): PlainFloor {
  const db = backend.db;
  // Same table and index definitions as the migration, under another name.
  const definitions = db
    .prepare(`SELECT sql FROM sqlite_master WHERE tbl_name = 'store_events' AND sql IS NOT NULL ORDER BY type DESC`)
    .all() as Array<{ sql: string }>;
  for (const { sql } of definitions) db.exec(sql.replace(/\bstore_events/g, 'bench_plain'));
  const values = (event: AnyTurn, version: number): unknown[] => [
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
  ];
  const insert = db.prepare(`INSERT INTO bench_plain (${SQLITE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const multi = new Map<number, BetterSqlite3.Statement<unknown[]>>();
  const multiFor = (count: number) => {
    let statement = multi.get(count);
    if (!statement) {
      const rows = Array.from({ length: count }, () => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
      multi.set(count, (statement = db.prepare(`INSERT INTO bench_plain (${SQLITE_COLUMNS}) VALUES ${rows}`)));
    }
    return statement;
  };
  const select = db.prepare(`SELECT payload FROM bench_plain WHERE aggregate_type = ? AND aggregate_id = ? ORDER BY stream_version`);
  return {
    insertOne: async (event, version) => void insert.run(...values(event, version)),
    insertBatch: async (events, firstVersion) =>
      void multiFor(events.length).run(...events.flatMap((event, i) => values(event, firstVersion + i))),
    fold: async (aggregateId, reducer, initial) => {
      let state = initial;
      for (const row of select.iterate('conversation_session', aggregateId) as Iterable<{ payload: string }>) {
        state = reducer(state, { payload: JSON.parse(row.payload) as unknown });
      }
      return state;
    },
  };
}

const POSTGRES_COLUMNS = `event_id, aggregate_type, aggregate_id, stream_version, event_type, event_version,
    occurred_at, occurred_at_ts, payload, metadata`;

async function postgresFloor(backend: PostgresEventStoreBackend): Promise<PlainFloor> {
  // LIKE … INCLUDING ALL: the same columns, defaults, identity, constraints and indexes.
  await backend.pool.query(`CREATE TABLE IF NOT EXISTS bench_plain (LIKE store_events INCLUDING ALL)`);
  const params = (event: AnyTurn, version: number): unknown[] => [
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
  const placeholders = (row: number) =>
    `(${Array.from({ length: 10 }, (_, column) => `$${row * 10 + column + 1}`).join(', ')})`;
  return {
    insertOne: async (event, version) =>
      void (await backend.pool.query(`INSERT INTO bench_plain (${POSTGRES_COLUMNS}) VALUES ${placeholders(0)}`, params(event, version))),
    insertBatch: async (events, firstVersion) =>
      void (await backend.pool.query(
        `INSERT INTO bench_plain (${POSTGRES_COLUMNS}) VALUES ${events.map((_, i) => placeholders(i)).join(', ')}`,
        events.flatMap((event, i) => params(event, firstVersion + i)),
      )),
    fold: async (aggregateId, reducer, initial) => {
      const { rows } = await backend.pool.query<{ payload: unknown }>(
        `SELECT payload FROM bench_plain WHERE aggregate_type = $1 AND aggregate_id = $2 ORDER BY stream_version`,
        ['conversation_session', aggregateId],
      );
      let state = initial;
      for (const row of rows) state = reducer(state, row);
      return state;
    },
  };
}

/** Wall-clock rate and this process's CPU per event (µs) of one measured body. */
interface Rate {
  perSecond: number;
  cpuMicros: number;
}

async function measureRate(count: number, body: () => Promise<void>): Promise<Rate> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await body();
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { perSecond: count / (wall / 1000), cpuMicros: (used.user + used.system) / count };
}

/** Runs the two bodies back to back, alternating which goes first per round. */
async function pair<T>(round: number, first: () => Promise<T>, second: () => Promise<T>): Promise<[T, T]> {
  if (round % 2 === 0) {
    const a = await first();
    return [a, await second()];
  }
  const b = await second();
  return [await first(), b];
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
  const withoutOutbox = new EventStore({ catalog, backend, outbox: false });
  const rows: Row[] = [];

  // Warm up both paths (statement caches, JIT).
  const warm = randomUUID();
  for (let i = 0; i < 200; i++) {
    await store.appendEvent(turn(warm, i) as never);
    await floor.insertOne(turn(warm, i), i + 1);
  }

  const results = { plainSingle: [] as Rate[], appendSingle: [] as Rate[], plainBatched: [] as Rate[], appendBatched: [] as Rate[], noOutbox: [] as Rate[] };
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
    const [plainSingle, appendSingle] = await pair(
      round,
      () => measureRate(SINGLE_APPENDS, async () => {
        for (const [i, event] of events.entries()) await floor.insertOne(event, i + 1);
      }),
      () => measureRate(SINGLE_APPENDS, async () => {
        for (const [i, event] of events.entries()) {
          const stream = streams[i % streams.length]!;
          stream.version = (await store.appendEvent(event as never, { expectedVersion: stream.version })).nextExpectedVersion;
        }
      }),
    );
    results.plainSingle.push(plainSingle);
    results.appendSingle.push(appendSingle);
    // Batched appends: 100 events per call, one stream per batch.
    const batches = freshBatches();
    const [plainBatched, appendBatched] = await pair(
      round,
      () => measureRate(BATCHES * BATCH_SIZE, async () => {
        for (const batch of batches) await floor.insertBatch(batch, 1);
      }),
      () => measureRate(BATCHES * BATCH_SIZE, appendBatches(store, batches)),
    );
    results.plainBatched.push(plainBatched);
    results.appendBatched.push(appendBatched);
    results.noOutbox.push(await measureRate(BATCHES * BATCH_SIZE, appendBatches(withoutOutbox, freshBatches())));
  }
  const mid = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const rate = (values: Rate[]) => mid(values.map((value) => value.perSecond));
  const cpu = (values: Rate[]) => mid(values.map((value) => value.cpuMicros));
  const appendRow = (measure: string, candidate: Rate[], floorRates: Rate[], baseline: string): Row => ({
    backend: name,
    measure,
    value: `${fmt(rate(candidate))} (${cpu(candidate).toFixed(1)} µs CPU/event)`,
    baseline: `${fmt(rate(floorRates))} (${cpu(floorRates).toFixed(1)} µs CPU/event; ${baseline})`,
    ratio: `${(rate(floorRates) / rate(candidate)).toFixed(2)}× wall, ${(cpu(candidate) / cpu(floorRates)).toFixed(2)}× CPU`,
  });
  rows.push(appendRow('appendEvent, 1 event per call (events/s)', results.appendSingle, results.plainSingle, 'one autocommit INSERT'));
  rows.push(
    appendRow(`appendToStream, ${BATCH_SIZE} events per call (events/s)`, results.appendBatched, results.plainBatched, `one ${BATCH_SIZE}-row INSERT`),
  );
  rows.push(appendRow(`appendToStream, ${BATCH_SIZE} per call, outbox off (events/s)`, results.noOutbox, results.plainBatched, 'same floor'));

  // Reconstruct a 10,000-event stream: the store (no snapshot) against the same fold over a plain SELECT.
  const long = randomUUID();
  for (let from = 0; from < STREAM_LENGTH; from += 1000) {
    const chunk = Array.from({ length: Math.min(1000, STREAM_LENGTH - from) }, (_, i) => turn(long, from + i));
    await store.appendToStream({ aggregateType: 'conversation_session', aggregateId: long }, chunk as never[]);
    // The floor's copy, in multi-row INSERTs of at most 500 rows (well within parameter limits).
    for (let at = 0; at < chunk.length; at += 500) await floor.insertBatch(chunk.slice(at, at + 500), from + at + 1);
  }
  const reducer = (state: { turns: number; tokens: number }, event: { payload: unknown }) => ({
    turns: state.turns + 1,
    tokens: state.tokens + (event.payload as { tokenUsage: { totalTokens: number } }).tokenUsage.totalTokens,
  });
  const initial = { turns: 0, tokens: 0 };
  const timed = async (body: () => Promise<unknown>): Promise<number> => {
    const start = performance.now();
    await body();
    return performance.now() - start;
  };
  /** Wall and this process's CPU (ms) of one body. */
  const timedWithCpu = async (body: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> => {
    const cpu = process.cpuUsage();
    const wall = await timed(body);
    const used = process.cpuUsage(cpu);
    return { wall, cpu: (used.user + used.system) / 1000 };
  };
  const noSnapshotRuns: Array<{ wall: number; cpu: number }> = [];
  const plainFoldRuns: Array<{ wall: number; cpu: number }> = [];
  for (let round = 0; round < RECONSTRUCT_ROUNDS; round++) {
    const [plain, stored] = await pair(
      round,
      () => timedWithCpu(() => floor.fold(long, reducer, initial)),
      () => timedWithCpu(() => store.reconstructState(long, 'conversation_session', reducer, initial, { snapshots: false })),
    );
    plainFoldRuns.push(plain);
    noSnapshotRuns.push(stored);
  }
  const noSnapshot = noSnapshotRuns.map((run) => run.wall);
  const plainFold = plainFoldRuns.map((run) => run.wall);
  const storeCpu = mid(noSnapshotRuns.map((run) => run.cpu));
  const floorCpu = mid(plainFoldRuns.map((run) => run.cpu));
  rows.push({
    backend: name,
    measure: `reconstructState, ${STREAM_LENGTH.toLocaleString('en-US')}-event stream, no snapshot (ms)`,
    value: `${mid(noSnapshot).toFixed(1)} (${storeCpu.toFixed(1)} ms CPU)`,
    baseline: `${mid(plainFold).toFixed(1)} ms (${floorCpu.toFixed(1)} ms CPU; SELECT the payloads in order + JSON.parse + the same fold)`,
    ratio: `${(mid(noSnapshot) / mid(plainFold)).toFixed(2)}× wall, ${(storeCpu / floorCpu).toFixed(2)}× CPU`,
  });
  await store.reconstructState(long, 'conversation_session', reducer, initial); // writes the snapshot
  await store.appendToStream(
    { aggregateType: 'conversation_session', aggregateId: long },
    Array.from({ length: 10 }, (_, i) => turn(long, STREAM_LENGTH + i)) as never[],
  );
  const withSnapshot = await median(RECONSTRUCT_ROUNDS, () =>
    timed(() => store.reconstructState(long, 'conversation_session', reducer, initial)),
  );
  rows.push({
    backend: name,
    measure: `reconstructState, ${STREAM_LENGTH.toLocaleString('en-US')}-event stream, from a snapshot + 10 events (ms)`,
    value: withSnapshot.toFixed(1),
    baseline: `${mid(noSnapshot).toFixed(1)} ms (no snapshot: all ${STREAM_LENGTH.toLocaleString('en-US')} events)`,
    ratio: `${(mid(noSnapshot) / withSnapshot).toFixed(0)}× faster`,
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
    `Event store on the built output: per round ${SINGLE_APPENDS} single appends over 100 streams and ${BATCHES} batches of ${BATCH_SIZE}, floor and store back to back with the order alternating per round, medians of ${ROUNDS} rounds; reconstruct median of ${RECONSTRUCT_ROUNDS}, alternating too, wall and this process's CPU. The floor writes the same rows into a copy of store_events with the same constraints and indexes (SQLite: the migration's own DDL renamed; PostgreSQL: LIKE … INCLUDING ALL): one autocommit INSERT per event, one multi-row INSERT per batch. Ratio for appends = floor rate ÷ store rate (1.00× = as fast as the floor) and store CPU ÷ floor CPU (this process only; PostgreSQL's own CPU is not counted); for reconstruct = store time ÷ floor time (wall; CPU of this process, which on SQLite is all of it).`,
    '',
    '| backend | measure | store | baseline (same run, same database) | ratio |',
    '|---|---|---:|---|---:|',
    ...rows.map((row) => `| ${row.backend} | ${row.measure} | ${row.value} | ${row.baseline} | ${row.ratio} |`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
