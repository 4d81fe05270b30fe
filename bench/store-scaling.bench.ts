/**
 * How the event store's costs grow with the stream: one conversation stream of 10⁴ and 10⁵ events
 * (and 10⁶ with `npm run bench -- --large`, about 15 minutes more here), appended in batches of 1,000 (each with its expected version), then reconstructed
 * without a snapshot. Cost per event should stay flat as the stream grows. SQLite (file, WAL)
 * and PostgreSQL (DATABASE_URL, or a throwaway server). Markdown to stdout.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { catalog } from '../generated/index.js';
import { createEventFactory, type EventEnvelope } from '../runtime/index.js';
import { EventStore, openPostgresBackend, openSqliteBackend, type EventStoreBackend } from '../runtime/store/index.js';
import { startPostgres, type RunningService } from '../test/support/services.js';
import { LARGE, QUICK } from './support/quick.js';

const SIZES = QUICK ? [1000, 3000] : LARGE ? [10_000, 100_000, 1_000_000] : [10_000, 100_000];
const BATCH = 1000;
const createEvent = createEventFactory(catalog);
const log = (line: string): void => void process.stderr.write(`${line}\n`);

function turn(sessionId: string, turnIndex: number): EventEnvelope {
  return createEvent('conversation.turn_completed', sessionId, 'conversation_session', {
    conversationId: sessionId,
    turnIndex,
    userText: 'What did you write about the Analytical Engine?',
    cloneText: 'That it might act upon other things besides number.',
    latency: { totalMs: 1840, speechToTextMs: 210, retrievalMs: 95.5, generationMs: 1120, textToSpeechMs: 414.5 },
    tokenUsage: { promptTokens: 2310, completionTokens: 58, totalTokens: 2368 },
    citedDocumentIds: [],
    completedAt: '2026-11-28T13:00:00Z',
    responseModel: 'clone-large',
  } as never);
}

interface Cost {
  appendMicros: number;
  appendCpuMicros: number;
  reconstructMicros: number;
}

async function measure(backend: EventStoreBackend, size: number): Promise<Cost> {
  const store = new EventStore({ catalog, backend, outbox: false, snapshotInterval: 0 });
  const stream = { aggregateType: 'conversation_session', aggregateId: randomUUID() } as const;
  const cpu = process.cpuUsage();
  const start = performance.now();
  let version = 0;
  for (let from = 0; from < size; from += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, size - from) }, (_, i) => turn(stream.aggregateId, from + i));
    version = (await store.appendToStream(stream, batch as never[], { expectedVersion: version === 0 ? 'no_stream' : version })).nextExpectedVersion;
  }
  const appendMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const reducer = (state: number, event: { payload: unknown }) =>
    state + (event.payload as { tokenUsage: { totalTokens: number } }).tokenUsage.totalTokens;
  const readStart = performance.now();
  const total = await store.reconstructState(stream.aggregateId, 'conversation_session', reducer as never, 0, { snapshots: false });
  const reconstructMs = performance.now() - readStart;
  if (total !== size * 2368) throw new Error(`reconstructed ${String(total)}, expected ${size * 2368}`);
  return {
    appendMicros: (appendMs * 1000) / size,
    appendCpuMicros: (used.user + used.system) / size,
    reconstructMicros: (reconstructMs * 1000) / size,
  };
}

async function main(): Promise<void> {
  const rows: string[] = [];
  const record = (name: string, size: number, cost: Cost, base: Cost): void => {
    rows.push(
      `| ${name} | ${size.toLocaleString('en-US')} | ${cost.appendMicros.toFixed(1)} | ${cost.appendCpuMicros.toFixed(1)} | ${(cost.appendMicros / base.appendMicros).toFixed(2)}× | ${cost.reconstructMicros.toFixed(1)} | ${(cost.reconstructMicros / base.reconstructMicros).toFixed(2)}× |`,
    );
  };
  const dir = mkdtempSync(join(tmpdir(), 'store-scaling-'));
  try {
    const sqlite = await openSqliteBackend(join(dir, 'events.db'));
    let base: Cost | undefined;
    for (const size of SIZES) {
      log(`store-scaling: SQLite ${size}`);
      const cost = await measure(sqlite, size);
      base ??= cost;
      record('SQLite (file, WAL)', size, cost, base);
    }
    await sqlite.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  let server: RunningService | undefined;
  const url = process.env.DATABASE_URL ?? (server = await startPostgres()).address;
  const schema = `store_scaling_${randomUUID().slice(0, 8)}`;
  const postgres = await openPostgresBackend({ databaseUrl: url, postgresSchema: schema });
  try {
    let base: Cost | undefined;
    for (const size of SIZES) {
      log(`store-scaling: PostgreSQL ${size}`);
      const cost = await measure(postgres, size);
      base ??= cost;
      record(`PostgreSQL 15 (${server ? 'throwaway, fsync=off' : 'DATABASE_URL'})`, size, cost, base);
    }
    await postgres.pool.query(`DROP SCHEMA ${schema} CASCADE`);
  } finally {
    await postgres.close();
    await server?.stop();
  }
  process.stdout.write(
    [
      `One stream, appended in batches of ${BATCH} with expected versions (outbox off), then reconstructed without a snapshot; built output. Ratios are cost per event against the smallest size: flat (≈1.00×) is linear growth.`,
      '',
      '| backend | events in the stream | append µs/event (wall) | append µs/event (CPU) | append ratio | reconstruct µs/event | reconstruct ratio |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...rows,
      '',
    ].join('\n'),
  );
}

await main();
