import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_SQLITE_PATH,
  MigrationChecksumMismatchError,
  MigrationError,
  StoreConfigurationError,
  loadMigrations,
  openSqlite,
  resolveDatabaseTarget,
  runMigrations,
  storeMigrations,
  type DatabaseHandle,
  type MigrationSet,
} from '../../runtime/store/index.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'store-migrations-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function memory(): DatabaseHandle & { kind: 'sqlite' } {
  return { kind: 'sqlite', db: openSqlite(':memory:') };
}

/** A second component's set, as the DLQ registers one: files in <dir>/sqlite/. */
function componentDir(files: Record<string, string>): string {
  const dir = tempDir();
  mkdirSync(join(dir, 'sqlite'));
  mkdirSync(join(dir, 'postgres'));
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, 'sqlite', name), sql);
  return dir;
}

describe('migration runner (SQLite)', () => {
  it('applies the store set once; re-running is a no-op', async () => {
    const db = memory();
    const first = await runMigrations(db, [storeMigrations]);
    expect(first.applied.map((m) => `${m.component}/${m.version}`)).toEqual(['store/1']);
    const tables = db.db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'store_%' ORDER BY name")
      .all();
    expect(tables).toEqual([{ name: 'store_events' }, { name: 'store_outbox' }, { name: 'store_snapshots' }]);
    const second = await runMigrations(db, [storeMigrations]);
    expect(second).toEqual({ applied: [], alreadyApplied: 1 });
    const recorded = db.db
      .prepare('SELECT component, version, name, length(checksum) AS len FROM event_bus_migrations')
      .all();
    expect(recorded).toEqual([{ component: 'store', version: 1, name: '0001-events-snapshots-outbox.sql', len: 64 }]);
  });

  it('runs another component’s set beside the store’s, each versioned on its own', async () => {
    const db = memory();
    const dlq: MigrationSet = {
      component: 'dlq',
      dir: componentDir({
        '0001-parked.sql': 'CREATE TABLE dlq_parked (id TEXT PRIMARY KEY);',
        '0002-audit.sql': 'CREATE TABLE dlq_audit (id INTEGER PRIMARY KEY, parked_id TEXT REFERENCES dlq_parked (id));',
      }),
    };
    const report = await runMigrations(db, [storeMigrations, dlq]);
    expect(report.applied.map((m) => `${m.component}/${m.version}`)).toEqual(['store/1', 'dlq/1', 'dlq/2']);
    expect((await runMigrations(db, [storeMigrations, dlq])).alreadyApplied).toBe(3);
  });

  it('refuses an applied migration whose file changed', async () => {
    const db = memory();
    const dir = componentDir({ '0001-a.sql': 'CREATE TABLE a (id INTEGER);' });
    await runMigrations(db, [{ component: 'x', dir }]);
    writeFileSync(join(dir, 'sqlite', '0001-a.sql'), 'CREATE TABLE a (id INTEGER, more TEXT);');
    const error = await runMigrations(db, [{ component: 'x', dir }]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MigrationChecksumMismatchError);
    expect((error as MigrationChecksumMismatchError).migration).toBe('0001-a.sql');
  });

  it('rolls a failing migration back and records nothing for it', async () => {
    const db = memory();
    const dir = componentDir({
      '0001-ok.sql': 'CREATE TABLE ok (id INTEGER);',
      '0002-broken.sql': 'CREATE TABLE half (id INTEGER); CREATE TABLE nope (;',
    });
    const error = await runMigrations(db, [{ component: 'y', dir }]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as Error).message).toContain('y/0002-broken.sql');
    expect(db.db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").all()).toEqual([]);
    expect(db.db.prepare('SELECT version FROM event_bus_migrations WHERE component = ?').all('y')).toEqual([
      { version: 1 },
    ]);
  });

  it('names bad file names, duplicate versions and a missing directory', () => {
    expect(() => loadMigrations({ component: 'z', dir: componentDir({ 'first.sql': '' }) }, 'sqlite')).toThrow(
      /0001-description\.sql/,
    );
    expect(() =>
      loadMigrations({ component: 'z', dir: componentDir({ '0001-a.sql': '', '1-b.sql': '' }) }, 'sqlite'),
    ).toThrow(/version 1 is used twice/);
    expect(() => loadMigrations({ component: 'z', dir: join(tempDir(), 'nowhere') }, 'sqlite')).toThrow(MigrationError);
  });

  it('accepts inline migrations per backend', async () => {
    const db = memory();
    const report = await runMigrations(db, [
      {
        component: 'inline',
        migrations: { sqlite: [{ version: 1, name: 'one', sql: 'CREATE TABLE inline_one (id INTEGER);' }] },
      },
    ]);
    expect(report.applied).toEqual([{ component: 'inline', version: 1, name: 'one' }]);
  });
});

describe('where the events live', () => {
  const cases = [
    { options: {}, env: {}, expected: { kind: 'sqlite', path: DEFAULT_SQLITE_PATH } },
    {
      options: { sqlite: ':memory:' },
      env: { DATABASE_URL: 'postgres://x@h/db' },
      expected: { kind: 'sqlite', path: ':memory:' },
    },
    {
      options: {},
      env: { DATABASE_URL: 'postgres://x@h/db' },
      expected: { kind: 'postgres', connectionString: 'postgres://x@h/db' },
    },
    {
      options: { databaseUrl: 'postgresql://y@h/db', postgresSchema: 'tenant_a' },
      env: {},
      expected: { kind: 'postgres', connectionString: 'postgresql://y@h/db', schema: 'tenant_a' },
    },
  ] as const;
  for (const { options, env, expected } of cases) {
    it(`${JSON.stringify(options)} with env ${JSON.stringify(env)} -> ${expected.kind}`, () => {
      expect(resolveDatabaseTarget(options, env)).toMatchObject(expected);
    });
  }

  it('refuses a connection string that is not PostgreSQL and a schema that is not an identifier', () => {
    expect(() => resolveDatabaseTarget({ databaseUrl: 'mysql://h/db' }, {})).toThrow(StoreConfigurationError);
    expect(() =>
      resolveDatabaseTarget({ databaseUrl: 'postgres://h/db', postgresSchema: 'x; DROP TABLE y' }, {}),
    ).toThrow(StoreConfigurationError);
  });
});
