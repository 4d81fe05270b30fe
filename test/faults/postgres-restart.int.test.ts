/**
 * Fault: PostgreSQL restarts (`pg_ctl restart -m fast`, then `-m immediate`) while writer processes
 * append. Before issue 12, 5 of 8 writers crashed on an unhandled 'error' event and the rest got raw
 * `pg` errors. Now: no writer crashes (every one exits 0), every append a writer saw confirmed is
 * stored exactly once at its version, and the store absorbed the restarts with typed retries.
 * This file owns its PostgreSQL server (it restarts it); the shared one is not touched.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresBackend } from '../../runtime/store/index.js';
import { startOwnPostgres, type OwnedPostgres } from './support/servers.js';
import { startWorker, type Worker } from './support/workers.js';

const WRITERS = 4;
const EVENTS_PER_WRITER = 150;
const SCHEMA = 'faults_store';

describe('PostgreSQL restarts under concurrent writers', () => {
  let server: OwnedPostgres;

  beforeAll(async () => {
    server = await startOwnPostgres();
    const backend = await openPostgresBackend({ databaseUrl: server.address, postgresSchema: SCHEMA }, { migrate: true });
    await backend.close();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('no writer crashes, nothing confirmed is lost, nothing is stored twice', async () => {
    const writers: Worker[] = Array.from({ length: WRITERS }, (_, i) =>
      startWorker(`writer-${i}`, 'pg-writer', {
        DATABASE_URL: server.address,
        STORE_SCHEMA: SCHEMA,
        WRITER: `w${i}`,
        COUNT: String(EVENTS_PER_WRITER),
      }),
    );
    const appendedBy = (count: number) => (line: { kind: string; version?: unknown }) =>
      line.kind === 'appended' && Number(line.version) >= count;
    // Restart while every writer is mid-way, twice, in the two ways that end sessions differently.
    await Promise.all(writers.map((writer) => writer.waitFor(appendedBy(20), 60_000, '20 appends')));
    server.restart('fast');
    await Promise.all(writers.map((writer) => writer.waitFor(appendedBy(60), 60_000, '60 appends')));
    server.restart('immediate');

    const exits = await Promise.all(writers.map((writer) => writer.exited));
    const report = writers.map((writer, i) => ({
      writer: writer.name,
      exit: exits[i],
      done: writer.lines.find((line) => line.kind === 'done'),
      gaveUp: writer.lines.filter((line) => line.kind === 'gave-up').length,
    }));
    console.info('[faults] postgres restarts:', JSON.stringify(report));
    for (const [i, exit] of exits.entries()) expect(exit, writers[i]!.log()).toEqual({ code: 0, signal: null });

    const confirmed = writers.flatMap((writer) => writer.lines.filter((line) => line.kind === 'appended'));
    expect(confirmed).toHaveLength(WRITERS * EVENTS_PER_WRITER);
    const client = new pg.Client({ connectionString: server.address });
    await client.connect();
    try {
      const { rows } = await client.query<{ event_id: string; stream_version: number; aggregate_id: string }>(
        `SELECT event_id, stream_version, aggregate_id FROM ${SCHEMA}.store_events`,
      );
      const stored = new Map(rows.map((row) => [row.event_id, row]));
      const lost = confirmed.filter((line) => !stored.has(String(line.eventId)));
      expect(lost).toEqual([]);
      // Exactly the confirmed events, each once, at the version the writer expected.
      expect(rows).toHaveLength(confirmed.length);
      for (const line of confirmed) expect(Number(stored.get(String(line.eventId))?.stream_version)).toBe(line.version);
      const outbox = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${SCHEMA}.store_outbox`);
      expect(Number(outbox.rows[0]!.n)).toBe(confirmed.length);
    } finally {
      await client.end();
    }
    // The restarts really hit the writers: the store retried (and says how often).
    const retries = report.reduce((sum, entry) => sum + Number(entry.done?.retries ?? 0) + entry.gaveUp, 0);
    expect(retries).toBeGreaterThan(0);
  });
});
