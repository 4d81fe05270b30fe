/** `event-bus store migrate|stats` and `event-bus replay`, run through the real command tree. */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../support/run-cli.js';
import { EventStore } from '../../runtime/store/index.js';
import type { EventCatalog } from '../../runtime/index.js';
import { storeTestCatalog, turnCompleted, type TestEventMap } from './support/fixtures.js';

const run = runCliInProcess;

describe('event-bus store / replay', () => {
  const dir = mkdtempSync(join(tmpdir(), 'event-bus-cli-'));
  const sqlite = join(dir, 'events.db');
  let catalog: EventCatalog;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeAll(async () => {
    catalog = await storeTestCatalog();
  });

  it('store migrate applies the store and dlq sets once; the second run is a no-op', async () => {
    const first = await run('store', 'migrate', '--sqlite', sqlite);
    expect(first).toEqual({
      code: 0,
      stdout: `applied store/0001-events-snapshots-outbox.sql\napplied dlq/0001-parked-messages.sql\napplied dlq/0002-requeue-lease.sql\nsqlite ${sqlite}: 3 applied, 0 already applied\n`,
      stderr: '',
    });
    const second = await run('store', 'migrate', '--sqlite', sqlite, '--format', 'json');
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toEqual({ database: `sqlite ${sqlite}`, applied: [], alreadyApplied: 3 });
  });

  it('replay prints the range as NDJSON in global order; stats counts events and outbox', async () => {
    const eventStore = new EventStore<TestEventMap>({ catalog, sqlite, eventStoreTopic: 'clone-event-store' });
    const sessionId = randomUUID();
    const inRange = [1, 2, 3].map((day) =>
      turnCompleted(catalog, sessionId, day, { occurredAt: new Date(Date.UTC(2024, 0, day)) }),
    );
    for (const event of inRange) await eventStore.appendEvent(event);
    await eventStore.appendEvent(turnCompleted(catalog, sessionId, 40, { occurredAt: new Date(Date.UTC(2024, 1, 9)) }));
    await eventStore.close();

    const replayed = await run(
      'replay',
      '--sqlite',
      sqlite,
      '--from',
      '2024-01-01',
      '--to',
      '2024-01-31',
      '--progress',
    );
    expect(replayed.code).toBe(0);
    const lines = replayed.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { eventId: string; position: { streamVersion: number } });
    expect(lines.map((line) => line.eventId)).toEqual(inRange.map((event) => event.eventId));
    expect(lines.map((line) => line.position.streamVersion)).toEqual([1, 2, 3]);
    expect(replayed.stderr).toBe('replay: 3/3 (position 3)\n');

    const stats = await run('store', 'stats', '--sqlite', sqlite, '--format', 'json');
    expect(stats.code).toBe(0);
    expect(JSON.parse(stats.stdout)).toMatchObject({ events: 4, streams: 1, outbox: { pending: 4, sent: 0 } });
  });

  it('bad input exits 2 with the reason on stderr', async () => {
    const badTime = await run('replay', '--sqlite', sqlite, '--from', 'yesterday-ish', '--to', '2024-01-31');
    expect(badTime).toMatchObject({ code: 2, stdout: '' });
    expect(badTime.stderr).toContain("--from 'yesterday-ish' is not a date");
    const badUrl = await run('store', 'migrate', '--database-url', 'mysql://somewhere/db');
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toContain('event-bus store migrate: databaseUrl must be a postgres://');
    const badComponent = await run('store', 'migrate', '--sqlite', sqlite, '--component', 'nope');
    expect(badComponent).toMatchObject({
      code: 2,
      stderr: 'event-bus store migrate: unknown component(s) nope (known: store, dlq)\n',
    });
  });
});
