/** A fresh SQL schema per test file on the shared PostgreSQL server (DATABASE_URL from the global setup). */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPostgresBackend, type PostgresEventStoreBackend } from '../../../runtime/store/index.js';

export function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url)
    throw new Error('DATABASE_URL is not set: run this file as an .int test so the global setup starts PostgreSQL');
  return url;
}

export function randomSchemaName(prefix: string): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/** Opens a backend in `schema` (created and migrated on first open). */
export function openTestBackend(schema: string, poolMax = 10): Promise<PostgresEventStoreBackend> {
  return openPostgresBackend(
    { databaseUrl: databaseUrl(), postgresSchema: schema, postgresPoolMax: poolMax },
    { migrate: true },
  );
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl() });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}
