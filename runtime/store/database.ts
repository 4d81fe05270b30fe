/**
 * The database-access seam: where the store's (and other components') tables live, and how
 * to open it. SQLite via better-sqlite3 is the embedded default; PostgreSQL via `pg` is for
 * production. The DLQ and other components reuse this to share one database with the store.
 */
import { assertSqlIdentifier as assertIdentifier, ensureSchema } from './sql.js';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type pg from 'pg';
import { StoreConfigurationError } from './errors.js';
import type { DatabaseOptions, DatabaseTarget } from './database-options.js';
import { guardPool } from './pg-faults.js';

/** Default file of the embedded store, relative to the working directory. */
export const DEFAULT_SQLITE_PATH = '.event-bus/events.db';
/** Milliseconds a SQLite connection waits for another connection's write lock. */
export const DEFAULT_SQLITE_BUSY_TIMEOUT_MS = 10_000;
export const DEFAULT_PG_POOL_MAX = 10;

export type { DatabaseOptions, DatabaseTarget } from './database-options.js';

export type DatabaseHandle =
  | { readonly kind: 'sqlite'; readonly db: BetterSqlite3.Database }
  | { readonly kind: 'postgres'; readonly pool: pg.Pool; readonly schema?: string };

/** Precedence: `sqlite` option, `databaseUrl` option, DATABASE_URL, then the default SQLite file. */
export function resolveDatabaseTarget(options: DatabaseOptions, env: NodeJS.ProcessEnv = process.env): DatabaseTarget {
  if (options.sqlite !== undefined) return { kind: 'sqlite', path: options.sqlite };
  const connectionString = options.databaseUrl ?? env.DATABASE_URL;
  if (connectionString) {
    if (!/^postgres(ql)?:\/\//.test(connectionString)) {
      // Only the scheme is shown: a mistyped URL still carries its password (docs/security.md).
      const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(connectionString)?.[0];
      throw new StoreConfigurationError(
        `databaseUrl must be a postgres:// or postgresql:// connection string (got ${scheme ? `a '${scheme}' URL` : 'something that is not a URL'})`,
      );
    }
    if (options.postgresSchema !== undefined) assertSqlIdentifier(options.postgresSchema, 'postgresSchema');
    return {
      kind: 'postgres',
      connectionString,
      poolMax: options.postgresPoolMax ?? DEFAULT_PG_POOL_MAX,
      ...(options.postgresSchema !== undefined && { schema: options.postgresSchema }),
    };
  }
  return { kind: 'sqlite', path: DEFAULT_SQLITE_PATH };
}

/** Throws StoreConfigurationError unless `name` is a plain lower-case SQL identifier (runtime/store/sql.ts). */
export function assertSqlIdentifier(name: string, what: string): void {
  assertIdentifier(name, what, (message) => new StoreConfigurationError(message));
}

/**
 * better-sqlite3 is a native module: load it on first use, so importing the runtime (to publish,
 * say) does not need the SQLite binding.
 */
const requireModule = createRequire(import.meta.url);
let sqliteConstructor: typeof BetterSqlite3 | undefined;
let pgModule: typeof pg | undefined;

/** Opens a SQLite connection tuned for an append-mostly event log (WAL, busy timeout). */
export function openSqlite(path: string): BetterSqlite3.Database {
  if (path !== ':memory:' && !path.startsWith('file:')) mkdirSync(dirname(path), { recursive: true });
  sqliteConstructor ??= requireModule('better-sqlite3') as typeof BetterSqlite3;
  const db = new sqliteConstructor(path);
  db.pragma(`busy_timeout = ${DEFAULT_SQLITE_BUSY_TIMEOUT_MS}`);
  if (path !== ':memory:') {
    db.pragma('journal_mode = WAL');
    // WAL + NORMAL: durable across process crashes; a power loss may drop the last commits.
    db.pragma('synchronous = NORMAL');
  }
  db.pragma('foreign_keys = ON');
  return db;
}

/** A pool whose connections all use `schema` as search_path (created on first use). */
export function createPgPool(target: Extract<DatabaseTarget, { kind: 'postgres' }>): pg.Pool {
  // pg, like better-sqlite3, loads on first use: importing the runtime loads no database driver.
  pgModule ??= requireModule('pg') as typeof pg;
  // guardPool: a server restart must never crash the process through an unhandled 'error' event.
  return guardPool(
    new pgModule.Pool({
      connectionString: target.connectionString,
      max: target.poolMax,
      ...(target.schema !== undefined && { options: `-c search_path=${target.schema}` }),
    }),
  );
}

export async function openDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  if (target.kind === 'sqlite') return { kind: 'sqlite', db: openSqlite(target.path) };
  const pool = createPgPool(target);
  // An idle client's error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  if (target.schema !== undefined) {
    await ensureSchema(pool, target.schema).catch(async (error: unknown) => {
      await pool.end();
      throw error;
    });
  }
  return { kind: 'postgres', pool, ...(target.schema !== undefined && { schema: target.schema }) };
}

export async function closeDatabase(handle: DatabaseHandle): Promise<void> {
  if (handle.kind === 'sqlite') handle.db.close();
  else await handle.pool.end();
}
