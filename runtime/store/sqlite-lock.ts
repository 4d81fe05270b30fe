/**
 * The one lock per SQLite connection that keeps an asynchronous transaction from being joined by
 * anything else on that connection (see store-transaction.ts), and the driver objects behind a
 * StoreTransaction. Internal: the public types name no driver.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type pg from 'pg';
import type { StoreTransaction } from './store-transaction.js';

/** The driver objects behind a transaction (what the store put there). */
export function sqliteDatabaseOf(transaction: Extract<StoreTransaction, { kind: 'sqlite' }>): BetterSqlite3.Database {
  return transaction.db as BetterSqlite3.Database;
}
export function postgresClientOf(transaction: Extract<StoreTransaction, { kind: 'postgres' }>): pg.PoolClient {
  return transaction.client as pg.PoolClient;
}


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
