/**
 * `event-bus store migrate|stats`: the event store's database.
 *   migrate  applies the versioned migrations of the store and the components sharing its
 *            database (dlq); re-running is a no-op.
 *   stats    events, streams, outbox backlog and applied migrations.
 * Where: --sqlite <path> | --database-url <url> (default DATABASE_URL, then .event-bus/events.db),
 * --postgres-schema <name> for PostgreSQL. `stats` is read-only: it never creates a database.
 * Exit codes (cli/plumbing.ts): 0 done; 2 usage error or no such database; 3 database failure.
 */
import type { Command } from 'commander';
import { dlqMigrations } from '../../runtime/dlq/repository/migrations.js';
import {
  closeDatabase,
  MIGRATIONS_TABLE,
  openDatabase,
  resolveDatabaseTarget,
  runMigrations,
  storeMigrations,
  type DatabaseHandle,
  type DatabaseTarget,
  type MigrationSet,
} from '../../runtime/store/index.js';
import { addDatabaseOptions, addFormatOption, databaseOptionsOf, existingDatabaseOptionsOf, type DatabaseFlags } from '../flags.js';
import { UsageError, verbAction, type VerbResult } from '../plumbing.js';

export const FLAG_COMPONENT = '--component <names...>';

/** Migration sets `store migrate` knows, by component. */
export const KNOWN_MIGRATION_SETS: Readonly<Record<string, MigrationSet>> = {
  store: storeMigrations,
  dlq: dlqMigrations,
};

interface MigrateFlags extends DatabaseFlags {
  component: string[];
  format: 'text' | 'json';
}

interface StatsFlags extends DatabaseFlags {
  format: 'text' | 'json';
}

/** Where a target points, without credentials. */
export function describeTarget(target: DatabaseTarget): string {
  if (target.kind === 'sqlite') return `sqlite ${target.path}`;
  const url = new URL(target.connectionString);
  url.password = '';
  return `postgres ${url.host}${url.pathname}${target.schema ? ` schema ${target.schema}` : ''}`;
}

export async function runMigrate(flags: MigrateFlags): Promise<VerbResult> {
  const unknown = flags.component.filter((name) => !Object.hasOwn(KNOWN_MIGRATION_SETS, name));
  if (unknown.length > 0) {
    throw new UsageError(`unknown component(s) ${unknown.join(', ')} (known: ${Object.keys(KNOWN_MIGRATION_SETS).join(', ')})`);
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
    return { findings: 0 };
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

export async function runStats(flags: StatsFlags): Promise<VerbResult> {
  let handle: DatabaseHandle | undefined;
  try {
    const target = resolveDatabaseTarget(existingDatabaseOptionsOf(flags));
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
    return { findings: 0 };
  } finally {
    if (handle) await closeDatabase(handle);
  }
}

export function register(program: Command): void {
  const store = program.command('store').description("The event store's database: migrations and statistics");
  addFormatOption(
    addDatabaseOptions(
      store.command('migrate').description('Apply versioned migrations (store, dlq); re-running is a no-op'),
    ).option(FLAG_COMPONENT, 'components whose migrations to apply', Object.keys(KNOWN_MIGRATION_SETS)),
  ).action(verbAction('store migrate', (flags: MigrateFlags) => runMigrate(flags)));
  addFormatOption(
    addDatabaseOptions(store.command('stats').description('Events, streams, outbox backlog and applied migrations')),
  ).action(verbAction('store stats', (flags: StatsFlags) => runStats(flags)));
}
