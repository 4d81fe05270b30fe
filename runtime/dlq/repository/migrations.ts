import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EventBusError } from '../../errors.js';

export type SqlDialect = 'sqlite' | 'postgres';

/** One versioned SQL file of the `dlq` component, e.g. `0001_parked_messages.sql`. */
export interface DlqMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const DLQ_MIGRATION_COMPONENT = 'dlq';

/** Applied `dlq` versions are recorded here until the store's migration runner takes over. */
export const DLQ_MIGRATIONS_TABLE = 'event_bus_dlq_schema_migrations';

export class DlqMigrationError extends EventBusError {
  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super('DLQ_MIGRATION_FAILED', `${file}: ${message}`, options);
  }
}

/** Directory holding the SQL files of one dialect (next to this module's parent, also in dist/ when copied). */
export function dlqMigrationsDirectory(dialect: SqlDialect): string {
  return fileURLToPath(new URL(`../migrations/${dialect}/`, import.meta.url));
}

/** The `dlq` migration set of one dialect, sorted by version. */
export function loadDlqMigrations(dialect: SqlDialect): DlqMigration[] {
  const directory = dlqMigrationsDirectory(dialect);
  const migrations = readdirSync(directory)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => {
      const match = /^(\d+)_([a-z0-9_]+)\.sql$/.exec(file);
      if (!match) throw new DlqMigrationError(`${directory}${file}`, 'migration file names must look like 0001_name.sql');
      return { version: Number(match[1]), name: match[2] ?? file, sql: readFileSync(`${directory}${file}`, 'utf8') };
    })
    .sort((a, b) => a.version - b.version);
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]?.version === migrations[i - 1]?.version) {
      throw new DlqMigrationError(directory, `two migrations share version ${migrations[i]?.version}`);
    }
  }
  return migrations;
}
