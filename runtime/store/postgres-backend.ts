/**
 * PostgreSQL backend (node-postgres). Appends to one stream are serialized by a
 * transaction-scoped advisory lock taken BEFORE the transaction writes anything, so the
 * transaction id PostgreSQL assigns at the first insert is larger than that of every earlier
 * append to the stream. readAll orders by (transaction_id, global_position) and returns only
 * rows of transactions older than the snapshot's xmin: gap-safe under concurrent writers
 * (technique and proof: docs/postgres-gap-safe-cursor.md).
 */
import { ensureSchema } from './sql.js';
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { AnyEventEnvelope } from '../envelope.js';
import type { EventStoreBackend } from './backend.js';
import { createPgPool, resolveDatabaseTarget, type DatabaseOptions } from './database.js';
import {
  DuplicateEventIdError,
  ExpectedVersionConflictError,
  StoreClosedError,
  StoreConfigurationError,
  StoreNotMigratedError,
  UnknownPositionError,
} from './errors.js';
import { assertExpectedVersion, EMPTY_STREAM_VERSION, expectedVersionRange } from './expected-version.js';
import { runMigrations, storeMigrations } from './migrations.js';
import {
  guardPool,
  isRetryableStoreError,
  retryableReason,
  StoreUnavailableError,
  withStoreRetry,
  type StoreRetryPolicy,
} from './pg-faults.js';
import {
  assertAppendableBatch,
  DEFAULT_READ_ALL_LIMIT,
  occurredAtMillis,
} from './rows.js';
import { eventFromArray, POSTGRES_EVENT_ARRAY, POSTGRES_STREAM_EVENT_ARRAY } from './postgres-rows.js';
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

/** A stream's version: its last row by the (aggregate_type, aggregate_id, stream_version) index. */
const LAST_VERSION_SQL = `SELECT s.stream_version AS v FROM store_events s
  WHERE s.aggregate_type = $1 AND s.aggregate_id = $2 ORDER BY s.stream_version DESC LIMIT 1`;

/** Reads return each event as one text column, `event`: a JSON array (postgres-rows.ts, decision 0160). */
const EVENT_JSON = `${POSTGRES_EVENT_ARRAY} AS event`;
const STREAM_EVENT_JSON = `${POSTGRES_STREAM_EVENT_ARRAY} AS event`;

/** Arrays, not keyed objects, from the driver: each read has one or two columns. */
type ArrayRows<T extends unknown[]> = { rows: T[] };

export interface PostgresBackendOptions {
  /** Apply the store's migrations on open. */
  migrate?: boolean;
  /** Retries of operations that failed with a retryable error (restart, lost connection, 40001, 40P01). */
  retry?: StoreRetryPolicy;
}

/** Opens a pool for `options` (databaseUrl / DATABASE_URL, postgresSchema) and migrates. */
export async function openPostgresBackend(
  options: DatabaseOptions,
  backendOptions: PostgresBackendOptions = {},
): Promise<PostgresEventStoreBackend> {
  const target = resolveDatabaseTarget({ ...options, sqlite: undefined });
  if (target.kind !== 'postgres')
    throw new StoreConfigurationError('PostgreSQL backend needs databaseUrl or DATABASE_URL');
  const pool = createPgPool(target);
  pool.on('error', () => undefined);
  try {
    if (target.schema !== undefined) {
      await ensureSchema(pool, target.schema);
    }
    if (backendOptions.migrate ?? true) {
      await runMigrations({ kind: 'postgres', pool }, [storeMigrations]);
    } else {
      const { rows } = await pool.query<{ found: string | null }>("SELECT to_regclass('store_events')::text AS found");
      if (!rows[0]?.found)
        throw new StoreNotMigratedError(target.schema === undefined ? 'this database' : `schema '${target.schema}'`);
    }
  } catch (error) {
    await pool.end();
    throw error;
  }
  return new PostgresEventStoreBackend(pool, {
    ownsPool: true,
    ...(backendOptions.retry !== undefined && { retry: backendOptions.retry }),
  });
}

const APPEND_SQL =
  'SELECT current_version, last_position FROM store_append($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)';
/**
 * Named, so each connection parses and plans the call once (the server's parse and plan of the
 * outer SELECT were ~15% of its time per single append; decision 0161). The name is ours: pg
 * refuses one name for two texts on a connection.
 */
const APPEND_STATEMENT = 'event_bus_store_append_v1';
/** The same for a stream's page (planning was ~0.7 ms of each 1,000-event page's ~11 ms). */
const READ_STREAM_STATEMENT = 'event_bus_store_read_stream_v1';

/** Serialization failures and deadlocks roll the statement back: its outcome is known. */
function isRolledBack(error: unknown): boolean {
  const code = (error as PgError).code;
  return code === '40001' || code === '40P01';
}

/** 64-bit advisory lock key of a stream (collisions only serialize two streams, never corrupt). */
export function streamLockKey(stream: StreamId): string {
  // Not crypto.hash (cheaper, same bytes): it needs Node 20.12, and the package supports every Node 20.
  const digest = createHash('sha256').update(`${stream.aggregateType}\u0000${stream.aggregateId}`).digest();
  return digest.readBigInt64BE(0).toString();
}

function filterSql(filter: EventFilter, params: unknown[]): string {
  const clauses: string[] = [];
  const param = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  if (filter.eventTypes !== undefined) clauses.push(`e.event_type = ANY(${param(filter.eventTypes)}::text[])`);
  if (filter.aggregateType !== undefined) clauses.push(`e.aggregate_type = ${param(filter.aggregateType)}`);
  if (filter.aggregateId !== undefined) clauses.push(`e.aggregate_id = ${param(filter.aggregateId)}`);
  if (filter.occurredFrom !== undefined) clauses.push(`e.occurred_at_ts >= ${param(filter.occurredFrom)}`);
  if (filter.occurredTo !== undefined) clauses.push(`e.occurred_at_ts < ${param(filter.occurredTo)}`);
  return clauses.map((clause) => ` AND ${clause}`).join('');
}

interface PgError {
  code?: string;
  constraint?: string;
  detail?: string;
}

const RETRIED_OPERATIONS = [
  'readStream',
  'readAll',
  'countEvents',
  'readSnapshot',
  'writeSnapshot',
  'claimOutbox',
  'markOutboxSent',
  'releaseOutbox',
  'outboxStats',
  'pruneOutbox',
] as const satisfies readonly (keyof EventStoreBackend)[];

/** Retries and give-ups since the backend opened (faults it absorbed). */
export interface PostgresFaultStats {
  retries: number;
  gaveUp: number;
}

export class PostgresEventStoreBackend implements EventStoreBackend {
  readonly kind = 'postgres' as const;
  private closed = false;
  private readonly ownsPool: boolean;
  private readonly retry: StoreRetryPolicy;
  readonly faults: PostgresFaultStats = { retries: 0, gaveUp: 0 };

  constructor(
    readonly pool: pg.Pool,
    options: { ownsPool?: boolean; retry?: StoreRetryPolicy } = {},
  ) {
    this.ownsPool = options.ownsPool ?? false;
    this.retry = options.retry ?? {};
    guardPool(pool);
    // Reads, snapshot upserts and outbox claims/updates are safe to repeat: each runs through
    // retrying() (a claim whose answer was lost only delays those rows until their lease ends).
    for (const operation of RETRIED_OPERATIONS) {
      const once = this[operation].bind(this) as (...args: unknown[]) => Promise<unknown>;
      (this as Record<string, unknown>)[operation] = (...args: unknown[]) => this.retrying(operation, () => once(...args));
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreClosedError();
  }

  /** Every operation below is safe to repeat (appends: see appendToStream), so all go through here. */
  private async retrying<T>(operation: string, work: () => Promise<T>): Promise<T> {
    try {
      return await withStoreRetry(operation, work, this.retry, { onRetry: () => (this.faults.retries += 1) });
    } catch (error) {
      if (error instanceof StoreUnavailableError) this.faults.gaveUp += 1;
      throw error;
    }
  }

  /**
   * Retried when the database fails with a retryable error. A failure before COMMIT wrote nothing;
   * one during COMMIT is ambiguous: the retry then finds the event ids already stored
   * (DuplicateEventIdError) and, when they are all ours in this stream, reports the append done.
   */
  async appendToStream(
    stream: StreamId,
    events: readonly AnyEventEnvelope[],
    options: BackendAppendOptions,
  ): Promise<AppendToStreamResult> {
    this.assertOpen();
    assertAppendableBatch(stream, events);
    let commitUncertain = false;
    return this.retrying('append', async () => {
      try {
        return await this.appendOnce(stream, events, options);
      } catch (error) {
        if (error instanceof StoreUnavailableError && error.ambiguous) commitUncertain = true;
        else if (commitUncertain && error instanceof DuplicateEventIdError) {
          const committed = await this.committedAppend(stream, events);
          if (committed) return committed;
        }
        throw error;
      }
    });
  }

  /** The result of an earlier attempt whose COMMIT went through, or undefined. */
  private async committedAppend(
    stream: StreamId,
    events: readonly AnyEventEnvelope[],
  ): Promise<AppendToStreamResult | undefined> {
    const { rows } = await this.pool.query<{ aggregate_type: string; aggregate_id: string; v: string; p: string }>(
      `SELECT aggregate_type, aggregate_id, max(stream_version) AS v, max(global_position) AS p, count(*) AS n
       FROM store_events WHERE event_id = ANY($1::text[]) GROUP BY aggregate_type, aggregate_id HAVING count(*) = $2`,
      [events.map((event) => event.eventId), events.length],
    );
    const row = rows[0];
    if (rows.length !== 1 || !row || row.aggregate_type !== stream.aggregateType || row.aggregate_id !== stream.aggregateId)
      return undefined;
    return { nextExpectedVersion: Number(row.v), lastGlobalPosition: Number(row.p) };
  }

  /**
   * One call of store_append (migration 0002, decision 0125): lock, version check, events and
   * outbox rows in one statement. Without a hook it runs alone, one autocommit round trip; with
   * one it runs inside BEGIN … COMMIT so the hook shares the transaction.
   */
  private async appendOnce(
    stream: StreamId,
    events: readonly AnyEventEnvelope[],
    options: BackendAppendOptions,
  ): Promise<AppendToStreamResult> {
    const count = events.length;
    const ids = new Array<string>(count);
    const types = new Array<string>(count);
    const versions = new Array<number>(count);
    const occurredAt = new Array<string>(count);
    const occurredAtTs = new Array<string>(count);
    const correlationIds = new Array<string | null>(count);
    const causationIds = new Array<string | null>(count);
    const payloads = new Array<string>(count);
    const metadata = new Array<string>(count);
    for (let i = 0; i < count; i++) {
      const event = events[i]!;
      ids[i] = event.eventId;
      types[i] = event.eventType;
      versions[i] = event.eventVersion;
      occurredAt[i] = event.occurredAt;
      // ISO 8601 UTC: the same instant pg's Date serialization sent (ms, local offset), cheaper to write.
      occurredAtTs[i] = new Date(occurredAtMillis(event)).toISOString();
      correlationIds[i] = event.correlationId ?? null;
      causationIds[i] = event.causationId ?? null;
      payloads[i] = JSON.stringify(event.payload);
      metadata[i] = JSON.stringify(event.metadata ?? {});
    }
    const [minVersion, maxVersion] = expectedVersionRange(options.expectedVersion);
    const params = [
      streamLockKey(stream),
      stream.aggregateType,
      stream.aggregateId,
      minVersion,
      maxVersion,
      ids,
      types,
      versions,
      occurredAt,
      occurredAtTs,
      correlationIds,
      causationIds,
      payloads,
      metadata,
      options.outbox,
    ];
    const client = await this.pool.connect();
    const hook = options.inTransaction;
    let broken: Error | undefined;
    let inTransaction = false;
    try {
      if (hook) {
        // BEGIN assigns no transaction id: store_append's insert does, after its lock (see the migration).
        await client.query('BEGIN');
        inTransaction = true;
      }
      let appended: { current_version: string; last_position: string | null } | undefined;
      try {
        appended = (
          await client.query<{ current_version: string; last_position: string | null }>({
            name: APPEND_STATEMENT,
            text: APPEND_SQL,
            values: params,
          })
        ).rows[0];
      } catch (error) {
        // Alone, the statement is its own transaction: a lost connection leaves its commit unknown.
        const reason = retryableReason(error);
        if (hook || reason === undefined || isRolledBack(error)) throw error;
        throw new StoreUnavailableError('append', 1, reason, { cause: error, ambiguous: true });
      }
      const current = Number(appended!.current_version);
      if (appended!.last_position === null) {
        assertExpectedVersion(stream, current, options.expectedVersion);
        // The range and matchesExpectedVersion are one decision; disagreeing would be a bug here.
        throw new Error(`store_append refused version ${current} that ${String(options.expectedVersion)} admits`);
      }
      if (hook) {
        const { rows } = await client.query<[string]>({
          text: `SELECT ${STREAM_EVENT_JSON} FROM store_events e
           WHERE e.aggregate_type = $1 AND e.aggregate_id = $2 AND e.stream_version > $3 ORDER BY e.stream_version`,
          values: [stream.aggregateType, stream.aggregateId, current],
          rowMode: 'array',
        });
        await hook({ kind: 'postgres', client }, rows.map((row) => eventFromArray(row[0], stream)));
        try {
          await client.query('COMMIT');
          inTransaction = false;
        } catch (error) {
          const reason = retryableReason(error);
          if (reason === undefined) throw error;
          throw new StoreUnavailableError('append', 1, reason, { cause: error, ambiguous: true });
        }
      }
      return { nextExpectedVersion: current + count, lastGlobalPosition: Number(appended!.last_position) };
    } catch (error) {
      // A connection that failed is dropped from the pool rather than handed out again.
      if (isRetryableStoreError(error)) broken = error as Error;
      else if (inTransaction) await client.query('ROLLBACK').catch(() => undefined);
      throw this.translateError(stream, events, options, error);
    } finally {
      client.release(broken);
    }
  }

  private translateError(
    stream: StreamId,
    events: readonly AnyEventEnvelope[],
    options: BackendAppendOptions,
    error: unknown,
  ): unknown {
    const pgError = error as PgError;
    if (pgError.code === '42883' && /store_append/.test((error as Error).message))
      return new StoreNotMigratedError('this database', 'function store_append (migration store/0002) does');
    if (pgError.code !== '23505') return error;
    if (pgError.constraint === 'store_events_event_id_unique') {
      const id = /\(event_id\)=\((.*)\)/.exec(pgError.detail ?? '')?.[1] ?? events[0]!.eventId;
      return new DuplicateEventIdError(id, { cause: error });
    }
    if (pgError.constraint === 'store_events_stream_version_unique') {
      // Unreachable while every writer takes the stream lock; kept as the last line of defence.
      return new ExpectedVersionConflictError(stream, -1, options.expectedVersion);
    }
    return error;
  }

  async readStream(stream: StreamId, options: ReadStreamOptions = {}): Promise<ReadStreamResult> {
    this.assertOpen();
    // One statement: the slice and the stream's version (an InitPlan, evaluated once) come from the
    // same snapshot. The version is the last row by the unique index, one probe; max() over the
    // stream scanned every entry of it per page (quadratic folds). Only an empty slice needs a
    // second statement for the version.
    const { rows } = (await this.pool.query<[string, string | null]>({
      name: READ_STREAM_STATEMENT,
      text: `SELECT ${STREAM_EVENT_JSON}, (${LAST_VERSION_SQL}) AS current_version FROM store_events e
       WHERE e.aggregate_type = $1 AND e.aggregate_id = $2 AND e.stream_version >= $3 AND e.stream_version <= $4
       ORDER BY e.stream_version`,
      values: [stream.aggregateType, stream.aggregateId, options.from ?? 1, options.to ?? Number.MAX_SAFE_INTEGER],
      rowMode: 'array',
    })) as ArrayRows<[string, string | null]>;
    let version = rows[0]?.[1];
    if (rows.length === 0) {
      const last = await this.pool.query<{ v: string }>(`${LAST_VERSION_SQL}`, [stream.aggregateType, stream.aggregateId]);
      version = last.rows[0]?.v;
    }
    const currentVersion = version == null ? EMPTY_STREAM_VERSION : Number(version);
    const events = new Array<StoredEvent>(rows.length);
    for (let i = 0; i < rows.length; i++) events[i] = eventFromArray(rows[i]![0], stream);
    return { events, currentVersion, streamExists: currentVersion > EMPTY_STREAM_VERSION };
  }

  async readAll(options: ReadAllOptions = {}): Promise<ReadAllResult> {
    this.assertOpen();
    const after = options.after ?? 0;
    const limit = options.limit ?? DEFAULT_READ_ALL_LIMIT;
    let afterTransaction = '0';
    if (after > 0) {
      const { rows } = await this.pool.query<{ transaction_id: string }>(
        'SELECT transaction_id::text FROM store_events WHERE global_position = $1',
        [after],
      );
      if (!rows[0]) throw new UnknownPositionError(after);
      afterTransaction = rows[0].transaction_id;
    }
    const params: unknown[] = [afterTransaction, after];
    const where = filterSql(options, params);
    params.push(limit);
    // Only transactions below the snapshot's xmin: all of them have ended, so nothing can
    // still commit into the part of the (transaction_id, global_position) order we return.
    const { rows } = await this.pool.query<[string]>({
      text: `SELECT ${EVENT_JSON} FROM store_events e
       WHERE (e.transaction_id, e.global_position) > ($1::xid8, $2::bigint)
         AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())${where}
       ORDER BY e.transaction_id, e.global_position
       LIMIT $${params.length}`,
      values: params,
      rowMode: 'array',
    });
    const events = rows.map((row) => eventFromArray(row[0]));
    return { events, lastPosition: events.at(-1)?.position.globalPosition ?? after, caughtUp: events.length < limit };
  }

  async countEvents(filter: EventFilter = {}): Promise<number> {
    this.assertOpen();
    const params: unknown[] = [];
    const where = filterSql(filter, params);
    const { rows } = await this.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM store_events e WHERE e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())${where}`,
      params,
    );
    return Number(rows[0]?.n ?? 0);
  }

  async readSnapshot(stream: StreamId, reducerVersion: string): Promise<StoredSnapshot | undefined> {
    this.assertOpen();
    const { rows } = await this.pool.query<{ stream_version: string; state: unknown; created_at: Date }>(
      `SELECT stream_version, state, created_at FROM store_snapshots
       WHERE aggregate_type = $1 AND aggregate_id = $2 AND reducer_version = $3`,
      [stream.aggregateType, stream.aggregateId, reducerVersion],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      stream,
      reducerVersion,
      streamVersion: Number(row.stream_version),
      state: row.state,
      createdAt: row.created_at.toISOString(),
    };
  }

  async writeSnapshot(snapshot: Omit<StoredSnapshot, 'createdAt'>): Promise<void> {
    this.assertOpen();
    await this.pool.query(
      `INSERT INTO store_snapshots (aggregate_type, aggregate_id, reducer_version, stream_version, state)
       VALUES ($1, $2, $3, $4, $5::jsonb)
       ON CONFLICT (aggregate_type, aggregate_id, reducer_version) DO UPDATE
         SET stream_version = excluded.stream_version, state = excluded.state, created_at = now()
         WHERE excluded.stream_version > store_snapshots.stream_version`,
      [
        snapshot.stream.aggregateType,
        snapshot.stream.aggregateId,
        snapshot.reducerVersion,
        snapshot.streamVersion,
        JSON.stringify(snapshot.state),
      ],
    );
  }

  async claimOutbox(options: OutboxClaimOptions): Promise<OutboxEntry[]> {
    this.assertOpen();
    const { rows } = await this.pool.query<{ event: string; attempts: number }>(
      `WITH claimed AS (
         UPDATE store_outbox o SET claimed_until = now() + $2::int * interval '1 millisecond', attempts = o.attempts + 1
         WHERE o.global_position IN (
           SELECT global_position FROM store_outbox
           WHERE sent_at IS NULL AND (claimed_until IS NULL OR claimed_until < now())
           ORDER BY global_position LIMIT $1
           FOR UPDATE SKIP LOCKED)
         RETURNING o.global_position, o.attempts
       )
       SELECT ${EVENT_JSON}, c.attempts FROM claimed c JOIN store_events e ON e.global_position = c.global_position
       ORDER BY e.global_position`,
      [options.limit, options.leaseMs],
    );
    return rows.map((row) => ({ event: eventFromArray(row.event), attempts: row.attempts }));
  }

  async markOutboxSent(globalPositions: readonly number[]): Promise<void> {
    this.assertOpen();
    if (globalPositions.length === 0) return;
    await this.pool.query(
      `UPDATE store_outbox SET sent_at = now(), claimed_until = NULL, last_error = NULL WHERE global_position = ANY($1::bigint[])`,
      [globalPositions],
    );
  }

  async releaseOutbox(globalPositions: readonly number[], error: string): Promise<void> {
    this.assertOpen();
    if (globalPositions.length === 0) return;
    await this.pool.query(
      `UPDATE store_outbox SET claimed_until = NULL, last_error = $2
       WHERE sent_at IS NULL AND global_position = ANY($1::bigint[])`,
      [globalPositions, error],
    );
  }

  async outboxStats(): Promise<OutboxStats> {
    this.assertOpen();
    const { rows } = await this.pool.query<{ pending: string; sent: string; oldest: Date | null }>(
      `SELECT count(*) FILTER (WHERE sent_at IS NULL) AS pending, count(*) FILTER (WHERE sent_at IS NOT NULL) AS sent,
              min(recorded_at) FILTER (WHERE sent_at IS NULL) AS oldest
       FROM store_outbox`,
    );
    const row = rows[0];
    return {
      pending: Number(row?.pending ?? 0),
      sent: Number(row?.sent ?? 0),
      oldestPendingRecordedAt: row?.oldest ? row.oldest.toISOString() : null,
    };
  }

  async pruneOutbox(sentBefore: Date): Promise<number> {
    this.assertOpen();
    const result = await this.pool.query('DELETE FROM store_outbox WHERE sent_at IS NOT NULL AND sent_at < $1', [
      sentBefore,
    ]);
    return result.rowCount ?? 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsPool) await this.pool.end();
  }
}
