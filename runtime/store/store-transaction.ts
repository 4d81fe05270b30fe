/**
 * The store's open database transaction as other components see it (inline projections write
 * their read model through it), and the one lock that keeps an asynchronous transaction on a
 * SQLite connection from being joined by anything else on that connection (sqlite-lock.ts).
 *
 * better-sqlite3 runs one connection per Database object and nests `db.transaction()` calls
 * inside an open transaction as savepoints. A transaction whose body awaits (an async
 * projection handler) would therefore be joined — or read uncommitted — by any other operation
 * on the same connection that runs between its awaits. Every such transaction goes through
 * `withSqliteTransaction`, and the backend's own operations wait while one is open.
 */
import type { StoredEvent } from './types.js';

/**
 * An open transaction of the store's database: plain SQL on SQLite or PostgreSQL. At run time
 * `db` is better-sqlite3's `Database` and `client` pg's `PoolClient`; the public type names only
 * what a hook needs, so the package's types compile where neither driver (nor its @types) is
 * installed (decision 0006). Internals narrow with `sqliteDatabaseOf` / `postgresClientOf`.
 */
export type StoreTransaction =
  | { readonly kind: 'sqlite'; readonly db: SqliteDatabaseLike }
  | { readonly kind: 'postgres'; readonly client: PostgresClientLike };

/** The part of better-sqlite3's `Database` a hook uses. */
export interface SqliteDatabaseLike {
  prepare(source: string): { run(...params: unknown[]): unknown; all(...params: unknown[]): unknown[]; get(...params: unknown[]): unknown };
  exec(source: string): unknown;
}

/** The part of pg's `PoolClient` a hook uses. */
export interface PostgresClientLike {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg's own default row type
  query<R = any>(text: string, values?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
}

/**
 * Runs inside an append's transaction after the events are written and the expected version
 * checked, before COMMIT; throwing rolls the append back. It must use only `transaction`
 * (never the store itself: the append holds the connection).
 */
export type AppendTransactionHook = (transaction: StoreTransaction, events: readonly StoredEvent[]) => Promise<void>;
