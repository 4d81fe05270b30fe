/** Opening the PostgreSQL store: migrations as a deploy step, concurrent runners, the spec call with databaseUrl. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EventStore,
  StoreNotMigratedError,
  openDatabase,
  closeDatabase,
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
    expect(reports.reduce((sum, report) => sum + report.applied.length, 0)).toBe(1);
    expect(reports.reduce((sum, report) => sum + report.alreadyApplied, 0)).toBe(2);
    expect(await runMigrations(handles[0]!, [storeMigrations])).toEqual({ applied: [], alreadyApplied: 1 });
    await Promise.all(handles.map(closeDatabase));
  });

  it('without migrate, an unmigrated database is a clear typed error naming the fix', async () => {
    const eventStore = new EventStore<TestEventMap>({ catalog, databaseUrl: databaseUrl(), postgresSchema: freshSchema() });
    const error = await eventStore.getBackend().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreNotMigratedError);
    expect((error as Error).message).toContain('event-bus store migrate');
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
