/**
 * Flags more than one verb takes, declared once: names, help, defaults and parsing. A verb adds
 * them with these helpers and reads them with the matching `…Of` function.
 */
import { Option, type Command } from 'commander';
import { existsSync } from 'node:fs';
import { resolveDatabaseTarget, type DatabaseOptions } from '../runtime/store/database.js';
import { UsageError } from './plumbing.js';

export const FLAG_FORMAT = '--format <format>';
export const FLAG_PROJECT = '--project <id>';
export const FLAG_CHECK = '--check';
export const FLAG_SQLITE = '--sqlite <path>';
export const FLAG_DATABASE_URL = '--database-url <url>';
export const FLAG_POSTGRES_SCHEMA = '--postgres-schema <name>';
/** The old name of --postgres-schema on `store` and `replay`; still accepted, not shown. */
export const FLAG_SCHEMA_ALIAS = '--schema <name>';

/** Output formats: every verb offers text and json; verbs that report findings also github. */
export const OUTPUT_FORMATS = ['text', 'json', 'github'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function addFormatOption(command: Command, formats: readonly OutputFormat[] = ['text', 'json']): Command {
  return command.addOption(new Option(FLAG_FORMAT, 'output format').choices([...formats]).default('text'));
}

export function addProjectOption(command: Command): Command {
  return command.option(FLAG_PROJECT, 'GCP project id (default: GCP_PROJECT_ID)');
}

export interface DatabaseFlags {
  sqlite?: string;
  databaseUrl?: string;
  postgresSchema?: string;
  /** --schema, the old spelling of --postgres-schema. */
  schema?: string;
}

export function addDatabaseOptions(command: Command): Command {
  return command
    .option(FLAG_SQLITE, "SQLite database file of the event store (or :memory:)")
    .option(FLAG_DATABASE_URL, 'PostgreSQL connection string (default: DATABASE_URL)')
    .option(FLAG_POSTGRES_SCHEMA, 'PostgreSQL schema holding the tables')
    .addOption(new Option(FLAG_SCHEMA_ALIAS, 'same as --postgres-schema').hideHelp());
}

export function databaseOptionsOf(flags: DatabaseFlags): DatabaseOptions {
  const postgresSchema = flags.postgresSchema ?? flags.schema;
  return {
    ...(flags.sqlite !== undefined && { sqlite: flags.sqlite }),
    ...(flags.databaseUrl !== undefined && { databaseUrl: flags.databaseUrl }),
    ...(postgresSchema !== undefined && { postgresSchema }),
  };
}

/**
 * Read-only verbs (`store stats`, `dlq list|show|audit|stats`, `replay`) never create a database:
 * a SQLite file that does not exist is a usage error, not an empty store.
 */
export function existingDatabaseOptionsOf(flags: DatabaseFlags, env: NodeJS.ProcessEnv = process.env): DatabaseOptions {
  const options = databaseOptionsOf(flags);
  const target = resolveDatabaseTarget(options, env);
  if (target.kind === 'sqlite' && target.path !== ':memory:' && !existsSync(target.path)) {
    throw new UsageError(`no event store database at ${target.path} (pass --sqlite or --database-url, or run \`event-bus store migrate\`)`);
  }
  return options;
}
