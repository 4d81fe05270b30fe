import { openDatabase, resolveDatabaseTarget, type DatabaseHandle, type DatabaseOptions } from '../../store/database.js';
import type { ParkedMessageRepository } from './parked-message.js';
import { PostgresParkedMessageRepository } from './postgres-repository.js';
import { SqliteParkedMessageRepository } from './sqlite-repository.js';

/**
 * Where parked messages live: the same options, and by default the same database, as the
 * EventStore (`sqlite` path, `databaseUrl`, DATABASE_URL, else the store's default SQLite file).
 */
export interface DeadLetterDatabaseOptions extends DatabaseOptions {
  /** An already open repository (shared with the CLI or a test); its user does not close it. */
  repository?: ParkedMessageRepository;
}

/** Builds the repository on an open database handle; `owns` makes its close() close the handle. */
export function parkedMessageRepositoryOn(handle: DatabaseHandle, owns: boolean): ParkedMessageRepository {
  return handle.kind === 'sqlite'
    ? new SqliteParkedMessageRepository({ db: handle.db, closeDatabase: owns })
    : new PostgresParkedMessageRepository({
        pool: handle.pool,
        endPool: owns,
        ...(handle.schema !== undefined && { schema: handle.schema }),
      });
}

/** Opens the database the options name, applies the `dlq` migrations, and returns the repository. */
export async function openParkedMessageRepository(
  options: DeadLetterDatabaseOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ParkedMessageRepository> {
  if (options.repository) return options.repository;
  const handle = await openDatabase(resolveDatabaseTarget(options, env));
  const repository = parkedMessageRepositoryOn(handle, true);
  try {
    await repository.migrate();
  } catch (error) {
    await repository.close();
    throw error;
  }
  return repository;
}
