/**
 * The trace of a stored event: append (inside a request) -> outbox relay (later, outside it) ->
 * the event-store topic -> a handler; replay links back to the append; a poison event's
 * dead-letter decision continues the trace of its failed deliveries.
 */
import { context, trace, type Link } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DeadLetterQueueHandler, EventPublisher, EventReplayer, EventStore, EventSubscriber, InProcessTransport, type AnyEventEnvelope, type DeliveryContext, type EventCatalog } from '../../runtime/index.js';
import { TRACEPARENT_ATTRIBUTE, TRACEPARENT_METADATA_KEY } from '../../runtime/observability/trace-context.js';
import { loadRegistryCatalog } from '../support/registry-catalog.js';
import { exampleEvent } from '../runtime/support/examples.js';
import { uniqueName, waitUntil } from '../runtime/support/wait.js';
import { otelHarness, type OtelHarness } from './support/otel.js';

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

function one(spans: ReadableSpan[], name: string): ReadableSpan {
  const found = spans.filter((span) => span.name === name);
  expect(found, name).toHaveLength(1);
  return found[0]!;
}

const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;

describe('tracing through the store', () => {
  it('the relay continues the trace of the append; the handler of the event-store topic joins it; replay links to it', async () => {
    harness = otelHarness();
    const observability = harness.observability;
    const transport = new InProcessTransport({ projectId: 'otel' });
    const eventStoreTopic = uniqueName('otel-store');
    const store = new EventStore({ catalog, sqlite: ':memory:', eventStoreTopic, observability });
    const publisher = new EventPublisher({ catalog, transport, topicPrefix: uniqueName('otel'), observability });
    const subscriber = new EventSubscriber({
      catalog,
      transport,
      subscriptionPrefix: uniqueName('otel-sub'),
      deadLetterTopic: uniqueName('otel-dlq'),
      observability,
    });
    closers.push(
      () => transport.close(),
      () => store.close(),
      () => publisher.close(),
      () => subscriber.close(),
    );
    const received: { event: AnyEventEnvelope; delivery: DeliveryContext }[] = [];
    const fromStore = await subscriber.subscribe({
      eventType: 'conversation.started',
      topic: eventStoreTopic,
      handler: (event, delivery) => void received.push({ event, delivery }),
    });

    const sessionId = uniqueName('session');
    const event = exampleEvent(catalog, 'conversation.started', sessionId);
    const request = harness.tracerProvider.getTracer('test').startSpan('request');
    const traceId = request.spanContext().traceId;
    await context.with(trace.setSpan(context.active(), request), () => store.appendEvent(event));
    request.end();
    // Later, in the relay's own loop, outside the request.
    expect(await store.createOutboxRelay({ publisher }).drain()).toBe(1);
    await waitUntil(
      () => harness.spans().some((span) => span.name === `process ${fromStore.subscription}`),
      'the handler',
    );

    const spans = harness.spans().filter((span) => span.spanContext().traceId === traceId);
    const append = one(spans, 'append conversation_session');
    const relay = one(spans, `relay ${eventStoreTopic}`);
    const send = one(spans, `send ${eventStoreTopic}`);
    const processed = one(spans, `process ${fromStore.subscription}`);
    expect(parentOf(append)).toBe(request.spanContext().spanId);
    expect(parentOf(relay)).toBe(append.spanContext().spanId);
    expect(parentOf(send)).toBe(relay.spanContext().spanId);
    expect(parentOf(processed)).toBe(send.spanContext().spanId);
    expect(append.attributes).toMatchObject({
      'db.system.name': 'sqlite',
      'event_bus.aggregate.type': 'conversation_session',
      'event_bus.aggregate.id': sessionId,
      'event_bus.store.event_count': 1,
      'event_bus.store.stream_version': 1,
      'cloudevents.event_id': event.eventId,
    });

    // The stored event remembers where it was appended; the handler got the relay's producer span.
    const stored = (await store.readStream({ aggregateType: 'conversation_session', aggregateId: sessionId }))
      .events[0]!;
    expect(stored.metadata[TRACEPARENT_METADATA_KEY]).toBe(`00-${traceId}-${append.spanContext().spanId}-01`);
    expect(received[0]!.delivery.attributes[TRACEPARENT_ATTRIBUTE]).toBe(
      `00-${traceId}-${send.spanContext().spanId}-01`,
    );
    expect(received[0]!.event.eventId).toBe(event.eventId);

    // Replay: its own trace, each event linked to the trace of its append.
    const replayer = new EventReplayer({ catalog, store, observability });
    const progress = await replayer.replayTimeRange(
      new Date(Date.parse(event.occurredAt) - 1000),
      new Date(Date.now() + 60_000),
      () => undefined,
      {
        aggregateId: sessionId,
      },
    );
    expect(progress.processed).toBe(1);
    const replay = one(harness.spans(), 'replay');
    const replayed = one(harness.spans(), 'replay conversation.started');
    expect(replay.spanContext().traceId).not.toBe(traceId);
    expect(parentOf(replayed)).toBe(replay.spanContext().spanId);
    expect(replay.attributes['event_bus.replay.processed']).toBe(1);
    expect(replayed.links.map((link: Link) => link.context.spanId)).toEqual([append.spanContext().spanId]);
    expect(replayed.links[0]!.context.traceId).toBe(traceId);
  });

  it('a dead-letter decision continues the trace of the failed deliveries', async () => {
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
      actor: 'otel-test',
      observability,
    });
    closers.push(
      () => transport.close(),
      () => publisher.close(),
      () => subscriber.close(),
      () => dlq.close(),
    );
    const poisoned = await subscriber.subscribe({
      eventType: 'user.created',
      handler: () => {
        throw new Error('poison');
      },
    });
    await dlq.startProcessing(() => 'manual');

    await publisher.publish(exampleEvent(catalog, 'user.created', uniqueName('user')));
    await waitUntil(
      () => harness.spans().some((span) => span.name === 'dlq park'),
      'the dead letter to be parked',
      20_000,
    ).catch((error: Error) => {
      throw new Error(
        `${error.message}; subscriber ${JSON.stringify(subscriber.stats)}, dlq ${JSON.stringify(dlq.counts)}`,
      );
    });

    const park = one(harness.spans(), 'dlq park');
    const traceId = park.spanContext().traceId;
    const spans = harness.spans().filter((span) => span.spanContext().traceId === traceId);
    const send = one(spans, `send ${publisher.topicFor('user.created')}`);
    const attempts = spans.filter((span) => span.name === `process ${poisoned.subscription}`);
    expect(attempts).toHaveLength(5);
    for (const attempt of attempts) {
      expect(parentOf(attempt)).toBe(send.spanContext().spanId);
      expect(attempt.status.code).toBe(2); // ERROR
      expect(attempt.events.some((spanEvent) => spanEvent.name === 'exception')).toBe(true);
    }
    const deadLetter = one(spans, `send ${deadLetterTopic}`);
    const last = attempts.find((attempt) => attempt.attributes['messaging.gcp_pubsub.message.delivery_attempt'] === 5)!;
    expect(parentOf(deadLetter)).toBe(last.spanContext().spanId);
    expect(last.attributes['event_bus.outcome']).toBe('dead-lettered');
    expect(deadLetter.attributes).toMatchObject({
      'error.type': 'HANDLER_FAILED',
      'messaging.destination.name': deadLetterTopic,
    });
    expect(parentOf(park)).toBe(deadLetter.spanContext().spanId);
    expect(park.attributes).toMatchObject({
      'event_bus.dlq.decision': 'park',
      'event_bus.dlq.park_reason': 'manual',
      'cloudevents.event_type': 'user.created',
    });
  });

  it('a retried dead letter comes back as a child of the retry decision, in the same trace', async () => {
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
      actor: 'otel-test',
      observability,
    });
    closers.push(
      () => transport.close(),
      () => publisher.close(),
      () => subscriber.close(),
      () => dlq.close(),
    );
    const poisoned = await subscriber.subscribe({
      eventType: 'user.created',
      handler: () => {
        throw new Error('poison');
      },
    });
    await dlq.startProcessing((message) => (message.retryCount === 0 ? 'retry' : 'discard'));
    await publisher.publish(exampleEvent(catalog, 'user.created', uniqueName('user')));
    await waitUntil(
      () => harness.spans().some((span) => span.name === 'dlq discard'),
      'the retried dead letter to be discarded',
      20_000,
    ).catch((error: Error) => {
      throw new Error(
        `${error.message}; subscriber ${JSON.stringify(subscriber.stats)}, dlq ${JSON.stringify(dlq.counts)}`,
      );
    });

    const retry = one(harness.spans(), 'dlq retry');
    const spans = harness.spans().filter((span) => span.spanContext().traceId === retry.spanContext().traceId);
    expect(spans.filter((span) => span.name === 'dlq discard')).toHaveLength(1);
    const attempts = spans.filter((span) => span.name === `process ${poisoned.subscription}`);
    // The first delivery is unordered: five broker deliveries, five process spans. The retry is
    // republished on its ordering key, so its attempts are retried in process (decision 0086)
    // inside one process span — the retry decision's child — which ends dead-lettered.
    expect(attempts).toHaveLength(6);
    const retried = attempts.filter((attempt) => parentOf(attempt) === retry.spanContext().spanId);
    expect(retried).toHaveLength(1);
    expect(retried[0]!.attributes['messaging.gcp_pubsub.message.ordering_key']).toBeDefined();
    expect(retried[0]!.attributes['event_bus.outcome']).toBe('dead-lettered');
  });
});
