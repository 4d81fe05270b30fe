/**
 * The store's open database transaction as other components see it (inline projections write
 * their read model through it), and the one lock that keeps an asynchronous transaction on a
 * SQLite connection from being joined by anything else on that connection.
 *
 * better-sqlite3 runs one connection per Database object and nests `db.transaction()` calls
 * inside an open transaction as savepoints. A transaction whose body awaits (an async
 * projection handler) would therefore be joined — or read uncommitted — by any other operation
 * on the same connection that runs between its awaits. Every such transaction goes through
 * `withSqliteTransaction`, and the backend's own operations wait while one is open.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type pg from 'pg';
import type { StoredEvent } from './types.js';

/** An open transaction of the store's database: plain SQL on SQLite or PostgreSQL. */
export type StoreTransaction =
  | { readonly kind: 'sqlite'; readonly db: BetterSqlite3.Database }
  | { readonly kind: 'postgres'; readonly client: pg.PoolClient };

/**
 * Runs inside an append's transaction after the events are written and the expected version
 * checked, before COMMIT; throwing rolls the append back. It must use only `transaction`
 * (never the store itself: the append holds the connection).
 */
export type AppendTransactionHook = (transaction: StoreTransaction, events: readonly StoredEvent[]) => Promise<void>;

const tails = new WeakMap<BetterSqlite3.Database, Promise<void>>();
/** Holders and waiters of each connection's lock. */
const queued = new WeakMap<BetterSqlite3.Database, number>();

/** Serializes async work on one SQLite connection, one holder at a time, in call order. */
export async function withSqliteConnection<T>(db: BetterSqlite3.Database, body: () => Promise<T>): Promise<T> {
  const previous = tails.get(db) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => (release = resolve));
  tails.set(
    db,
    previous.then(() => mine),
  );
  queued.set(db, (queued.get(db) ?? 0) + 1);
  await previous;
  try {
    return await body();
  } finally {
    queued.set(db, (queued.get(db) ?? 1) - 1);
    release();
  }
}

/**
 * BEGIN IMMEDIATE … COMMIT around an async body on a SQLite connection, holding the
 * connection's lock; ROLLBACK when the body throws.
 */
export function withSqliteTransaction<T>(db: BetterSqlite3.Database, body: () => Promise<T>): Promise<T> {
  return withSqliteConnection(db, async () => {
    db.exec('BEGIN IMMEDIATE');
    try {
      const result = await body();
      db.exec('COMMIT');
      return result;
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw error;
    }
  });
}

/** Waits until no async transaction holds or waits for the connection (sync work may then run). */
export async function sqliteIdle(db: BetterSqlite3.Database): Promise<void> {
  while ((queued.get(db) ?? 0) > 0) await tails.get(db);
}
