/**
 * The healing rules of StreamSupervisor against the in-process transport, with the stream's end
 * and the broker's silence injected where Pub/Sub would report them (onEnd, onDisconnect, a probe
 * that never answers). The real thing is in test/faults/ (emulator SIGKILL, deleted subscription).
 */
import { describe, expect, it } from 'vitest';
import { StreamSupervisor } from '../../runtime/subscriber/stream-supervisor.js';
import {
  InProcessTransport,
  type MessageListener,
  type StreamOptions,
  type SubscriptionDescription,
  type SubscriptionStateChange,
  type TransportSubscription,
} from '../../runtime/index.js';
import { uniqueName, waitUntil } from './support/wait.js';

class FaultyTransport extends InProcessTransport {
  readonly opened: StreamOptions[] = [];
  silent = false;
  override subscribe(subscription: string, listener: MessageListener, options: StreamOptions = {}): TransportSubscription {
    this.opened.push(options);
    return super.subscribe(subscription, listener, options);
  }
  override describeSubscription(subscription: string): Promise<SubscriptionDescription | undefined> {
    return this.silent ? new Promise(() => undefined) : super.describeSubscription(subscription);
  }
}

async function setup() {
  const transport = new FaultyTransport();
  const topic = uniqueName('t');
  const subscription = uniqueName('s');
  await transport.ensureTopic(topic);
  await transport.ensureSubscription(subscription, { topic });
  const errors: Error[] = [];
  const changes: SubscriptionStateChange[] = [];
  const received: string[] = [];
  const supervisor = new StreamSupervisor({
    transport,
    subscription,
    listener: (message) => {
      supervisor.delivered();
      received.push(message.data.toString());
      message.ack();
    },
    stream: {},
    onError: (error) => errors.push(error),
    onStateChange: (change) => changes.push(change),
    reconnect: { initialMilliseconds: 10, maxMilliseconds: 50, probeTimeoutMilliseconds: 50 },
  });
  return { transport, topic, subscription, supervisor, errors, changes, received };
}

describe('StreamSupervisor', () => {
  it('re-opens a stream that ended for good and receives on the new one', async () => {
    const { transport, topic, supervisor, changes, received } = await setup();
    supervisor.start();
    await waitUntil(() => supervisor.health().state === 'connected', 'connected');
    transport.opened[0]!.onEnd?.(new Error('stream ended with code 2'));
    await waitUntil(() => transport.opened.length === 2 && supervisor.health().state === 'connected', 're-opened');
    expect(supervisor.health()).toMatchObject({ reopened: 1, lastError: 'stream ended with code 2' });
    expect(changes.map((change) => change.state)).toEqual(['connected', 'reconnecting', 'connected']);
    await transport.publish(topic, { data: Buffer.from('after'), attributes: {} });
    await waitUntil(() => received.includes('after'), 'a message on the new stream');
    await supervisor.close();
    expect(supervisor.health().state).toBe('closed');
  });

  it('reports an outage through onError once when the broker does not answer, then recovers with a fresh stream', async () => {
    const { transport, supervisor, errors } = await setup();
    supervisor.start();
    await waitUntil(() => supervisor.health().state === 'connected', 'connected');
    transport.silent = true;
    transport.opened[0]!.onDisconnect?.(new Error('UNAVAILABLE'));
    await waitUntil(() => errors.length === 1, 'the outage reported');
    expect(errors[0]).toMatchObject({ code: 'SUBSCRIPTION_UNREACHABLE', retryable: true });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(errors).toHaveLength(1);
    expect(supervisor.health()).toMatchObject({ state: 'reconnecting', outages: 1 });
    transport.silent = false;
    await waitUntil(() => supervisor.health().state === 'connected', 'connected again');
    expect(transport.opened.length).toBe(2);
    await supervisor.close();
  });

  it('stops retrying at close()', async () => {
    const { transport, supervisor } = await setup();
    supervisor.start();
    await waitUntil(() => supervisor.health().state === 'connected', 'connected');
    transport.silent = true;
    transport.opened[0]!.onEnd?.(new Error('gone'));
    await supervisor.close();
    const opened = transport.opened.length;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(transport.opened.length).toBe(opened);
    expect(supervisor.health().state).toBe('closed');
  });
});
