import { afterAll, describe, expect, it } from 'vitest';
import { PubSubTransport } from '../../runtime/index.js';
import { uniqueName } from './support/wait.js';
import { describeTransportContract } from './transport-contract.js';

describeTransportContract('Pub/Sub (emulator)', async () => {
  const projectId = process.env.GCP_PROJECT_ID ?? 'event-bus-test';
  const transport = new PubSubTransport({ projectId });
  return { transport, projectId, close: () => transport.close() };
});

describe('PubSubTransport.publish (client callback form, decision 0153)', () => {
  const transport = new PubSubTransport({ projectId: process.env.GCP_PROJECT_ID ?? 'event-bus-test' });
  afterAll(() => transport.close());

  it('rejects, never throws, when the client refuses a message synchronously, with the client error unchanged', async () => {
    const topic = uniqueName('pt-topic');
    await transport.ensureTopic(topic);
    let publishing: Promise<string> | undefined;
    expect(() => {
      publishing = transport.publish(topic, { data: Buffer.from('x'), attributes: { a: 1 as unknown as string } });
    }).not.toThrow();
    await expect(publishing).rejects.toThrow(TypeError);
    await expect(publishing).rejects.toThrow(/All attributes must be in the form of a string/);
  });

  it('resolves every publish of a burst with its own server message id', async () => {
    const topic = uniqueName('pt-topic');
    await transport.ensureTopic(topic);
    const options = { batching: { maxMessages: 10, maxMilliseconds: 5 } };
    const ids = await Promise.all(Array.from({ length: 25 }, (_, i) => transport.publish(topic, { data: Buffer.from(String(i)), attributes: {} }, options)));
    expect(new Set(ids).size).toBe(25);
    for (const id of ids) expect(id).toMatch(/^\S+$/);
  });
});
