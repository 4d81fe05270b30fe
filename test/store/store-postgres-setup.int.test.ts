/** Opening the PostgreSQL store: migrations as a deploy step, concurrent runners, the spec call with databaseUrl. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/main.js';
import {
  EventStore,
  StoreNotMigratedError,
  openDatabase,
  closeDatabase,
  loadMigrations,
  runMigrations,
  storeMigrations,
  resolveDatabaseTarget,
} from '../../runtime/store/index.js';
import type { EventCatalog } from '../../runtime/index.js';
import { storeTestCatalog, turns, type TestEventMap } from './support/fixtures.js';
import { databaseUrl, dropSchema, randomSchemaName } from './support/postgres.js';

const schemas: string[] = [];
const freshSchema = (): string => {
  const schema = randomSchemaName('store_setup');
  schemas.push(schema);
  return schema;
};

describe('PostgreSQL store setup', () => {
  let catalog: EventCatalog;
  beforeAll(async () => {
    catalog = await storeTestCatalog();
  });
  afterAll(async () => {
    for (const schema of schemas) await dropSchema(schema);
  });

  it('concurrent migration runners apply each migration exactly once; a re-run is a no-op', async () => {
    const schema = freshSchema();
    const handles = await Promise.all(
      [1, 2, 3].map(() => openDatabase(resolveDatabaseTarget({ databaseUrl: databaseUrl(), postgresSchema: schema }))),
    );
    const reports = await Promise.all(handles.map((handle) => runMigrations(handle, [storeMigrations])));
    // Two store migrations on PostgreSQL (0001 tables, 0002 store_append), each applied by exactly one runner.
    expect(reports.flatMap((report) => report.applied.map((m) => m.version)).sort()).toEqual([1, 2]);
    expect(reports.reduce((sum, report) => sum + report.alreadyApplied, 0)).toBe(4);
    expect(await runMigrations(handles[0]!, [storeMigrations])).toEqual({ applied: [], alreadyApplied: 2 });
    await Promise.all(handles.map(closeDatabase));
  });

  it('event-bus store migrate and stats on PostgreSQL, through the real command tree', async () => {
    const schema = freshSchema();
    const run = async (...args: string[]) => {
      let stdout = '';
      const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
        stdout += chunk.toString();
        return true;
      });
      try {
        return { code: await main(['node', 'event-bus', ...args]), stdout };
      } finally {
        out.mockRestore();
        process.exitCode = undefined;
      }
    };
    const migrate = await run(
      'store',
      'migrate',
      '--database-url',
      databaseUrl(),
      '--schema',
      schema,
      '--format',
      'json',
    );
    expect(migrate.code).toBe(0);
    expect(JSON.parse(migrate.stdout).applied.map((m: { component: string }) => m.component)).toEqual(['store', 'store', 'dlq', 'dlq']);
    expect((await run('store', 'migrate', '--database-url', databaseUrl(), '--schema', schema)).stdout).toMatch(
      /0 applied, 4 already applied\n$/,
    );

    const eventStore = new EventStore<TestEventMap>({
      catalog,
      databaseUrl: databaseUrl(),
      postgresSchema: schema,
      eventStoreTopic: 'clone-event-store',
    });
    const sessionId = randomUUID();
    await eventStore.appendToStream(
      { aggregateType: 'conversation_session', aggregateId: sessionId },
      turns(catalog, sessionId, 3),
    );
    await eventStore.close();
    const stats = await run('store', 'stats', '--database-url', databaseUrl(), '--schema', schema, '--format', 'json');
    expect(stats.code).toBe(0);
    expect(JSON.parse(stats.stdout)).toMatchObject({ events: 3, streams: 1, outbox: { pending: 3, sent: 0 } });
    expect(JSON.parse(stats.stdout).database).not.toContain('@'); // no credentials in output
  });

  it('without migrate, an unmigrated database is a clear typed error naming the fix', async () => {
    const eventStore = new EventStore<TestEventMap>({
      catalog,
      databaseUrl: databaseUrl(),
      postgresSchema: freshSchema(),
    });
    const error = await eventStore.getBackend().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreNotMigratedError);
    expect((error as Error).message).toContain('event-bus store migrate');
  });

  it('a database migrated only to store/0001 refuses appends with a typed error naming the migration', async () => {
    const schema = freshSchema();
    const handle = await openDatabase(resolveDatabaseTarget({ databaseUrl: databaseUrl(), postgresSchema: schema }));
    const [tables] = loadMigrations(storeMigrations, 'postgres');
    await runMigrations(handle, [{ component: 'store', migrations: { postgres: [tables!] } }]);
    await closeDatabase(handle);
    const eventStore = new EventStore<TestEventMap>({ catalog, databaseUrl: databaseUrl(), postgresSchema: schema });
    const sessionId = randomUUID();
    const error = await eventStore
      .appendToStream({ aggregateType: 'conversation_session', aggregateId: sessionId }, turns(catalog, sessionId, 1))
      .catch((caught: unknown) => caught);
    await eventStore.close();
    expect(error).toBeInstanceOf(StoreNotMigratedError);
    expect((error as Error).message).toContain('store/0002');
  });

  it('the spec call on PostgreSQL: append, reconstruct with snapshots', async () => {
    const eventStore = new EventStore<TestEventMap>({
      catalog,
      projectId: 'your-gcp-project',
      eventStoreTopic: 'clone-event-store',
      snapshotInterval: 10,
      databaseUrl: databaseUrl(),
      postgresSchema: freshSchema(),
      migrate: true,
    });
    const sessionId = randomUUID();
    for (const event of turns(catalog, sessionId, 12)) await eventStore.appendEvent(event);
    const state = await eventStore.reconstructState(sessionId, 'conversation_session', (count: number) => count + 1, 0);
    expect(state).toBe(12);
    const again = await eventStore.aggregateStream(sessionId, 'conversation_session', (count: number) => count + 1, 0);
    expect(again).toMatchObject({ state: 12, snapshotVersion: 12, eventsApplied: 0 });
    expect((await (await eventStore.getBackend()).outboxStats()).pending).toBe(12);
    await eventStore.close();
  });
});
