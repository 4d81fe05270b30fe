/** Run by without-api.unit.test.ts with @opentelemetry/* blocked: the runtime must work as before. */
import {
  EventPublisher,
  EventStore,
  EventSubscriber,
  catalog,
  createEvent,
  type UserCreatedEvent,
} from '../../../index.js';
import { InProcessTransport, Telemetry } from '../../../runtime/index.js';
import { TRACEPARENT_ATTRIBUTE } from '../../../runtime/observability/trace-context.js';
import { otelApi } from '../../../runtime/observability/otel-api.js';

const result: Record<string, unknown> = {};
try {
  await import('@opentelemetry/api');
  result.apiImportable = true;
} catch {
  result.apiImportable = false;
}
const transport = new InProcessTransport({ projectId: 'no-otel' });
const publisher = new EventPublisher({ transport, topicPrefix: 'no-otel' });
const subscriber = new EventSubscriber({ transport, topicPrefix: 'no-otel', subscriptionPrefix: 'no-otel-sub' });
const store = new EventStore({ sqlite: ':memory:', eventStoreTopic: 'no-otel-store' });
const attributes: Record<string, string>[] = [];
await subscriber.subscribe({
  eventType: 'user.created',
  handler: (_event, delivery) => void attributes.push({ ...delivery.attributes }),
});
const userId = '6f1c2b9e-3d4a-4c8e-9f21-000000000001';
const event = createEvent<UserCreatedEvent>('user.created', userId, 'user', {
  userId,
  email: 'ada@example.com',
  name: 'Ada',
  subscriptionTier: 'free',
});
await publisher.publish(event);
await store.appendEvent(event);
result.relayed = await store.createOutboxRelay({ publisher }).drain();
for (let i = 0; i < 200 && attributes.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
result.delivered = attributes.length;
result.traceparent = attributes[0]?.[TRACEPARENT_ATTRIBUTE] ?? null;
result.storedMetadata = (await store.readStream({ aggregateType: 'user', aggregateId: userId })).events[0]?.metadata;
result.tracer = new Telemetry().tracer() === undefined ? 'none' : 'some';
result.runtimeSeesApi = otelApi() !== undefined;
await subscriber.close();
await publisher.close();
await store.close();
await transport.close();
void catalog;
process.stdout.write(`${JSON.stringify(result)}\n`);
