/**
 * One conversation through the bus with tracing on: a request span publishes
 * `conversation.started`; its handler publishes `conversation.turn_completed`; a second handler
 * receives that. Run on the in-process transport (unit) and on the emulator (int).
 */
import { context, SpanKind, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { expect } from 'vitest';
import { EventPublisher, EventSubscriber, traceIdOf, type DeliveryContext, type EventCatalog, type Transport } from '../../../runtime/index.js';
import { TRACEPARENT_ATTRIBUTE } from '../../../runtime/observability/trace-context.js';
import { exampleEvent } from '../../runtime/support/examples.js';
import { uniqueName, waitUntil } from '../../runtime/support/wait.js';
import type { OtelHarness } from './otel.js';

export async function publishHandlePublishHandle(
  catalog: EventCatalog,
  transport: Transport,
  harness: OtelHarness,
): Promise<void> {
  const topicPrefix = uniqueName('otel');
  const publisher = new EventPublisher({
    catalog,
    transport,
    topicPrefix,
    enableOrdering: true,
    observability: harness.observability,
  });
  const subscriber = new EventSubscriber({
    catalog,
    transport,
    topicPrefix,
    subscriptionPrefix: uniqueName('otel-sub'),
    deadLetterTopic: uniqueName('otel-dlq'),
    observability: harness.observability,
    onError: () => undefined,
  });
  try {
    const sessionId = uniqueName('session');
    const deliveries: { first?: DeliveryContext; second?: DeliveryContext } = {};
    const started = await subscriber.subscribe({
      eventType: 'conversation.started',
      handler: async (event, delivery) => {
        deliveries.first = delivery;
        await publisher.publish(
          exampleEvent(catalog, 'conversation.turn_completed', event.aggregateId, { causationId: event.eventId }),
        );
      },
    });
    const turns = await subscriber.subscribe({
      eventType: 'conversation.turn_completed',
      handler: (_event, delivery) => {
        deliveries.second = delivery;
      },
    });

    const root = harness.tracerProvider.getTracer('test').startSpan('request');
    const traceId = root.spanContext().traceId;
    await context.with(trace.setSpan(context.active(), root), () =>
      publisher.publish(exampleEvent(catalog, 'conversation.started', sessionId, { correlationId: sessionId })),
    );
    root.end();

    const processSpan = (subscription: string): ReadableSpan | undefined =>
      harness.spans().find((span) => span.name === `process ${subscription}`);
    await waitUntil(
      () => processSpan(started.subscription) !== undefined && processSpan(turns.subscription) !== undefined,
      'both handlers to finish',
    );

    // The wire carried the trace: both handlers saw a ce-traceparent of the request's trace.
    expect(traceIdOf(deliveries.first!.attributes[TRACEPARENT_ATTRIBUTE])).toBe(traceId);
    expect(traceIdOf(deliveries.second!.attributes[TRACEPARENT_ATTRIBUTE])).toBe(traceId);

    const spans = harness.spans().filter((span) => span.spanContext().traceId === traceId);
    const byName = (name: string): ReadableSpan => {
      const found = spans.filter((span) => span.name === name);
      expect(found, name).toHaveLength(1);
      return found[0]!;
    };
    const request = byName('request');
    const sendStarted = byName(`send ${publisher.topicFor('conversation.started')}`);
    const processStarted = byName(`process ${started.subscription}`);
    const sendTurn = byName(`send ${publisher.topicFor('conversation.turn_completed')}`);
    const processTurn = byName(`process ${turns.subscription}`);
    const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;
    // request -> send -> process -> send (inside the handler) -> process: one chain, one trace.
    expect(parentOf(sendStarted)).toBe(request.spanContext().spanId);
    expect(parentOf(processStarted)).toBe(sendStarted.spanContext().spanId);
    expect(parentOf(sendTurn)).toBe(processStarted.spanContext().spanId);
    expect(parentOf(processTurn)).toBe(sendTurn.spanContext().spanId);
    expect(processStarted.parentSpanContext?.isRemote).toBe(true);

    expect(sendStarted.kind).toBe(SpanKind.PRODUCER);
    expect(processStarted.kind).toBe(SpanKind.CONSUMER);
    expect(sendStarted.attributes).toMatchObject({
      'messaging.system': 'gcp_pubsub',
      'messaging.destination.name': publisher.topicFor('conversation.started'),
      'messaging.operation.name': 'send',
      'messaging.operation.type': 'send',
      'messaging.message.conversation_id': sessionId,
      'messaging.gcp_pubsub.message.ordering_key': sessionId,
      'cloudevents.event_type': 'conversation.started',
      'cloudevents.event_subject': sessionId,
      'event_bus.transport': transport.kind,
    });
    // The message id the broker assigned is on the producer span and the consumer span alike.
    expect(sendStarted.attributes['messaging.message.id']).toBe(deliveries.first!.messageId);
    expect(processStarted.attributes).toMatchObject({
      'messaging.system': 'gcp_pubsub',
      'messaging.destination.subscription.name': started.subscription,
      'messaging.destination.name': publisher.topicFor('conversation.started'),
      'messaging.operation.name': 'process',
      'messaging.operation.type': 'process',
      'messaging.message.id': deliveries.first!.messageId,
      'messaging.gcp_pubsub.message.delivery_attempt': expect.any(Number),
      'cloudevents.event_type': 'conversation.started',
      'event_bus.outcome': 'acked',
    });
  } finally {
    await subscriber.close();
    await publisher.close();
  }
}
