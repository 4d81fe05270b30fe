/**
 * The database plumbing the event store and the dead-letter repositories share: identifier
 * checks, the one PostgreSQL schema strategy, schema creation and transactions.
 *
 * Schema strategy: a PostgreSQL schema is the connections' `search_path` (createPgPool sets it),
 * never a qualified table name. Migrations (`current_schema()`), the store and the dead-letter
 * repositories therefore always agree on where the tables are.
 */
import type pg from 'pg';

export const SQL_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Throws unless `name` is a plain lower-case SQL identifier (safe to splice into DDL). */
export function assertSqlIdentifier(
  name: string,
  what: string,
  toError: (message: string) => Error = (message) => new Error(message),
): void {
  if (!SQL_IDENTIFIER.test(name)) throw toError(`${what} '${name}' must match ${SQL_IDENTIFIER} (lowercase SQL identifier)`);
}

/** Unique violation: also what two concurrent CREATE SCHEMA IF NOT EXISTS race into. */
export const PG_UNIQUE_VIOLATION = '23505';

/** CREATE SCHEMA IF NOT EXISTS, tolerating the catalog race between concurrent openers. */
export async function ensureSchema(pool: Pick<pg.Pool, 'query'>, schema: string): Promise<void> {
  assertSqlIdentifier(schema, 'PostgreSQL schema');
  await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`).catch((error: unknown) => {
    if ((error as { code?: string }).code !== PG_UNIQUE_VIOLATION) throw error;
  });
}

/**
 * Runs `work` in one transaction on a pooled client: BEGIN (or `begin`, e.g. BEGIN plus an
 * advisory lock in one round trip), COMMIT on success, ROLLBACK on any error, release always.
 */
export async function withTransaction<T>(
  pool: Pick<pg.Pool, 'connect'>,
  work: (client: pg.PoolClient) => Promise<T>,
  begin = 'BEGIN',
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(begin);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** `$1, $2, …` for PostgreSQL or `?, ?, …` for SQLite, for a column list. */
export function placeholders(count: number, dialect: 'postgres' | 'sqlite'): string {
  return Array.from({ length: count }, (_, index) => (dialect === 'postgres' ? `$${index + 1}` : '?')).join(', ');
}
