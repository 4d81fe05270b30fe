/**
 * Issue 11, store parity: one contract, run on SQLite (store-parity-sqlite.unit.test.ts) and
 * PostgreSQL (store-parity-postgres.int.test.ts). NUL and lone surrogates in ids and payload
 * strings, and ids over MAX_STORE_ID_BYTES, are refused by both with the same StoreInputError
 * before the database sees them; everything else round-trips identically.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalog, createEvent } from '../../generated/index.js';
import type { AnyEventEnvelope } from '../../runtime/index.js';
import { EventStore, MAX_STORE_ID_BYTES, StoreErrorCode, StoreInputError, type EventStoreBackend } from '../../runtime/store/index.js';

function userCreated(aggregateId: string, name: string, overrides: Partial<AnyEventEnvelope> = {}): AnyEventEnvelope {
  const event = createEvent('user.created', aggregateId, 'user', {
    userId: '6f1c2b9e-3d4a-4c8e-9f21-7a5b0c3d2e10',
    email: 'ada.lovelace@example.com',
    name,
    subscriptionTier: 'free',
  } as never) as AnyEventEnvelope;
  return { ...event, ...overrides };
}

export function runStoreParity(name: string, open: () => Promise<EventStoreBackend>, teardown?: () => Promise<void>): void {
  describe(`store input parity: ${name}`, () => {
    let backend: EventStoreBackend;
    let store: EventStore;
    beforeAll(async () => {
      backend = await open();
      store = new EventStore({ catalog, backend });
    });
    afterAll(async () => {
      await backend.close();
      await teardown?.();
    });

    const refused = async (promise: Promise<unknown>, field: RegExp): Promise<void> => {
      const error = await promise.then(() => undefined, (caught: unknown) => caught);
      expect(error, 'refused with StoreInputError').toBeInstanceOf(StoreInputError);
      expect((error as StoreInputError).code).toBe(StoreErrorCode.InvalidInput);
      expect((error as StoreInputError).field).toMatch(field);
    };

    it('refuses NUL and lone surrogates in payload strings (valid under the schema) with StoreInputError', async () => {
      await refused(store.appendEvent(userCreated(randomUUID(), 'Ada\u0000Lovelace')), /^payload\/name$/);
      await refused(store.appendEvent(userCreated(randomUUID(), 'Ada \ud800')), /^payload\/name$/);
      await refused(store.appendEvent(userCreated(randomUUID(), '\udfffAda')), /^payload\/name$/);
    });

    it('refuses NUL and lone surrogates in ids and metadata', async () => {
      await refused(store.appendEvent(userCreated(`u-${randomUUID()}\u0000`, 'Ada')), /^aggregateId$/);
      await refused(store.appendEvent(userCreated(randomUUID(), 'Ada', { eventId: `e\ud83d` })), /^eventId$/);
      await refused(store.appendEvent(userCreated(randomUUID(), 'Ada', { correlationId: 'c\u0000' })), /^correlationId$/);
      await refused(store.appendEvent(userCreated(randomUUID(), 'Ada', { metadata: { source: 'x\udc00' } })), /^metadata\/source$/);
      await refused(store.readStream({ aggregateType: 'user', aggregateId: 'u\u0000' }), /^aggregateId$/);
      await refused(store.readAll({ aggregateId: 'u\ud800' }), /^aggregateId$/);
    });

    it('two ids that differ only in lone surrogates are refused, never merged into one stream', async () => {
      const base = `u-${randomUUID()}`;
      await refused(store.appendEvent(userCreated(`${base}\ud800`, 'Ada')), /^aggregateId$/);
      await refused(store.appendEvent(userCreated(`${base}\udbff`, 'Grace')), /^aggregateId$/);
      expect((await store.readStream({ aggregateType: 'user', aggregateId: base })).currentVersion).toBe(0);
    });

    it(`refuses ids over ${MAX_STORE_ID_BYTES} UTF-8 bytes before the database (PostgreSQL's index limit is ~2,704), accepts ${MAX_STORE_ID_BYTES}`, async () => {
      await refused(store.appendEvent(userCreated('u'.repeat(2705), 'Ada')), /^aggregateId$/);
      await refused(store.appendEvent(userCreated('é'.repeat(MAX_STORE_ID_BYTES / 2 + 1), 'Ada')), /^aggregateId$/);
      const longest = `${randomUUID()}${'x'.repeat(MAX_STORE_ID_BYTES - 36)}`;
      await store.appendEvent(userCreated(longest, 'Ada', { eventId: `${randomUUID()}${'e'.repeat(MAX_STORE_ID_BYTES - 36)}` }));
      const stream = await store.readStream({ aggregateType: 'user', aggregateId: longest });
      expect(stream.events).toHaveLength(1);
      expect(stream.events[0]!.aggregateId).toBe(longest);
    });

    it('stores every other Unicode string losslessly: astral characters, combining marks, RTL, escapes', async () => {
      const names = ['😀 Ada 𝔘𝔫𝔦𝔠𝔬𝔡𝔢', 'e\u0301 combining', 'עברית العربية', 'tab\tnewline\n"quote" \\backslash', '\u2028\u2029\ufeff\u200b', '\u0001\u001f\u007f'];
      for (const text of names) {
        const id = `u-${randomUUID()}-${text.slice(0, 3)}`;
        await store.appendEvent(userCreated(id, text, { metadata: { note: text } }));
        const [event] = (await store.readStream({ aggregateType: 'user', aggregateId: id })).events;
        expect((event!.payload as { name: string }).name).toBe(text);
        expect(event!.metadata?.note).toBe(text);
        expect(event!.aggregateId).toBe(id);
      }
    });
  });
}
