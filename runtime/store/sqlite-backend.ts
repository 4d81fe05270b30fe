/**
 * SQLite backend (better-sqlite3, synchronous under an async interface). Appends run in a
 * BEGIN IMMEDIATE transaction, so writers on any number of connections are serialized by the
 * database's write lock: the expected-version check and the insert see the same stream state,
 * and global positions are handed out in commit order (which makes readAll trivially gap-safe).
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { AnyEventEnvelope } from '../envelope.js';
import type { EventStoreBackend } from './backend.js';
import { openSqlite } from './database.js';
import { DuplicateEventIdError, StoreClosedError, UnknownPositionError } from './errors.js';
import { assertExpectedVersion, EMPTY_STREAM_VERSION } from './expected-version.js';
import { runMigrations, storeMigrations } from './migrations.js';
import { sqliteIdle, withSqliteTransaction } from './sqlite-lock.js';
import {
  assertAppendableBatch,
  DEFAULT_READ_ALL_LIMIT,
  occurredAtMillis,
  parseStoredEvent,
  SQLITE_EVENT_JSON,
  storedEventFromArray,
  type EventArray,
} from './rows.js';
import type {
  AppendToStreamResult,
  BackendAppendOptions,
  EventFilter,
  OutboxClaimOptions,
  OutboxEntry,
  OutboxStats,
  ReadAllOptions,
  ReadAllResult,
  ReadStreamOptions,
  ReadStreamResult,
  StoredEvent,
  StoredSnapshot,
  StreamId,
} from './types.js';


/**
 * readStream's rows (decision 0157): one JSON *array* text per event, without the stream's
 * aggregate type and id (the query fixes them) and without keys. JSON.parse of that text costs far
 * less than of the whole StoredEvent object text (decision 0126) — no key strings, fewer
 * strings, about a fifth less text — and the event object is then built in JS in the envelope's
 * key order (streamEventOf). `concat` (SQLite ≥ 3.44; better-sqlite3 12 bundles 3.49+) builds
 * the text in one allocation instead of one per `||`. json_quote(NULL) is `null`.
 */
const SQLITE_STREAM_EVENT_ARRAY = `concat('[', json_quote(event_id), ',', json_quote(event_type), ',', event_version,
  ',', json_quote(occurred_at), ',', json_quote(correlation_id), ',', json_quote(causation_id), ',', payload,
  ',', metadata, ',', stream_version, ',', global_position, ',', json_quote(recorded_at), ']')`;

/** The StoredEvent of one readStream row (SQLITE_STREAM_EVENT_ARRAY): recordedAt is ISO already. */
function streamEventOf(stream: StreamId, text: string): StoredEvent {
  const row = JSON.parse(text) as EventArray;
  return storedEventFromArray(row, row[10], stream.aggregateId, stream.aggregateType);
}

/** Rows per multi-row INSERT (13 parameters each, well under SQLite's parameter limit). */
const INSERT_CHUNK_ROWS = 100;

export interface SqliteBackendOptions {
  /** Apply the store's migrations on open (the embedded default does). */
  migrate?: boolean;
}

/** Opens `path` (':memory:' for a private in-memory database) and migrates it. */
export async function openSqliteBackend(
  path: string,
  options: SqliteBackendOptions = {},
): Promise<SqliteEventStoreBackend> {
  const db = openSqlite(path);
  if (options.migrate ?? true) await runMigrations({ kind: 'sqlite', db }, [storeMigrations]);
  return new SqliteEventStoreBackend(db);
}

function filterSql(filter: EventFilter, params: unknown[]): string {
  const clauses: string[] = [];
  if (filter.eventTypes !== undefined) {
    if (filter.eventTypes.length === 0) return ' AND 0';
    clauses.push(`event_type IN (${filter.eventTypes.map(() => '?').join(', ')})`);
    params.push(...filter.eventTypes);
  }
  if (filter.aggregateType !== undefined) {
    clauses.push('aggregate_type = ?');
    params.push(filter.aggregateType);
  }
  if (filter.aggregateId !== undefined) {
    clauses.push('aggregate_id = ?');
    params.push(filter.aggregateId);
  }
  if (filter.occurredFrom !== undefined) {
    clauses.push('occurred_at_ms >= ?');
    params.push(filter.occurredFrom.getTime());
  }
  if (filter.occurredTo !== undefined) {
    clauses.push('occurred_at_ms < ?');
    params.push(filter.occurredTo.getTime());
  }
  return clauses.map((clause) => ` AND ${clause}`).join('');
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}

export class SqliteEventStoreBackend implements EventStoreBackend {
  readonly kind = 'sqlite' as const;
  private closed = false;
  private readonly statements;
  /** Multi-row INSERTs by row count: one statement per chunk instead of one per event. */
  private readonly insertEvents = new Map<number, BetterSqlite3.Statement>();
  /** Statements whose text depends on the filters, prepared once per distinct text. */
  private readonly preparedByText = new Map<string, BetterSqlite3.Statement>();
  /** Event reads (one JSON text per event, plucked), by their WHERE … clause. */
  private readonly eventReads = new Map<string, BetterSqlite3.Statement<unknown[], string>>();
  /** readStream's slice and the stream's version, in one read transaction. */
  private readonly readStreamTransaction;

  constructor(readonly db: BetterSqlite3.Database) {
    this.statements = {
      streamVersion: db.prepare<[string, string], { v: number | null }>(
        'SELECT max(stream_version) AS v FROM store_events WHERE aggregate_type = ? AND aggregate_id = ?',
      ),
      insertOutboxRange: db.prepare(
        `INSERT INTO store_outbox (global_position, recorded_at)
         SELECT global_position, recorded_at FROM store_events WHERE global_position BETWEEN ? AND ?`,
      ),
      positionExists: db.prepare<[number], { one: number }>(
        'SELECT 1 AS one FROM store_events WHERE global_position = ?',
      ),
      existingIds: (count: number) =>
        db.prepare<string[], { event_id: string }>(
          `SELECT event_id FROM store_events WHERE event_id IN (${Array.from({ length: count }, () => '?').join(', ')})`,
        ),
      readSnapshot: db.prepare<[string, string, string], { stream_version: number; state: string; created_at: string }>(
        'SELECT stream_version, state, created_at FROM store_snapshots WHERE aggregate_type = ? AND aggregate_id = ? AND reducer_version = ?',
      ),
      readStream: db
        .prepare<[string, string, number, number], string>(
          `SELECT ${SQLITE_STREAM_EVENT_ARRAY} FROM store_events
           WHERE aggregate_type = ? AND aggregate_id = ? AND stream_version >= ? AND stream_version <= ?
           ORDER BY stream_version`,
        )
        .pluck(),
      writeSnapshot: db.prepare(
        `INSERT INTO store_snapshots (aggregate_type, aggregate_id, reducer_version, stream_version, state, created_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (aggregate_type, aggregate_id, reducer_version) DO UPDATE
           SET stream_version = excluded.stream_version, state = excluded.state, created_at = excluded.created_at
           WHERE excluded.stream_version > store_snapshots.stream_version`,
      ),
    };
    const { readStream, streamVersion } = this.statements;
    // One read transaction: the slice and the stream's version come from the same snapshot.
    this.readStreamTransaction = db.transaction((stream: StreamId, from: number, to: number) => {
      const texts = readStream.all(stream.aggregateType, stream.aggregateId, from, to);
      const currentVersion = streamVersion.get(stream.aggregateType, stream.aggregateId)?.v ?? EMPTY_STREAM_VERSION;
      return { texts, currentVersion };
    });
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreClosedError();
  }

  /** Events matching `where` (SQL after FROM store_events), parsed: one string per row from SQLite. */
  private readEvents(where: string, params: readonly unknown[]): StoredEvent[] {
    let statement = this.eventReads.get(where);
    if (!statement) {
      statement = this.db.prepare<unknown[], string>(`SELECT ${SQLITE_EVENT_JSON} FROM store_events ${where}`).pluck();
      this.eventReads.set(where, statement);
    }
    return statement.all(...params).map(parseStoredEvent);
  }

  async appendToStream(
    stream: StreamId,
    events: readonly AnyEventEnvelope[],
    options: BackendAppendOptions,
  ): Promise<AppendToStreamResult> {
    this.assertOpen();
    assertAppendableBatch(stream, events);
    const occurredMillis = events.map(occurredAtMillis);
    const { streamVersion, insertOutboxRange } = this.statements;
    const append = this.db.transaction((): AppendToStreamResult => {
      const current = streamVersion.get(stream.aggregateType, stream.aggregateId)?.v ?? EMPTY_STREAM_VERSION;
      assertExpectedVersion(stream, current, options.expectedVersion);
      const recordedAt = new Date().toISOString();
      let firstGlobalPosition = 0;
      let lastGlobalPosition = 0;
      for (let start = 0; start < events.length; start += INSERT_CHUNK_ROWS) {
        const chunk = events.slice(start, start + INSERT_CHUNK_ROWS);
        const values: unknown[] = [];
        chunk.forEach((event, offset) => {
          const index = start + offset;
          values.push(
            event.eventId,
            stream.aggregateType,
            stream.aggregateId,
            current + index + 1,
            event.eventType,
            event.eventVersion,
            event.occurredAt,
            occurredMillis[index],
            recordedAt,
            event.correlationId ?? null,
            event.causationId ?? null,
            JSON.stringify(event.payload),
            JSON.stringify(event.metadata ?? {}),
          );
        });
        const info = this.insertEventsStatement(chunk.length).run(...values);
        lastGlobalPosition = Number(info.lastInsertRowid);
        // Under the write lock the rows of one statement get consecutive positions.
        if (start === 0) firstGlobalPosition = lastGlobalPosition - chunk.length + 1;
      }
      if (options.outbox) insertOutboxRange.run(firstGlobalPosition, lastGlobalPosition);
      return { nextExpectedVersion: current + events.length, lastGlobalPosition };
    });
    await sqliteIdle(this.db);
    try {
      if (options.inTransaction) {
        const hook = options.inTransaction;
        return await withSqliteTransaction(this.db, async () => {
          const result = append();
          const stored = this.readEvents('WHERE global_position BETWEEN ? AND ? ORDER BY global_position', [
            result.lastGlobalPosition - events.length + 1,
            result.lastGlobalPosition,
          ]);
          await hook({ kind: 'sqlite', db: this.db }, stored);
          return result;
        });
      }
      return append.immediate();
    } catch (error) {
      if (isUniqueViolation(error)) throw this.duplicateError(events, error);
      throw error;
    }
  }

  private prepared<Row>(sql: string): BetterSqlite3.Statement<unknown[], Row> {
    let statement = this.preparedByText.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.preparedByText.set(sql, statement);
    }
    return statement as BetterSqlite3.Statement<unknown[], Row>;
  }

  /**
   * OR ROLLBACK: a conflicting row (duplicate event id) ends the whole transaction at once, which
   * is what the append does with the error anyway. With the default ABORT, SQLite must be able to
   * undo just this statement inside the open transaction, so it copies every page the statement
   * first touches into a statement journal — for 100 rows with random event ids over a hundred
   * index pages, past the 64 KiB SQLite keeps in memory, so into a temporary file. That copy cost
   * the batched append about a fifth of its CPU (decision 0155).
   */
  private insertEventsStatement(rows: number): BetterSqlite3.Statement {
    let statement = this.insertEvents.get(rows);
    if (!statement) {
      statement = this.db.prepare(
        `INSERT OR ROLLBACK INTO store_events (event_id, aggregate_type, aggregate_id, stream_version, event_type, event_version,
           occurred_at, occurred_at_ms, recorded_at, correlation_id, causation_id, payload, metadata)
         VALUES ${Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      );
      this.insertEvents.set(rows, statement);
    }
    return statement;
  }

  private duplicateError(events: readonly AnyEventEnvelope[], cause: unknown): DuplicateEventIdError {
    const ids = events.map((event) => event.eventId);
    const existing = this.statements.existingIds(ids.length).all(...ids)[0]?.event_id;
    return new DuplicateEventIdError(existing ?? ids[0]!, { cause });
  }

  async readStream(stream: StreamId, options: ReadStreamOptions = {}): Promise<ReadStreamResult> {
    this.assertOpen();
    await sqliteIdle(this.db);
    const { texts, currentVersion } = this.readStreamTransaction.deferred(
      stream,
      options.from ?? 1,
      options.to ?? Number.MAX_SAFE_INTEGER,
    );
    return {
      events: texts.map((text) => streamEventOf(stream, text)),
      currentVersion,
      streamExists: currentVersion > EMPTY_STREAM_VERSION,
    };
  }

  async readAll(options: ReadAllOptions = {}): Promise<ReadAllResult> {
    this.assertOpen();
    await sqliteIdle(this.db);
    const after = options.after ?? 0;
    const limit = options.limit ?? DEFAULT_READ_ALL_LIMIT;
    if (after > 0 && !this.statements.positionExists.get(after)) throw new UnknownPositionError(after);
    const params: unknown[] = [after];
    const where = filterSql(options, params);
    params.push(limit);
    const events = this.readEvents(`WHERE global_position > ?${where} ORDER BY global_position LIMIT ?`, params);
    return {
      events,
      lastPosition: events.at(-1)?.position.globalPosition ?? after,
      caughtUp: events.length < limit,
    };
  }

  async countEvents(filter: EventFilter = {}): Promise<number> {
    this.assertOpen();
    await sqliteIdle(this.db);
    const params: unknown[] = [];
    const where = filterSql(filter, params);
    const row = this.prepared<{ n: number }>(`SELECT count(*) AS n FROM store_events WHERE 1${where}`).get(...params);
    return row?.n ?? 0;
  }

  async readSnapshot(stream: StreamId, reducerVersion: string): Promise<StoredSnapshot | undefined> {
    this.assertOpen();
    await sqliteIdle(this.db);
    const row = this.statements.readSnapshot.get(stream.aggregateType, stream.aggregateId, reducerVersion);
    if (!row) return undefined;
    return {
      stream,
      reducerVersion,
      streamVersion: row.stream_version,
      state: JSON.parse(row.state) as unknown,
      createdAt: row.created_at,
    };
  }

  async writeSnapshot(snapshot: Omit<StoredSnapshot, 'createdAt'>): Promise<void> {
    this.assertOpen();
    await sqliteIdle(this.db);
    this.statements.writeSnapshot.run(
      snapshot.stream.aggregateType,
      snapshot.stream.aggregateId,
      snapshot.reducerVersion,
      snapshot.streamVersion,
      JSON.stringify(snapshot.state),
      new Date().toISOString(),
    );
  }

  async claimOutbox(options: OutboxClaimOptions): Promise<OutboxEntry[]> {
    this.assertOpen();
    await sqliteIdle(this.db);
    const claim = this.db.transaction(() => {
      const now = Date.now();
      const claimed = this.db
        .prepare<[number, number, number], { global_position: number; attempts: number }>(
          `UPDATE store_outbox SET claimed_until_ms = ?, attempts = attempts + 1
           WHERE global_position IN (
             SELECT global_position FROM store_outbox
             WHERE sent_at IS NULL AND (claimed_until_ms IS NULL OR claimed_until_ms < ?)
             ORDER BY global_position LIMIT ?)
           RETURNING global_position, attempts`,
        )
        .all(now + options.leaseMs, now, options.limit);
      if (claimed.length === 0) return [];
      const attempts = new Map(claimed.map((row) => [row.global_position, row.attempts]));
      const events = this.db
        .prepare<number[], string>(
          `SELECT ${SQLITE_EVENT_JSON} FROM store_events WHERE global_position IN (${claimed.map(() => '?').join(', ')})
           ORDER BY global_position`,
        )
        .pluck()
        .all(...claimed.map((row) => row.global_position))
        .map(parseStoredEvent);
      return events.map((event) => ({ event, attempts: attempts.get(event.position.globalPosition) ?? 1 }));
    });
    return claim.immediate();
  }

  async markOutboxSent(globalPositions: readonly number[]): Promise<void> {
    this.assertOpen();
    await sqliteIdle(this.db);
    if (globalPositions.length === 0) return;
    this.db
      .prepare(
        `UPDATE store_outbox SET sent_at = ?, claimed_until_ms = NULL, last_error = NULL
         WHERE global_position IN (${globalPositions.map(() => '?').join(', ')})`,
      )
      .run(new Date().toISOString(), ...globalPositions);
  }

  async releaseOutbox(globalPositions: readonly number[], error: string): Promise<void> {
    this.assertOpen();
    await sqliteIdle(this.db);
    if (globalPositions.length === 0) return;
    this.db
      .prepare(
        `UPDATE store_outbox SET claimed_until_ms = NULL, last_error = ?
         WHERE sent_at IS NULL AND global_position IN (${globalPositions.map(() => '?').join(', ')})`,
      )
      .run(error, ...globalPositions);
  }

  async outboxStats(): Promise<OutboxStats> {
    this.assertOpen();
    await sqliteIdle(this.db);
    const row = this.db
      .prepare<[], { pending: number | null; sent: number | null; oldest: string | null }>(
        `SELECT sum(sent_at IS NULL) AS pending, sum(sent_at IS NOT NULL) AS sent,
                min(CASE WHEN sent_at IS NULL THEN recorded_at END) AS oldest
         FROM store_outbox`,
      )
      .get();
    return { pending: row?.pending ?? 0, sent: row?.sent ?? 0, oldestPendingRecordedAt: row?.oldest ?? null };
  }

  async pruneOutbox(sentBefore: Date): Promise<number> {
    this.assertOpen();
    await sqliteIdle(this.db);
    const info = this.db
      .prepare('DELETE FROM store_outbox WHERE sent_at IS NOT NULL AND sent_at < ?')
      .run(sentBefore.toISOString());
    return info.changes;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}
