import { describe, expect, it } from 'vitest';
import { InMemoryIdempotencyStore, idempotent, type AnyEventEnvelope, type DeliveryContext } from '../../runtime/index.js';

const context: DeliveryContext = { messageId: 'm', deliveryAttempt: 1, publishTime: new Date(), attributes: {} };
const event = (eventId: string): AnyEventEnvelope => ({
  eventId,
  eventType: 'user.created',
  eventVersion: 1,
  aggregateId: 'a',
  aggregateType: 'user',
  occurredAt: new Date().toISOString(),
  payload: {},
  metadata: {},
});

describe('idempotent handlers', () => {
  it('runs a handler once per event id', async () => {
    const calls: string[] = [];
    const duplicates: string[] = [];
    const handler = idempotent((e) => void calls.push(e.eventId), { onDuplicate: (e) => void duplicates.push(e.eventId) });
    for (const id of ['a', 'b', 'a', 'c', 'b']) await handler(event(id), context);
    expect(calls).toEqual(['a', 'b', 'c']);
    expect(duplicates).toEqual(['a', 'b']);
  });

  it('records nothing when the handler fails, so the redelivery runs it again', async () => {
    let attempts = 0;
    const handler = idempotent(() => {
      attempts += 1;
      if (attempts === 1) throw new Error('transient');
    });
    await expect(handler(event('x'), context)).rejects.toThrow('transient');
    await handler(event('x'), context);
    await handler(event('x'), context);
    expect(attempts).toBe(2);
  });

  it('runs concurrent deliveries of one id once', async () => {
    let calls = 0;
    const handler = idempotent(async () => {
      calls += 1;
      await new Promise((resolve) => setTimeout(resolve, 10));
    });
    await Promise.all([handler(event('y'), context), handler(event('y'), context), handler(event('y'), context)]);
    expect(calls).toBe(1);
  });

  it('takes a pluggable store', async () => {
    const seen = new Set<string>(['done-before']);
    const store = { has: async (id: string) => seen.has(id), add: async (id: string) => void seen.add(id) };
    const calls: string[] = [];
    const handler = idempotent((e) => void calls.push(e.eventId), { store });
    await handler(event('done-before'), context);
    await handler(event('new'), context);
    expect(calls).toEqual(['new']);
    expect(seen.has('new')).toBe(true);
  });
});

describe('InMemoryIdempotencyStore', () => {
  it('forgets the least recently seen ids beyond its capacity', () => {
    const store = new InMemoryIdempotencyStore(3);
    for (const id of ['a', 'b', 'c']) store.add(id);
    expect(store.has('a')).toBe(true); // refreshes 'a'
    store.add('d');
    expect(store.size).toBe(3);
    expect(store.has('b')).toBe(false);
    expect(['a', 'c', 'd'].every((id) => store.has(id))).toBe(true);
  });

  it('refuses a capacity below 1', () => {
    expect(() => new InMemoryIdempotencyStore(0)).toThrow(RangeError);
  });
});
