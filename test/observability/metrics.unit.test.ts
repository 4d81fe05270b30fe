/**
 * Metrics through the real OpenTelemetry metrics SDK add up to what the test did and to the
 * components' own stats: published, failed, handled, redelivered, dead-lettered, parked,
 * durations, latency, outbox pending / lag, subscriber gauges.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DeadLetterQueueHandler, EventPublisher, EventStore, EventSubscriber, InProcessTransport, type AnyEventEnvelope, type EventCatalog, type EventPublisherPort } from '../../runtime/index.js';
import { INSTRUMENTS } from '../../runtime/observability/instruments.js';
import { loadRegistryCatalog } from '../support/registry-catalog.js';
import { exampleEvent } from '../runtime/support/examples.js';
import { uniqueName, waitUntil } from '../runtime/support/wait.js';
import { otelHarness, total, type OtelHarness } from './support/otel.js';

let catalog: EventCatalog;
let harness: OtelHarness;
const closers: (() => Promise<void>)[] = [];
beforeAll(async () => {
  catalog = await loadRegistryCatalog();
});
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await harness.shutdown();
});

const N = Object.fromEntries(Object.entries(INSTRUMENTS).map(([key, definition]) => [key, definition.name])) as {
  [K in keyof typeof INSTRUMENTS]: (typeof INSTRUMENTS)[K]['name'];
};

describe('metrics', () => {
  it('publish and consume counters and histograms add up to the deliveries the test made', async () => {
    harness = otelHarness();
    const observability = harness.observability;
    const transport = new InProcessTransport({ projectId: 'otel' });
    const deadLetterTopic = uniqueName('otel-dlq');
    const publisher = new EventPublisher({ catalog, transport, topicPrefix: uniqueName('otel'), observability });
    const subscriber = new EventSubscriber({
      catalog,
      transport,
      topicPrefix: publisher.topicPrefix,
      subscriptionPrefix: uniqueName('otel-sub'),
      deadLetterTopic,
      retryPolicy: { minimumBackoffSeconds: 0, maximumBackoffSeconds: 0 },
      observability,
      onError: () => undefined,
    });
    const dlq = new DeadLetterQueueHandler({
      catalog,
      transport,
      deadLetterTopic,
      sqlite: ':memory:',
      actor: 'otel',
      observability,
    });
    closers.push(
      () => transport.close(),
      () => publisher.close(),
      () => subscriber.close(),
      () => dlq.close(),
    );

    // ok-*: handled first time; flaky-*: fails twice, then handled; poison-*: always fails (dead-lettered, parked).
    const attempts = new Map<string, number>();
    const subscription = await subscriber.subscribe({
      eventType: 'user.created',
      handler: (event) => {
        const attempt = (attempts.get(event.aggregateId) ?? 0) + 1;
        attempts.set(event.aggregateId, attempt);
        if (event.aggregateId.startsWith('poison') || (event.aggregateId.startsWith('flaky') && attempt <= 2)) {
          throw new Error(`fails on attempt ${attempt}`);
        }
      },
    });
    await dlq.startProcessing(() => 'manual');
    const ids = ['ok-1', 'ok-2', 'ok-3', 'flaky-1', 'poison-1'];
    for (const id of ids) await publisher.publish(exampleEvent(catalog, 'user.created', id));
    // A publish the broker refuses: the topic does not exist and this publisher may not create it.
    const strict = new EventPublisher({
      catalog,
      transport,
      topicPrefix: uniqueName('missing'),
      autoCreateTopics: false,
      observability,
    });
    await expect(strict.publish(exampleEvent(catalog, 'user.created', 'lost-1'))).rejects.toThrow();
    await waitUntil(
      () => subscriber.stats.handled === 4 && dlq.counts.parked === 1,
      'four handled and one parked',
      20_000,
    ).catch((error: Error) => {
      throw new Error(
        `${error.message}; subscriber ${JSON.stringify(subscriber.stats)}, dlq ${JSON.stringify(dlq.counts)}`,
      );
    });

    const metrics = await harness.metrics();
    const stats = subscriber.stats;
    const type = { 'cloudevents.event_type': 'user.created' };
    const consumed = { ...type, 'messaging.destination.subscription.name': subscription.subscription };
    expect(
      total(metrics, N.published, { ...type, 'messaging.destination.name': publisher.topicFor('user.created') }),
    ).toBe(5);
    expect(total(metrics, N.published)).toBe(publisher.stats.published);
    expect(
      total(metrics, N.failed, { ...type, 'messaging.operation.name': 'send', 'error.type': 'TOPIC_NOT_FOUND' }),
    ).toBe(1);
    expect(strict.stats.failed).toBe(1);
    expect(total(metrics, N.handled, consumed)).toBe(4);
    expect(total(metrics, N.handled)).toBe(stats.handled);
    // flaky: 2 failures; poison: 5 attempts, all failing.
    expect(
      total(metrics, N.failed, { ...consumed, 'messaging.operation.name': 'process', 'error.type': 'Error' }),
    ).toBe(7);
    expect(total(metrics, N.failed, { 'messaging.operation.name': 'process' })).toBe(stats.handlerErrors);
    expect(total(metrics, N.redelivered, consumed)).toBe(2 + 4);
    expect(total(metrics, N.deadLettered, { ...consumed, 'error.type': 'HANDLER_FAILED' })).toBe(1);
    expect(total(metrics, N.deadLettered)).toBe(stats.deadLettered);
    expect(total(metrics, N.parked, { ...type, 'event_bus.dlq.park_reason': 'manual' })).toBe(1);
    expect(total(metrics, N.parked)).toBe(dlq.counts.parked);
    // One duration per delivery; one latency per handled event.
    expect(total(metrics, N.processDuration, consumed)).toBe(stats.received);
    expect(stats.received).toBe(3 + 3 + 5);
    expect(total(metrics, N.processDuration, { ...consumed, 'event_bus.outcome': 'dead-lettered' })).toBe(1);
    expect(total(metrics, N.latency, consumed)).toBe(4);
    // Gauges: one open subscription, nothing in flight.
    expect(total(metrics, N.subscriptions, { 'event_bus.subscription.state': 'open' })).toBe(1);
    expect(total(metrics, N.inFlight, { 'messaging.destination.subscription.name': subscription.subscription })).toBe(
      0,
    );
    // Units are the documented ones.
    for (const definition of Object.values(INSTRUMENTS)) {
      const metric = metrics.get(definition.name);
      if (metric) expect(metric.unit, definition.name).toBe(definition.unit);
    }
    for (const name of [
      N.published,
      N.failed,
      N.handled,
      N.redelivered,
      N.deadLettered,
      N.parked,
      N.processDuration,
      N.latency,
    ]) {
      expect(metrics.has(name), name).toBe(true);
    }
  });

  it('outbox pending and lag gauges follow a running relay; the relay lag histogram counts relayed events', async () => {
    harness = otelHarness();
    const eventStoreTopic = uniqueName('otel-store');
    const store = new EventStore({
      catalog,
      sqlite: ':memory:',
      eventStoreTopic,
      observability: harness.observability,
    });
    closers.push(() => store.close());
    // A publisher port held shut until the test opens it, so the rows stay pending while observed.
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const published: AnyEventEnvelope[] = [];
    const publisher: EventPublisherPort = {
      publish: async (event) => {
        await gate;
        published.push(event);
        return `id-${published.length}`;
      },
    };
    for (const id of ['s-1', 's-2', 's-3']) await store.appendEvent(exampleEvent(catalog, 'conversation.started', id));
    const relay = store.createOutboxRelay({ publisher, pollIntervalMilliseconds: 10 });
    relay.start();
    closers.push(() => relay.stop());
    await waitUntil(() => relay.metrics().claimed === 3, 'the relay to claim the rows');

    let metrics = await harness.metrics();
    const topic = { 'messaging.destination.name': eventStoreTopic };
    expect(total(metrics, N.outboxPending, topic)).toBe(3);
    expect(metrics.get(N.outboxLag)?.points).toHaveLength(1);
    expect(total(metrics, N.outboxLag, topic)).toBeGreaterThanOrEqual(0);
    expect(total(metrics, N.relayLag)).toBe(0);

    open();
    await waitUntil(() => relay.metrics().published === 3, 'the relay to publish');
    metrics = await harness.metrics();
    expect(total(metrics, N.outboxPending, topic)).toBe(0);
    expect(total(metrics, N.outboxLag, topic)).toBe(0);
    expect(total(metrics, N.relayLag, { ...topic, 'cloudevents.event_type': 'conversation.started' })).toBe(3);
  });
});
