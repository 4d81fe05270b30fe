import { describe, expect, it } from 'vitest';
import { OrderedDispatch, type Outcome } from '../../runtime/subscriber/ordered-dispatch.js';
import type { ReceivedMessage } from '../../runtime/index.js';
import { waitUntil } from './support/wait.js';

/** A delivery as a transport hands it out; records how it was settled. */
function delivery(id: string, orderingKey: string | undefined, settled: string[]): ReceivedMessage {
  return {
    id,
    data: Buffer.alloc(0),
    attributes: {},
    orderingKey,
    publishTime: new Date(),
    deliveryAttempt: 1,
    length: 0,
    ack: () => void settled.push(`ack ${id}`),
    nack: () => void settled.push(`nack ${id}`),
  };
}

describe('OrderedDispatch', () => {
  it('holds later messages of a key after a nack until the nacked one returns, then runs it first', async () => {
    const ran: string[] = [];
    const settled: string[] = [];
    let failFirst = true;
    const dispatch = new OrderedDispatch(
      async (message): Promise<Outcome> => {
        ran.push(message.id);
        if (message.id === 'a1' && failFirst) {
          failFirst = false;
          message.nack();
          return 'nacked';
        }
        message.ack();
        return 'acked';
      },
      { holdMilliseconds: 60_000 },
    );
    dispatch.dispatch(delivery('a1', 'a', settled));
    dispatch.dispatch(delivery('a2', 'a', settled));
    dispatch.dispatch(delivery('b1', 'b', settled));
    await waitUntil(() => settled.includes('ack b1') && settled.includes('nack a1'), 'b1 handled and a1 nacked');
    expect(ran).not.toContain('a2');
    dispatch.dispatch(delivery('a1', 'a', settled)); // the redelivery
    await waitUntil(() => settled.includes('ack a2'), 'a2 after a1');
    expect(ran.filter((id) => id.startsWith('a'))).toEqual(['a1', 'a1', 'a2']);
    await dispatch.drain();
  });

  it('nacks the held messages when the nacked one does not come back in time', async () => {
    const settled: string[] = [];
    const dispatch = new OrderedDispatch(
      async (message): Promise<Outcome> => {
        if (message.id === 'a1') {
          message.nack();
          return 'nacked';
        }
        message.ack();
        return 'acked';
      },
      { holdMilliseconds: 20 },
    );
    dispatch.dispatch(delivery('a1', 'a', settled));
    dispatch.dispatch(delivery('a2', 'a', settled));
    dispatch.dispatch(delivery('a3', 'a', settled));
    await waitUntil(() => settled.length === 3, 'all three settled');
    expect(settled).toEqual(['nack a1', 'nack a2', 'nack a3']);
    await dispatch.drain();
  });

  it('runs messages without a key concurrently, and drain() waits for them and nacks held ones', async () => {
    const settled: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const dispatch = new OrderedDispatch(
      async (message): Promise<Outcome> => {
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((resolve) => setTimeout(resolve, 20));
        running -= 1;
        message.ack();
        return 'acked';
      },
      { holdMilliseconds: 1000 },
    );
    for (const id of ['x1', 'x2', 'x3']) dispatch.dispatch(delivery(id, undefined, settled));
    dispatch.dispatch(delivery('k1', 'k', settled));
    dispatch.dispatch(delivery('k2', 'k', settled));
    await dispatch.drain();
    expect(maxRunning).toBeGreaterThanOrEqual(3);
    expect(settled).toEqual(expect.arrayContaining(['ack x1', 'ack x2', 'ack x3', 'ack k1', 'nack k2']));
    expect(settled).toHaveLength(5);
    dispatch.dispatch(delivery('late', undefined, settled));
    expect(settled.at(-1)).toBe('nack late');
  });
});
