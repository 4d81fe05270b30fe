/**
 * PostgreSQL "read all after a position" under concurrent writers: an event whose transaction
 * commits after a later-numbered one must still be read, exactly once (docs/postgres-gap-safe-cursor.md).
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresEventStoreBackend, type StoredEvent } from '../../runtime/store/index.js';
import type { EventCatalog } from '../../runtime/index.js';
import { storeTestCatalog, turns } from './support/fixtures.js';
import { databaseUrl, dropSchema, openTestBackend, randomSchemaName } from './support/postgres.js';

const schema = randomSchemaName('store_gap');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A pool whose transactions wait a random while before COMMIT, so commits overtake each other. */
function delayedCommitPool(pool: pg.Pool, maxDelayMilliseconds: number): pg.Pool {
  return new Proxy(pool, {
    get(target, property, receiver) {
      if (property !== 'connect') return Reflect.get(target, property, receiver) as unknown;
      return async () => {
        const client = await target.connect();
        const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
        return new Proxy(client, {
          get(clientTarget, clientProperty, clientReceiver) {
            if (clientProperty !== 'query') return Reflect.get(clientTarget, clientProperty, clientReceiver) as unknown;
            return async (...args: unknown[]) => {
              if (args[0] === 'COMMIT') {
                await sleep(Math.random() * maxDelayMilliseconds);
                return query(...args);
              }
              return query(...args);
            };
          },
        });
      };
    },
  });
}

async function readEverythingAfter(
  backend: PostgresEventStoreBackend,
  after: number,
): Promise<{ events: StoredEvent[]; last: number }> {
  const events: StoredEvent[] = [];
  for (;;) {
    const page = await backend.readAll({ after, limit: 500 });
    events.push(...page.events);
    after = page.lastPosition;
    if (page.caughtUp) return { events, last: after };
  }
}

describe('PostgreSQL readAll is gap-safe', () => {
  let catalog: EventCatalog;
  let backend: PostgresEventStoreBackend;
  let admin: pg.Client;

  beforeAll(async () => {
    catalog = await storeTestCatalog();
    backend = await openTestBackend(schema, 20);
    admin = new pg.Client({ connectionString: databaseUrl(), options: `-c search_path=${schema}` });
    await admin.connect();
  });
  afterAll(async () => {
    await backend?.close();
    await admin?.end();
    await dropSchema(schema);
  });

  it('does not skip an event whose transaction commits after a later-numbered one (a plain position cursor does)', async () => {
    const { last: start } = await readEverythingAfter(backend, 0);
    const slowStream = randomUUID();
    const fastStream = randomUUID();
    const [slowEvent] = turns(catalog, slowStream, 1);
    const [fastEvent] = turns(catalog, fastStream, 1);

    // The slow writer takes its position and transaction id, then holds the transaction open.
    const slow = new pg.Client({ connectionString: databaseUrl(), options: `-c search_path=${schema}` });
    await slow.connect();
    await slow.query('BEGIN');
    const { rows } = await slow.query<{ global_position: string }>(
      `INSERT INTO store_events (event_id, aggregate_type, aggregate_id, stream_version, event_type, event_version,
         occurred_at, occurred_at_ts, payload, metadata)
       VALUES ($1, 'conversation_session', $2, 1, $3, 2, $4::text, $4::text::timestamptz, $5::jsonb, '{}'::jsonb)
       RETURNING global_position`,
      [slowEvent!.eventId, slowStream, slowEvent!.eventType, slowEvent!.occurredAt, JSON.stringify(slowEvent!.payload)],
    );
    const slowPosition = Number(rows[0]!.global_position);

    // The fast writer commits a later position first.
    const fast = await backend.appendToStream(
      { aggregateType: 'conversation_session', aggregateId: fastStream },
      [fastEvent!],
      {
        expectedVersion: 'no_stream',
        outbox: false,
      },
    );
    expect(fast.lastGlobalPosition).toBeGreaterThan(slowPosition);

    // A plain cursor reads the fast event and moves past the slow one's position.
    const naiveQuery = `SELECT event_id, global_position FROM store_events WHERE global_position > $1 AND aggregate_id = ANY($2) ORDER BY global_position`;
    const naiveFirst = await admin.query<{ event_id: string; global_position: string }>(naiveQuery, [
      start,
      [slowStream, fastStream],
    ]);
    expect(naiveFirst.rows.map((row) => row.event_id)).toEqual([fastEvent!.eventId]);
    const naiveCursor = Number(naiveFirst.rows.at(-1)!.global_position);

    // The gap-safe reader holds back everything behind the open transaction.
    const gapSafeFirst = await backend.readAll({ after: start, limit: 10_000 });
    expect(gapSafeFirst.events.map((event) => event.eventId)).not.toContain(fastEvent!.eventId);

    await slow.query('COMMIT');
    await slow.end();

    const naiveSecond = await admin.query<{ event_id: string }>(naiveQuery, [naiveCursor, [slowStream, fastStream]]);
    expect(naiveSecond.rows).toEqual([]); // the plain cursor skipped the slow event for good

    let seen: StoredEvent[] = gapSafeFirst.events;
    let cursor = gapSafeFirst.lastPosition;
    // Other tests' transactions on the shared server can hold the horizon back a moment.
    for (let attempt = 0; attempt < 200 && !seen.some((event) => event.eventId === fastEvent!.eventId); attempt++) {
      const more = await readEverythingAfter(backend, cursor);
      seen = [...seen, ...more.events];
      cursor = more.last;
      if (!seen.some((event) => event.eventId === fastEvent!.eventId)) await sleep(25);
    }
    const mine = seen.filter((event) => event.aggregateId === slowStream || event.aggregateId === fastStream);
    expect(mine.map((event) => event.eventId)).toEqual([slowEvent!.eventId, fastEvent!.eventId]);
  });

  it('a reader tailing while writers on many streams commit out of order sees every event exactly once', async () => {
    const { last: start } = await readEverythingAfter(backend, 0);
    const commitOrder: number[] = [];
    // Writers whose commits are delayed at random, so later positions often commit first.
    const writerBackend = new PostgresEventStoreBackend(delayedCommitPool(backend.pool, 15));
    const written = new Set<string>();
    const writers = 8;
    const appendsPerWriter = 25;
    let writing = true;

    const writerLoops = Array.from({ length: writers }, async () => {
      const streams = Array.from({ length: 5 }, () => randomUUID());
      for (let i = 0; i < appendsPerWriter; i++) {
        const stream = streams[i % streams.length]!;
        const batch = turns(catalog, stream, 1 + (i % 3), i * 10);
        const result = await writerBackend.appendToStream(
          { aggregateType: 'conversation_session', aggregateId: stream },
          batch,
          {
            expectedVersion: 'any',
            outbox: false,
          },
        );
        commitOrder.push(result.lastGlobalPosition);
        for (const event of batch) written.add(event.eventId);
      }
    });

    const seen: string[] = [];
    const reader = (async () => {
      let after = start;
      // After the writers finish, a bounded number of empty polls: a skipped event fails fast.
      let idlePollsLeft = 500;
      while (writing || (seen.length < written.size && idlePollsLeft-- > 0)) {
        const page = await backend.readAll({ after, limit: 37 });
        seen.push(...page.events.map((event) => event.eventId));
        after = page.lastPosition;
        if (page.caughtUp) await sleep(2);
      }
    })();

    await Promise.all(writerLoops);
    writing = false;
    await reader;

    // Out-of-order commits really happened: commit order is not position order.
    const inversions = commitOrder.filter((position, index) => index > 0 && position < commitOrder[index - 1]!).length;
    expect(inversions).toBeGreaterThan(0);
    expect(seen).toHaveLength(written.size);
    expect(new Set(seen)).toEqual(written);
  });
});
