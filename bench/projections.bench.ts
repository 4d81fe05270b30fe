/**
 * Projections, SQLite (file, WAL) and PostgreSQL:
 * - async catch-up: a ProjectionRunner builds the per-user conversation summary over 100,000
 *   stored events (batches of 500: read, apply, checkpoint + lease in one transaction per
 *   batch) against the floor — the same pages read with readAll and the same handler SQL
 *   applied in one transaction per page, with no state row, lease or checkpoint;
 * - inline: appendEvent with the summary written in the append's transaction vs the same
 *   appends without it (cost per append).
 * PostgreSQL: DATABASE_URL, or a throwaway server from test/support/services.ts (fsync off).
 * Prints markdown to stdout.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { catalog, createEvent, type EventMap, type VersionedEventMap } from '../generated/index.js';
import { conversationSummary } from '../cli/demo/read-models.js';
import { EventStore, openPostgresBackend, openSqliteBackend, type EventStoreBackend } from '../runtime/store/index.js';
import {
  ensureProjections,
  inlineProjections,
  ProjectionRunner,
  projectionDatabaseOf,
  rebuildProjection,
} from '../store.js';
import { executeIn, inTransaction, projectionContext } from '../runtime/projections/sql.js';
import { startPostgres, type RunningService } from '../test/support/services.js';
import { sized } from './support/quick.js';

const EVENTS = sized(100_000, 1_000);
const TURNS_PER_SESSION = 99; // + 1 conversation.started = 100 events per session
const BATCH = 500;
const INLINE_APPENDS = sized(1000, 50);
const INLINE_ROUNDS = sized(3, 1);
const CATCH_UP_ROUNDS = sized(2, 1);

type Store = EventStore<EventMap, VersionedEventMap>;

const userIds = Array.from({ length: 50 }, () => randomUUID());

function sessionEvents(sessionId: string, n: number) {
  const userId = userIds[n % userIds.length]!;
  const now = new Date().toISOString();
  return [
    createEvent('conversation.started', sessionId, 'conversation_session', {
      conversationId: sessionId,
      userId,
      channel: 'web',
      locale: 'en-US',
      voiceModelId: null,
      faceModelId: null,
      startedAt: now,
    }),
    ...Array.from({ length: TURNS_PER_SESSION }, (_, turnIndex) =>
      createEvent('conversation.turn_completed', sessionId, 'conversation_session', {
        conversationId: sessionId,
        turnIndex,
        userText: 'What did you write about the Analytical Engine?',
        cloneText: 'That it might act upon other things besides number.',
        latency: { totalMs: 1840, speechToTextMs: 210, retrievalMs: 95.5, generationMs: 1120, textToSpeechMs: 414.5 },
        tokenUsage: { promptTokens: 2310, completionTokens: 58, totalTokens: 2368 },
        citedDocumentIds: [],
        completedAt: now,
      }),
    ),
  ];
}

const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));
const mid = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

interface Row {
  backend: string;
  measure: string;
  value: string;
  baseline: string;
  ratio: string;
}

async function benchBackend(name: string, open: () => Promise<EventStoreBackend>): Promise<Row[]> {
  const rows: Row[] = [];
  const backend = await open();
  const store: Store = new EventStore<EventMap, VersionedEventMap>({ catalog, backend, outbox: false });
  const db = projectionDatabaseOf(backend);
  // Generation 1 of the async summary, built over the empty store: checkpoint 0.
  await rebuildProjection({ store, projection: conversationSummary, mode: 'async' });
  // 100,000 events: 1,000 sessions, one append of 100 events each.
  for (let s = 0; s < EVENTS / (TURNS_PER_SESSION + 1); s++) {
    const id = randomUUID();
    await store.appendToStream({ aggregateType: 'conversation_session', aggregateId: id }, sessionEvents(id, s));
  }

  // Floor: the same pages, the same handler SQL into tables of their own (generation 99), one
  // transaction per page, and nothing else.
  await inTransaction(db, async (transaction) => {
    await conversationSummary.init(projectionContext(transaction, conversationSummary, 99));
  });
  const floorPass = async (): Promise<number> => {
    await inTransaction(db, async (transaction) => {
      for (const table of conversationSummary.tables) await executeIn(transaction, `DELETE FROM ${table}_g99`);
    });
    const start = performance.now();
    let after = 0;
    let applied = 0;
    for (;;) {
      const page = await store.readAll({ after, limit: BATCH, eventTypes: conversationSummary.eventTypes });
      if (page.events.length > 0) {
        await inTransaction(db, async (transaction) => {
          const ctx = projectionContext(transaction, conversationSummary, 99);
          for (const event of page.events) await conversationSummary.handle(event as never, ctx);
        });
        applied += page.events.length;
        after = page.lastPosition;
      }
      if (page.caughtUp) break;
    }
    if (applied !== EVENTS) throw new Error(`floor applied ${applied}`);
    return applied / ((performance.now() - start) / 1000);
  };
  // The runner, from checkpoint 0 of generation 1 (emptied between passes).
  const runnerPass = async (): Promise<number> => {
    await inTransaction(db, async (transaction) => {
      for (const table of conversationSummary.tables) await executeIn(transaction, `DELETE FROM ${table}_g1`);
      await executeIn(transaction, "UPDATE projection_state SET checkpoint = 0 WHERE name = 'conversation_summary'");
    });
    const runner = new ProjectionRunner({ store, projection: conversationSummary, batchSize: BATCH });
    const start = performance.now();
    await runner.catchUp();
    const rate = runner.eventsApplied / ((performance.now() - start) / 1000);
    await runner.stop();
    if (runner.eventsApplied !== EVENTS) throw new Error(`runner applied ${runner.eventsApplied}`);
    return rate;
  };
  // Two rounds, the order swapped in the second; the ratio is the mean of the per-round ratios.
  const floorRates: number[] = [];
  const runnerRates: number[] = [];
  for (let round = 0; round < CATCH_UP_ROUNDS; round++) {
    if (round % 2 === 0) {
      floorRates.push(await floorPass());
      runnerRates.push(await runnerPass());
    } else {
      runnerRates.push(await runnerPass());
      floorRates.push(await floorPass());
    }
  }
  const ratios = floorRates.map((floor, i) => floor / runnerRates[i]!);
  const floorRate = floorRates.reduce((a, b) => a + b, 0) / floorRates.length;
  rows.push({
    backend: name,
    measure: `async catch-up, ${EVENTS.toLocaleString('en-US')} events, batches of ${BATCH} (events/s)`,
    value: runnerRates.map(fmt).join(' / '),
    baseline: `${floorRates.map(fmt).join(' / ')} (same reads + same SQL per page; no checkpoint, lease or state row)`,
    ratio: `${ratios.map((r) => r.toFixed(2)).join(' / ')} (mean ${(ratios.reduce((a, b) => a + b, 0) / ratios.length).toFixed(2)}×)`,
  });

  // Rebuild (the path a version change takes): new tables, catch-up, switch-over.
  const rebuildStart = performance.now();
  const rebuilt = await rebuildProjection({ store, projection: conversationSummary, mode: 'async', batchSize: BATCH });
  const rebuildRate = rebuilt.processed / ((performance.now() - rebuildStart) / 1000);
  rows.push({
    backend: name,
    measure: `rebuild into new tables + switch-over, ${EVENTS.toLocaleString('en-US')} events (events/s)`,
    value: fmt(rebuildRate),
    baseline: `${fmt(floorRate)} (mean of the floor passes)`,
    ratio: `${(floorRate / rebuildRate).toFixed(2)}×`,
  });
  await backend.close();

  // Inline, on a fresh database: single appends with and without the summary in the append's transaction.
  const fresh = await open();
  const plainStore: Store = new EventStore<EventMap, VersionedEventMap>({ catalog, backend: fresh, outbox: false });
  const inline: Store = new EventStore<EventMap, VersionedEventMap>({
    catalog,
    backend: fresh,
    outbox: false,
    onAppendTransaction: inlineProjections([conversationSummary]),
  });
  await ensureProjections({ store: inline, inline: [conversationSummary] });
  const plain: number[] = [];
  const withInline: number[] = [];
  for (let round = 0; round < INLINE_ROUNDS; round++) {
    for (const [target, out] of [
      [plainStore, plain],
      [inline, withInline],
    ] as const) {
      const sessions = Array.from({ length: 100 }, () => randomUUID());
      for (const [i, id] of sessions.entries()) await inline.appendEvent(sessionEvents(id, i)[0]!);
      const events = Array.from(
        { length: INLINE_APPENDS },
        (_, i) => sessionEvents(sessions[i % 100]!, i)[1 + (i % 50)]!,
      );
      const start = performance.now();
      for (const event of events) await target.appendEvent(event);
      out.push(((performance.now() - start) * 1000) / INLINE_APPENDS);
    }
  }
  await fresh.close();
  rows.push({
    backend: name,
    measure: 'appendEvent with the inline summary (µs per append)',
    value: mid(withInline).toFixed(0),
    baseline: `${mid(plain).toFixed(0)} µs (same appends, no projection); +${(mid(withInline) - mid(plain)).toFixed(0)} µs`,
    ratio: `${(mid(withInline) / mid(plain)).toFixed(2)}×`,
  });
  return rows;
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'projections-bench-'));
  let files = 0;
  try {
    rows.push(
      ...(await benchBackend('SQLite (file, WAL, synchronous=NORMAL)', () =>
        openSqliteBackend(join(dir, `events-${files++}.db`)),
      )),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  let server: RunningService | undefined;
  const url = process.env.DATABASE_URL ?? (server = await startPostgres()).address;
  const schemas: string[] = [];
  try {
    rows.push(
      ...(await benchBackend(`PostgreSQL 15 (${server ? 'throwaway, fsync=off' : 'DATABASE_URL'})`, () => {
        const schema = `projections_bench_${randomUUID().slice(0, 8)}`;
        schemas.push(schema);
        return openPostgresBackend({ databaseUrl: url, postgresSchema: schema });
      })),
    );
  } finally {
    if (!server) {
      const cleanup = new pg.Client({ connectionString: url });
      await cleanup.connect();
      for (const schema of schemas) await cleanup.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await cleanup.end();
    }
    await server?.stop();
  }
  const lines = [
    `Projections: ${EVENTS.toLocaleString('en-US')} conversation events (1,000 sessions × 100) of 50 users; the per-user conversation summary of the demo (2 statements per event). Catch-up: ${CATCH_UP_ROUNDS} rounds of floor and runner (floor first, then runner first), each pass over all events into emptied tables; the runner starts at checkpoint 0 of an already built generation. Rebuild: one run. Inline: ${INLINE_APPENDS} single appends over 100 streams, with and without the projection back to back, medians of ${INLINE_ROUNDS} rounds. Ratio = floor ÷ projection for throughput (1.00× = no overhead), with ÷ without for inline.`,
    '',
    '| backend | measure | projections | baseline (same run, same database) | ratio |',
    '|---|---|---:|---|---:|',
    ...rows.map((row) => `| ${row.backend} | ${row.measure} | ${row.value} | ${row.baseline} | ${row.ratio} |`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
