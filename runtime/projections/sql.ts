/**
 * The little SQL plumbing projections need on both backends: transactions on a DatabaseHandle,
 * one-statement execution with `?` placeholders, and the state tables.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { EventStoreBackend } from '../store/backend.js';
import type { DatabaseHandle } from '../store/database.js';
import { runMigrations, type MigrationSet } from '../store/migrations.js';
import { sqliteDatabaseOf, sqliteIdle, withSqliteTransaction } from '../store/sqlite-lock.js';
import type { StoreTransaction } from '../store/store-transaction.js';
import type { AnyProjection, ProjectionContext } from './types.js';

/** The database of a store's backend, for projections sharing its connection (SQLite) or pool. */
export function projectionDatabaseOf(backend: EventStoreBackend): DatabaseHandle {
  const withDb = backend as unknown as { db?: BetterSqlite3.Database; pool?: import('pg').Pool };
  if (backend.kind === 'sqlite' && withDb.db) return { kind: 'sqlite', db: withDb.db };
  if (backend.kind === 'postgres' && withDb.pool) return { kind: 'postgres', pool: withDb.pool };
  throw new TypeError(`A ${backend.kind} backend without its connection cannot host projections`);
}

/** Runs `body` in one transaction (SQLite: BEGIN IMMEDIATE under the connection's lock). */
export async function inTransaction<T>(
  db: DatabaseHandle,
  body: (transaction: StoreTransaction) => Promise<T>,
): Promise<T> {
  if (db.kind === 'sqlite') return withSqliteTransaction(db.db, () => body({ kind: 'sqlite', db: db.db }));
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    const result = await body({ kind: 'postgres', client });
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** `?` → `$1, $2, …` outside quoted strings and identifiers. */
export function toPostgresPlaceholders(sql: string): string {
  let out = '';
  let n = 0;
  let quote: string | undefined;
  for (const char of sql) {
    if (quote) {
      if (char === quote) quote = undefined;
      out += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      out += char;
    } else if (char === '?') {
      out += `$${++n}`;
    } else out += char;
  }
  return out;
}

const statementCache = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();

function sqliteStatement(db: BetterSqlite3.Database, sql: string): BetterSqlite3.Statement {
  let cache = statementCache.get(db);
  if (!cache) statementCache.set(db, (cache = new Map()));
  let statement = cache.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    if (cache.size > 500) cache.clear();
    cache.set(sql, statement);
  }
  return statement;
}

function sqliteParam(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  return value;
}

export interface Executed<Row> {
  readonly rows: Row[];
  /** Rows changed by an INSERT/UPDATE/DELETE. */
  readonly changes: number;
}

/** One statement in an open transaction. */
export async function executeIn<Row extends object>(
  transaction: StoreTransaction,
  sql: string,
  params: readonly unknown[] = [],
): Promise<Executed<Row>> {
  if (transaction.kind === 'sqlite') {
    const statement = sqliteStatement(sqliteDatabaseOf(transaction), sql);
    const values = params.map(sqliteParam);
    if (statement.reader) return { rows: statement.all(...values) as Row[], changes: 0 };
    return { rows: [], changes: statement.run(...values).changes };
  }
  const result = await transaction.client.query(toPostgresPlaceholders(sql), params as unknown[]);
  return { rows: result.rows as Row[], changes: result.rowCount ?? 0 };
}

/** One statement outside any transaction (autocommit). */
export async function execute<Row extends object>(
  db: DatabaseHandle,
  sql: string,
  params: readonly unknown[] = [],
): Promise<Executed<Row>> {
  if (db.kind === 'sqlite') {
    await sqliteIdle(db.db);
    return executeIn({ kind: 'sqlite', db: db.db }, sql, params);
  }
  const result = await db.pool.query(toPostgresPlaceholders(sql), params as unknown[]);
  return { rows: result.rows as Row[], changes: result.rowCount ?? 0 };
}

/** Physical table of one generation. */
export function physicalTable(table: string, generation: number): string {
  return `${table}_g${generation}`;
}

export function projectionContext(
  transaction: StoreTransaction,
  projection: AnyProjection,
  generation: number,
): ProjectionContext {
  const tables = new Set(projection.tables);
  return {
    kind: transaction.kind,
    transaction,
    table(name: string): string {
      if (!tables.has(name))
        throw new TypeError(
          `Projection '${projection.name}' declares no table '${name}' (tables: ${projection.tables.join(', ')})`,
        );
      return physicalTable(name, generation);
    },
    async execute<Row extends object>(sql: string, params?: readonly unknown[]): Promise<Row[]> {
      return (await executeIn<Row>(transaction, sql, params)).rows;
    },
  };
}

// ---- state tables ----------------------------------------------------------------------------

const SQLITE_STATE = `CREATE TABLE projection_state (
  name TEXT PRIMARY KEY,
  mode TEXT NOT NULL,
  version INTEGER NOT NULL,
  event_types TEXT NOT NULL,
  tables TEXT NOT NULL,
  -- generation of the tables the views point at; 0 = not built yet
  generation INTEGER NOT NULL DEFAULT 0,
  -- async: global position of the last event applied (the readAll cursor)
  checkpoint INTEGER NOT NULL DEFAULT 0,
  lease_owner TEXT,
  lease_until_ms INTEGER,
  rebuild_generation INTEGER,
  rebuild_version INTEGER,
  rebuild_owner TEXT,
  rebuild_until_ms INTEGER,
  rebuild_checkpoint INTEGER,
  rebuild_processed INTEGER,
  rebuild_total INTEGER,
  updated_at TEXT NOT NULL
);
CREATE TABLE projection_inbox (
  projection TEXT NOT NULL,
  event_id TEXT NOT NULL,
  processed_at TEXT NOT NULL,
  PRIMARY KEY (projection, event_id)
);`;

const POSTGRES_STATE = SQLITE_STATE.replace(/INTEGER/g, 'bigint').replace(/TEXT/g, 'text');

/** The projections' own tables (state rows, inbox), applied like any other component's. */
export const projectionMigrations: MigrationSet = {
  component: 'projections',
  migrations: {
    sqlite: [{ version: 1, name: '0001-projection-state-inbox.sql', sql: SQLITE_STATE }],
    postgres: [{ version: 1, name: '0001-projection-state-inbox.sql', sql: POSTGRES_STATE }],
  },
};

const migrated = new WeakSet<object>();

export async function ensureProjectionTables(db: DatabaseHandle): Promise<void> {
  const key = db.kind === 'sqlite' ? db.db : db.pool;
  if (migrated.has(key)) return;
  if (db.kind === 'sqlite') await sqliteIdle(db.db);
  await runMigrations(db, [projectionMigrations]);
  migrated.add(key);
}

export interface ProjectionStateRow {
  readonly name: string;
  readonly mode: string;
  readonly version: number;
  readonly eventTypes: string[];
  readonly tables: string[];
  readonly generation: number;
  readonly checkpoint: number;
  readonly leaseOwner: string | null;
  readonly leaseUntilMs: number | null;
  readonly rebuild: {
    readonly generation: number;
    readonly version: number;
    readonly owner: string;
    readonly untilMs: number;
    readonly checkpoint: number;
    readonly processed: number;
    readonly total: number;
  } | null;
  readonly updatedAt: string;
}

const STATE_COLUMNS = `name, mode, version, event_types, tables, generation, checkpoint, lease_owner, lease_until_ms,
  rebuild_generation, rebuild_version, rebuild_owner, rebuild_until_ms, rebuild_checkpoint, rebuild_processed, rebuild_total, updated_at`;

type RawState = Record<string, string | number | null>;

const num = (value: string | number | null | undefined): number => Number(value ?? 0);

function toState(row: RawState): ProjectionStateRow {
  return {
    name: String(row.name),
    mode: String(row.mode),
    version: num(row.version),
    eventTypes: JSON.parse(String(row.event_types)) as string[],
    tables: JSON.parse(String(row.tables)) as string[],
    generation: num(row.generation),
    checkpoint: num(row.checkpoint),
    leaseOwner: row.lease_owner === null ? null : String(row.lease_owner),
    leaseUntilMs: row.lease_until_ms === null ? null : num(row.lease_until_ms),
    rebuild:
      row.rebuild_generation === null
        ? null
        : {
            generation: num(row.rebuild_generation),
            version: num(row.rebuild_version),
            owner: String(row.rebuild_owner),
            untilMs: num(row.rebuild_until_ms),
            checkpoint: num(row.rebuild_checkpoint),
            processed: num(row.rebuild_processed),
            total: num(row.rebuild_total),
          },
    updatedAt: String(row.updated_at),
  };
}

/** The state row inside a transaction (`forUpdate` locks it on PostgreSQL). */
export async function readState(
  transaction: StoreTransaction,
  name: string,
  options: { forUpdate?: boolean } = {},
): Promise<ProjectionStateRow | undefined> {
  const lock = options.forUpdate && transaction.kind === 'postgres' ? ' FOR UPDATE' : '';
  const { rows } = await executeIn<RawState>(
    transaction,
    `SELECT ${STATE_COLUMNS} FROM projection_state WHERE name = ?${lock}`,
    [name],
  );
  return rows[0] ? toState(rows[0]) : undefined;
}

/** The state row, outside any transaction. */
export async function loadState(db: DatabaseHandle, name: string): Promise<ProjectionStateRow | undefined> {
  const { rows } = await execute<RawState>(db, `SELECT ${STATE_COLUMNS} FROM projection_state WHERE name = ?`, [name]);
  return rows[0] ? toState(rows[0]) : undefined;
}

export async function listStates(db: DatabaseHandle): Promise<ProjectionStateRow[]> {
  const { rows } = await execute<RawState>(db, `SELECT ${STATE_COLUMNS} FROM projection_state ORDER BY name`);
  return rows.map(toState);
}

/** Inserts the state row of a projection seen for the first time (no tables yet). */
export async function registerState(db: DatabaseHandle, projection: AnyProjection, mode: string): Promise<void> {
  await execute(
    db,
    `INSERT INTO projection_state (name, mode, version, event_types, tables, updated_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (name) DO NOTHING`,
    [
      projection.name,
      mode,
      projection.version,
      JSON.stringify(projection.eventTypes),
      JSON.stringify(projection.tables),
      new Date().toISOString(),
    ],
  );
}
