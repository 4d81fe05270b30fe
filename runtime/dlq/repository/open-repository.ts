import { DeadLetterConfigError } from '../errors.js';
import type { ParkedMessageRepository } from './parked-message.js';
import { PostgresParkedMessageRepository } from './postgres-repository.js';
import { SqliteParkedMessageRepository } from './sqlite-repository.js';

/** Where parked messages live: the same options as the EventStore. */
export interface DeadLetterDatabaseOptions {
  /** SQLite database file (or ':memory:', which loses parked messages on exit: tests only). */
  sqlite?: string;
  /** PostgreSQL connection string; default: the DATABASE_URL environment variable. */
  databaseUrl?: string;
  /** PostgreSQL schema for the dlq tables (default: the connection's search_path). */
  databaseSchema?: string;
  /** An already open repository (e.g. shared with the CLI or a test); not closed by its user. */
  repository?: ParkedMessageRepository;
}

/** SQLite file used when neither `sqlite`, `databaseUrl` nor DATABASE_URL is given. */
export const DEFAULT_SQLITE_PATH = 'event-bus.sqlite';

/**
 * Picks the backend: an explicit `sqlite` path wins, then `databaseUrl`, then DATABASE_URL,
 * then the default SQLite file. The repository is migrated before it is returned.
 */
export async function openParkedMessageRepository(
  options: DeadLetterDatabaseOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ParkedMessageRepository> {
  if (options.repository) return options.repository;
  if (options.sqlite !== undefined && options.databaseUrl !== undefined) {
    throw new DeadLetterConfigError('sqlite', "give either 'sqlite' or 'databaseUrl', not both");
  }
  const databaseUrl = options.sqlite === undefined ? (options.databaseUrl ?? env.DATABASE_URL) : undefined;
  const repository: ParkedMessageRepository = databaseUrl
    ? new PostgresParkedMessageRepository({
        database: databaseUrl,
        ...(options.databaseSchema !== undefined && { schema: options.databaseSchema }),
      })
    : new SqliteParkedMessageRepository({ database: options.sqlite ?? DEFAULT_SQLITE_PATH });
  try {
    await repository.migrate();
  } catch (error) {
    await repository.close();
    throw error;
  }
  return repository;
}
