import { openDatabase, resolveDatabaseTarget, type DatabaseHandle } from '../../store/database.js';
import type { DeadLetterDatabaseOptions } from './options.js';
import type { ParkedMessageRepository } from './parked-message.js';
import { PostgresParkedMessageRepository } from './postgres-repository.js';
import { SqliteParkedMessageRepository } from './sqlite-repository.js';

export type { DeadLetterDatabaseOptions } from './options.js';

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
