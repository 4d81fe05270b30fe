/**
 * The demo's tracing step: one conversation's trace id through publish, handler, store, outbox
 * and the event-store topic's handler. Uses the OpenTelemetry SDK when it is installed (it is a
 * devDependency of this repository, not a dependency of the package) and says so when it is not.
 */
import { randomUUID } from 'node:crypto';
import type { ContextManager } from '@opentelemetry/api';
import {
  EventPublisher,
  EventStore,
  EventSubscriber,
  createEvent,
  silentLogger,
  type ObservabilityOptions,
} from '../../index.js';

interface DemoTracing {
  readonly observability: ObservabilityOptions;
  spans(): { name: string; traceId: string; spanId: string; parentSpanId: string | undefined }[];
  close(): Promise<void>;
}

/** An in-memory SDK tracer provider and an AsyncLocalStorage context manager, when the packages are there. */
async function demoTracing(): Promise<DemoTracing | undefined> {
  try {
    const api = await import('@opentelemetry/api');
    const sdk = await import('@opentelemetry/sdk-trace-base');
    const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
    const exporter = new sdk.InMemorySpanExporter();
    const tracerProvider = new sdk.BasicTracerProvider({ spanProcessors: [new sdk.SimpleSpanProcessor(exporter)] });
    // Context flows through async handlers only with a context manager (an application's NodeSDK installs one).
    const contextManager: ContextManager = new AsyncLocalStorageContextManager().enable();
    const installed = api.context.setGlobalContextManager(contextManager);
    return {
      observability: { tracerProvider, logger: silentLogger },
      spans: () =>
        exporter.getFinishedSpans().map((span) => ({
          name: span.name,
          traceId: span.spanContext().traceId,
          spanId: span.spanContext().spanId,
          parentSpanId: span.parentSpanContext?.spanId,
        })),
      async close() {
        await tracerProvider.shutdown();
        if (installed) api.context.disable();
      },
    };
  } catch {
    return undefined;
  }
}

export async function traceOneConversation(
  log: (line: string) => void,
  waitFor: (condition: () => boolean, what: string) => Promise<void>,
): Promise<void> {
  const tracing = await demoTracing();
  if (!tracing) {
    log('trace: skipped (install @opentelemetry/sdk-trace-base and @opentelemetry/context-async-hooks to see it)');
    return;
  }
  const { observability } = tracing;
  const publisher = new EventPublisher({
    projectId: 'your-gcp-project',
    topicPrefix: 'clone',
    enableOrdering: true,
    observability,
  });
  const eventStore = new EventStore({
    projectId: 'your-gcp-project',
    eventStoreTopic: 'clone-event-store',
    observability,
  });
  const relay = eventStore.createOutboxRelay({ publisher });
  const subscriber = new EventSubscriber({
    projectId: 'your-gcp-project',
    subscriptionPrefix: 'clone-sub',
    observability,
  });
  try {
    const sessionId = randomUUID();
    // The session service stores what it receives; analytics reads the event-store topic.
    await subscriber.subscribe({
      eventType: 'conversation.started',
      consumer: 'sessions',
      handler: async (event) => void (await eventStore.appendEvent(event)),
    });
    const analysed: string[] = [];
    const analytics = await subscriber.subscribe({
      eventType: 'conversation.started',
      consumer: 'analytics',
      topic: relay.topic,
      handler: (event) => void analysed.push(event.aggregateId),
    });
    await publisher.publish(
      createEvent('conversation.started', sessionId, 'conversation_session', {
        conversationId: sessionId,
        userId: randomUUID(),
        channel: 'phone',
        locale: 'en-GB',
        voiceModelId: randomUUID(),
        faceModelId: null,
        startedAt: new Date().toISOString(),
      }),
    );
    await waitFor(() => tracing.spans().some((span) => span.name.startsWith('append ')), 'the session to be stored');
    await relay.drain();
    await waitFor(
      () =>
        analysed.includes(sessionId) &&
        tracing.spans().some((span) => span.name === `process ${analytics.subscription}`),
      'analytics to receive the stored event',
    );
    // Walk the chain from the first publish, child by child.
    const spans = tracing.spans();
    const first = spans.find((span) => span.name === `send ${publisher.topicFor('conversation.started')}`)!;
    const chain = [first];
    for (let next = first; ;) {
      const child = spans.find((span) => span.parentSpanId === next.spanId && !span.name.startsWith('send clone-dead'));
      if (!child) break;
      chain.push(child);
      next = child;
    }
    const oneTrace = chain.every((span) => span.traceId === first.traceId);
    log(
      `trace ${first.traceId}: ${chain.map((span) => span.name).join(' → ')}${oneTrace ? '' : ' (BROKEN: several traces)'}`,
    );
  } finally {
    await subscriber.close();
    await publisher.close();
    await eventStore.close();
    await tracing.close();
  }
}
