/**
 * SQLite appends insert with INSERT OR ROLLBACK (decision 0155): a duplicate event id ends the
 * whole transaction inside SQLite instead of undoing one statement. These pin what a user sees
 * of that: the typed error, nothing written (events or outbox rows, of any chunk of a batch), and
 * a connection that is not left inside a transaction — with and without an in-transaction hook.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventCatalog } from '../../runtime/index.js';
import {
  ANY,
  DuplicateEventIdError,
  openSqliteBackend,
  type SqliteEventStoreBackend,
  type StreamId,
} from '../../runtime/store/index.js';
import { storeTestCatalog, turns } from './support/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'sqlite-append-'));
let backend: SqliteEventStoreBackend;
let catalog: EventCatalog;
const session = (): StreamId => ({ aggregateType: 'conversation_session', aggregateId: randomUUID() });

beforeAll(async () => {
  catalog = await storeTestCatalog();
  backend = await openSqliteBackend(join(dir, 'events.db'));
});
afterAll(async () => {
  await backend.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SQLite append: a duplicate event id rolls the whole append back', () => {
  for (const withHook of [false, true]) {
    it(`in the last of three 100-row chunks${withHook ? ', with an in-transaction hook' : ''}`, async () => {
      const stream = session();
      const [stored] = turns(catalog, stream.aggregateId, 1);
      await backend.appendToStream(stream, [stored!], { expectedVersion: ANY, outbox: true });
      const eventsBefore = (backend.db.prepare('SELECT count(*) AS n FROM store_events').get() as { n: number }).n;
      const outboxBefore = await backend.outboxStats();
      // 250 events: chunks of 100, 100 and 50 rows; the duplicate is the last row of the last chunk.
      const batch = [...turns(catalog, stream.aggregateId, 249, 1), stored!];
      let hookCalls = 0;
      const error = await backend
        .appendToStream(stream, batch, {
          expectedVersion: ANY,
          outbox: true,
          ...(withHook && { inTransaction: async () => void hookCalls++ }),
        })
        .then(
          () => undefined,
          (caught: unknown) => caught,
        );
      expect(error).toBeInstanceOf(DuplicateEventIdError);
      expect((error as DuplicateEventIdError).eventId).toBe(stored!.eventId);
      expect(hookCalls).toBe(0);
      expect(backend.db.inTransaction).toBe(false);
      expect((backend.db.prepare('SELECT count(*) AS n FROM store_events').get() as { n: number }).n).toBe(eventsBefore);
      expect(await backend.outboxStats()).toEqual(outboxBefore);
      const read = await backend.readStream(stream);
      expect(read.currentVersion).toBe(1);
      expect(read.events.map((event) => event.eventId)).toEqual([stored!.eventId]);

      // The connection is usable: the same batch without the duplicate goes in whole, outbox rows included.
      const result = await backend.appendToStream(stream, batch.slice(0, -1), {
        expectedVersion: 1,
        outbox: true,
        ...(withHook && { inTransaction: async () => void hookCalls++ }),
      });
      expect(result.nextExpectedVersion).toBe(250);
      expect(hookCalls).toBe(withHook ? 1 : 0);
      expect((await backend.outboxStats()).pending).toBe(outboxBefore.pending + 249);
      expect((await backend.readStream(stream)).events.map((event) => event.position.streamVersion)).toEqual(
        Array.from({ length: 250 }, (_, i) => i + 1),
      );
    });
  }
});
