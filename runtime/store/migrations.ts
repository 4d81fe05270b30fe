/**
 * Versioned SQL migrations, per component and per backend. Files are named
 * `<dir>/<sqlite|postgres>/NNNN-description.sql`; each is applied once, in its own transaction,
 * and recorded with a SHA-256 checksum in `event_bus_migrations`. Re-running is a no-op; an
 * applied file whose content changed is an error (write a new migration instead).
 * Other components register their own set: runMigrations(db, [storeMigrations, { component: 'dlq', dir }]).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type BetterSqlite3 from 'better-sqlite3';
import type pg from 'pg';
import type { DatabaseHandle } from './database.js';
import { EventStoreError, StoreErrorCode } from './errors.js';

export interface Migration {
  /** From the file name's leading digits; applied in ascending order. */
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export interface MigrationSet {
  /** Namespace of the versions, e.g. 'store', 'dlq'. */
  readonly component: string;
  /** Directory holding `sqlite/` and `postgres/` subdirectories of NNNN-name.sql files. */
  readonly dir?: string;
  /** Or the migrations themselves, per backend. */
  readonly migrations?: Partial<Record<DatabaseHandle['kind'], readonly Migration[]>>;
}

export interface AppliedMigration {
  readonly component: string;
  readonly version: number;
  readonly name: string;
}

export interface MigrationReport {
  readonly applied: AppliedMigration[];
  /** Already applied before this run, checksums verified. */
  readonly alreadyApplied: number;
}

/** The event store's own migration set. */
export const storeMigrations: MigrationSet = {
  component: 'store',
  dir: fileURLToPath(new URL('./migrations/', import.meta.url)),
};

export const MIGRATIONS_TABLE = 'event_bus_migrations';

export class MigrationError extends EventStoreError {
  constructor(
    readonly component: string,
    readonly migration: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(StoreErrorCode.Migration, `Migration ${component}/${migration}: ${message}`, options);
  }
}

export class MigrationChecksumMismatchError extends EventStoreError {
  constructor(
    readonly component: string,
    readonly migration: string,
    readonly recordedChecksum: string,
    readonly fileChecksum: string,
  ) {
    super(
      StoreErrorCode.MigrationChecksumMismatch,
      `Migration ${component}/${migration} was applied with checksum ${recordedChecksum.slice(0, 12)} but the file now has ${fileChecksum.slice(0, 12)}: applied migrations must not change; add a new one`,
    );
  }
}

const MIGRATION_FILE = /^(\d+)[-_](.+)\.sql$/;

export function checksumOf(sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n/g, '\n')).digest('hex');
}

/** Reads one backend's migrations of a set, sorted by version; duplicate versions are an error. */
export function loadMigrations(set: MigrationSet, kind: DatabaseHandle['kind']): Migration[] {
  const migrations: Migration[] = [...(set.migrations?.[kind] ?? [])];
  if (set.dir !== undefined) {
    const dir = join(set.dir, kind);
    if (!existsSync(dir))
      throw new MigrationError(set.component, dir, `directory not found (expected ${kind}/NNNN-name.sql files)`);
    for (const file of readdirSync(dir).sort()) {
      if (!file.endsWith('.sql')) continue;
      const match = MIGRATION_FILE.exec(file);
      if (!match) throw new MigrationError(set.component, file, 'file name must look like 0001-description.sql');
      migrations.push({ version: Number(match[1]), name: file, sql: readFileSync(join(dir, file), 'utf8') });
    }
  }
  migrations.sort((a, b) => a.version - b.version);
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]!.version === migrations[i - 1]!.version) {
      throw new MigrationError(set.component, migrations[i]!.name, `version ${migrations[i]!.version} is used twice`);
    }
  }
  return migrations;
}

export async function runMigrations(db: DatabaseHandle, sets: readonly MigrationSet[]): Promise<MigrationReport> {
  const planned = sets.map((set) => ({ component: set.component, migrations: loadMigrations(set, db.kind) }));
  return db.kind === 'sqlite' ? runSqlite(db.db, planned) : runPostgres(db.pool, planned);
}

interface PlannedSet {
  readonly component: string;
  readonly migrations: Migration[];
}

const CREATE_TABLE_SQLITE = `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
  component TEXT NOT NULL,
  version INTEGER NOT NULL,
  name TEXT NOT NULL,
  checksum TEXT NOT NULL,
  applied_at TEXT NOT NULL,
  PRIMARY KEY (component, version)
)`;

function runSqlite(db: BetterSqlite3.Database, planned: PlannedSet[]): MigrationReport {
  db.exec(CREATE_TABLE_SQLITE);
  const select = db.prepare<[string, number], { checksum: string }>(
    `SELECT checksum FROM ${MIGRATIONS_TABLE} WHERE component = ? AND version = ?`,
  );
  const insert = db.prepare(
    `INSERT INTO ${MIGRATIONS_TABLE} (component, version, name, checksum, applied_at) VALUES (?, ?, ?, ?, ?)`,
  );
  const applied: AppliedMigration[] = [];
  let alreadyApplied = 0;
  for (const { component, migrations } of planned) {
    for (const migration of migrations) {
      const checksum = checksumOf(migration.sql);
      // IMMEDIATE: take the write lock before looking, so two processes cannot both apply it.
      const outcome = db
        .transaction(() => {
          const recorded = select.get(component, migration.version);
          if (recorded) {
            if (recorded.checksum !== checksum) {
              throw new MigrationChecksumMismatchError(component, migration.name, recorded.checksum, checksum);
            }
            return 'skipped' as const;
          }
          try {
            db.exec(migration.sql);
          } catch (error) {
            throw new MigrationError(component, migration.name, (error as Error).message, { cause: error });
          }
          insert.run(component, migration.version, migration.name, checksum, new Date().toISOString());
          return 'applied' as const;
        })
        .immediate();
      if (outcome === 'applied') applied.push({ component, version: migration.version, name: migration.name });
      else alreadyApplied++;
    }
  }
  return { applied, alreadyApplied };
}

async function runPostgres(pool: pg.Pool, planned: PlannedSet[]): Promise<MigrationReport> {
  const client = await pool.connect();
  const applied: AppliedMigration[] = [];
  let alreadyApplied = 0;
  // One lock per schema: concurrent runners (two test files, two pods) take turns.
  const lock = `SELECT pg_advisory_xact_lock(hashtext('${MIGRATIONS_TABLE}:' || current_schema()))`;
  try {
    await client.query('BEGIN');
    await client.query(lock);
    await client.query(`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
      component text NOT NULL,
      version integer NOT NULL,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (component, version)
    )`);
    await client.query('COMMIT');
    for (const { component, migrations } of planned) {
      for (const migration of migrations) {
        const checksum = checksumOf(migration.sql);
        await client.query('BEGIN');
        try {
          await client.query(lock);
          const { rows } = await client.query<{ checksum: string }>(
            `SELECT checksum FROM ${MIGRATIONS_TABLE} WHERE component = $1 AND version = $2`,
            [component, migration.version],
          );
          const recorded = rows[0];
          if (recorded) {
            if (recorded.checksum !== checksum) {
              throw new MigrationChecksumMismatchError(component, migration.name, recorded.checksum, checksum);
            }
            alreadyApplied++;
          } else {
            try {
              await client.query(migration.sql);
            } catch (error) {
              throw new MigrationError(component, migration.name, (error as Error).message, { cause: error });
            }
            await client.query(
              `INSERT INTO ${MIGRATIONS_TABLE} (component, version, name, checksum) VALUES ($1, $2, $3, $4)`,
              [component, migration.version, migration.name, checksum],
            );
            applied.push({ component, version: migration.version, name: migration.name });
          }
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
      }
    }
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
  return { applied, alreadyApplied };
}
