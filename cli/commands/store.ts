/**
 * `event-bus store migrate|stats`: the event store's database.
 *   migrate  applies the versioned migrations of the store and the components sharing its
 *            database (dlq); re-running is a no-op.
 *   stats    events, streams, outbox backlog and applied migrations.
 * Where: --sqlite <path> | --database-url <url> (default DATABASE_URL, then .event-bus/events.db),
 * --schema <name> for PostgreSQL. Exit codes: 0 done; 2 usage error or database failure (stderr).
 */
import { Command, Option } from 'commander';
import { EXIT_OK, EXIT_USAGE } from '../exit-codes.js';
import { isEventBusError } from '../../runtime/errors.js';
import { redactedMessage } from '../../runtime/redact.js';
import { dlqMigrations } from '../../runtime/dlq/repository/migrations.js';
import {
  closeDatabase,
  MIGRATIONS_TABLE,
  openDatabase,
  resolveDatabaseTarget,
  runMigrations,
  storeMigrations,
  type DatabaseHandle,
  type DatabaseOptions,
  type DatabaseTarget,
  type MigrationSet,
} from '../../runtime/store/index.js';

export const FLAG_SQLITE = '--sqlite <path>';
export const FLAG_DATABASE_URL = '--database-url <url>';
export const FLAG_SCHEMA = '--schema <name>';
export const FLAG_COMPONENT = '--component <names...>';
export const FLAG_FORMAT = '--format <format>';

/** Migration sets `store migrate` knows, by component. */
export const KNOWN_MIGRATION_SETS: Readonly<Record<string, MigrationSet>> = {
  store: storeMigrations,
  dlq: dlqMigrations,
};

export interface DatabaseFlags {
  sqlite?: string;
  databaseUrl?: string;
  schema?: string;
}

interface MigrateFlags extends DatabaseFlags {
  component: string[];
  format: 'text' | 'json';
}

interface StatsFlags extends DatabaseFlags {
  format: 'text' | 'json';
}

export function databaseOptionsOf(flags: DatabaseFlags): DatabaseOptions {
  return {
    ...(flags.sqlite !== undefined && { sqlite: flags.sqlite }),
    ...(flags.databaseUrl !== undefined && { databaseUrl: flags.databaseUrl }),
    ...(flags.schema !== undefined && { postgresSchema: flags.schema }),
  };
}

export function addDatabaseOptions(command: Command): Command {
  return command
    .option(FLAG_SQLITE, 'SQLite database file (or :memory:)')
    .option(FLAG_DATABASE_URL, 'PostgreSQL connection string (default: DATABASE_URL)')
    .option(FLAG_SCHEMA, 'PostgreSQL schema holding the tables');
}

/** Where a target points, without credentials. */
export function describeTarget(target: DatabaseTarget): string {
  if (target.kind === 'sqlite') return `sqlite ${target.path}`;
  const url = new URL(target.connectionString);
  url.password = '';
  return `postgres ${url.host}${url.pathname}${target.schema ? ` schema ${target.schema}` : ''}`;
}

function fail(error: unknown): number {
  const message = redactedMessage(error);
  process.stderr.write(`event-bus: ${isEventBusError(error) ? `${error.code}: ` : ''}${message}\n`);
  return EXIT_USAGE;
}

export async function runMigrate(flags: MigrateFlags): Promise<number> {
  const unknown = flags.component.filter((name) => !Object.hasOwn(KNOWN_MIGRATION_SETS, name));
  if (unknown.length > 0) {
    process.stderr.write(
      `event-bus: unknown component(s) ${unknown.join(', ')} (known: ${Object.keys(KNOWN_MIGRATION_SETS).join(', ')})\n`,
    );
    return EXIT_USAGE;
  }
  let handle: DatabaseHandle | undefined;
  try {
    const target = resolveDatabaseTarget(databaseOptionsOf(flags));
    handle = await openDatabase(target);
    const report = await runMigrations(
      handle,
      flags.component.map((name) => KNOWN_MIGRATION_SETS[name]!),
    );
    if (flags.format === 'json') {
      process.stdout.write(`${JSON.stringify({ database: describeTarget(target), ...report })}\n`);
    } else {
      for (const migration of report.applied)
        process.stdout.write(`applied ${migration.component}/${migration.name}\n`);
      process.stdout.write(
        `${describeTarget(target)}: ${report.applied.length} applied, ${report.alreadyApplied} already applied\n`,
      );
    }
    return EXIT_OK;
  } catch (error) {
    return fail(error);
  } finally {
    if (handle) await closeDatabase(handle);
  }
}

interface StoreStats {
  database: string;
  events: number;
  streams: number;
  outbox: { pending: number; sent: number; oldestPendingRecordedAt: string | null };
  migrations: { component: string; version: number; name: string }[];
}

async function readStats(handle: DatabaseHandle): Promise<Omit<StoreStats, 'database'>> {
  const eventsSql =
    "SELECT count(*) AS events, count(DISTINCT aggregate_type || '/' || aggregate_id) AS streams FROM store_events";
  const outboxSql = `SELECT count(*) FILTER (WHERE sent_at IS NULL) AS pending, count(*) FILTER (WHERE sent_at IS NOT NULL) AS sent,
    min(recorded_at) FILTER (WHERE sent_at IS NULL) AS oldest FROM store_outbox`;
  const migrationsSql = `SELECT component, version, name FROM ${MIGRATIONS_TABLE} ORDER BY component, version`;
  if (handle.kind === 'sqlite') {
    const events = handle.db.prepare(eventsSql).get() as { events: number; streams: number };
    const outbox = handle.db.prepare(outboxSql).get() as { pending: number; sent: number; oldest: string | null };
    const migrations = handle.db.prepare(migrationsSql).all() as StoreStats['migrations'];
    return {
      ...events,
      outbox: { pending: outbox.pending, sent: outbox.sent, oldestPendingRecordedAt: outbox.oldest },
      migrations,
    };
  }
  const events = (await handle.pool.query<{ events: string; streams: string }>(eventsSql)).rows[0]!;
  const outbox = (await handle.pool.query<{ pending: string; sent: string; oldest: Date | null }>(outboxSql)).rows[0]!;
  const migrations = (await handle.pool.query<StoreStats['migrations'][number]>(migrationsSql)).rows;
  return {
    events: Number(events.events),
    streams: Number(events.streams),
    outbox: {
      pending: Number(outbox.pending),
      sent: Number(outbox.sent),
      oldestPendingRecordedAt: outbox.oldest?.toISOString() ?? null,
    },
    migrations,
  };
}

export async function runStats(flags: StatsFlags): Promise<number> {
  let handle: DatabaseHandle | undefined;
  try {
    const target = resolveDatabaseTarget(databaseOptionsOf(flags));
    handle = await openDatabase(target);
    const stats: StoreStats = { database: describeTarget(target), ...(await readStats(handle)) };
    if (flags.format === 'json') {
      process.stdout.write(`${JSON.stringify(stats)}\n`);
    } else {
      process.stdout.write(
        [
          `database: ${stats.database}`,
          `events: ${stats.events} in ${stats.streams} streams`,
          `outbox: ${stats.outbox.pending} pending, ${stats.outbox.sent} sent${stats.outbox.oldestPendingRecordedAt ? `, oldest pending recorded ${stats.outbox.oldestPendingRecordedAt}` : ''}`,
          `migrations: ${stats.migrations.map((m) => `${m.component}/${m.version}`).join(', ') || 'none'}`,
        ].join('\n') + '\n',
      );
    }
    return EXIT_OK;
  } catch (error) {
    return fail(error);
  } finally {
    if (handle) await closeDatabase(handle);
  }
}

export function register(program: Command): void {
  const store = program.command('store').description("The event store's database: migrations and statistics");
  addDatabaseOptions(
    store.command('migrate').description('Apply versioned migrations (store, dlq); re-running is a no-op'),
  )
    .option(FLAG_COMPONENT, 'components whose migrations to apply', Object.keys(KNOWN_MIGRATION_SETS))
    .addOption(new Option(FLAG_FORMAT, 'output format').choices(['text', 'json']).default('text'))
    .action(async (flags: MigrateFlags) => {
      process.exitCode = await runMigrate(flags);
    });
  addDatabaseOptions(store.command('stats').description('Events, streams, outbox backlog and applied migrations'))
    .addOption(new Option(FLAG_FORMAT, 'output format').choices(['text', 'json']).default('text'))
    .action(async (flags: StatsFlags) => {
      process.exitCode = await runStats(flags);
    });
}
