import { beforeAll, describe, expect, it } from 'vitest';
import {
  AttributeLimitError,
  EventPublisher,
  EventValidationError,
  InProcessTransport,
  PublishError,
  UnknownEventTypeError,
  isEventBusError,
  type EventCatalog,
  type ReceivedMessage,
  type Transport,
} from '../../runtime/index.js';
import { loadRegistryCatalog } from '../support/registry-catalog.js';
import { exampleEvent } from './support/examples.js';
import { uniqueName, waitUntil } from './support/wait.js';

let catalog: EventCatalog;
beforeAll(async () => {
  catalog = await loadRegistryCatalog();
});

/** A transport with a raw subscription on the event type's topic, to see exactly what was sent. */
async function tap(transport: Transport, topic: string): Promise<ReceivedMessage[]> {
  const received: ReceivedMessage[] = [];
  await transport.ensureTopic(topic);
  const subscription = uniqueName('tap');
  await transport.ensureSubscription(subscription, { topic });
  transport.subscribe(subscription, (message) => {
    received.push(message);
    message.ack();
  });
  return received;
}

function setup(options: { enableOrdering?: boolean; autoCreateTopics?: boolean } = {}) {
  const transport = new InProcessTransport();
  const topicPrefix = uniqueName('pub');
  const publisher = new EventPublisher({ catalog, transport, topicPrefix, ...options });
  return { transport, publisher, topicPrefix };
}

describe('EventPublisher', () => {
  it('maps the envelope onto CloudEvents binary-mode attributes and the payload onto JSON data', async () => {
    const { transport, publisher, topicPrefix } = setup({ enableOrdering: true });
    const received = await tap(transport, `${topicPrefix}.user.created`);
    const event = exampleEvent(catalog, 'user.created', 'user-1', {
      correlationId: 'corr-1',
      causationId: 'cause-1',
      metadata: { producer: 'accounts', traceId: 'abc' },
    });
    const id = await publisher.publish(event);
    await waitUntil(() => received.length === 1, 'the published message');
    const [message] = received;
    expect(message!.id).toBe(id);
    expect(JSON.parse(message!.data.toString('utf8'))).toEqual(event.payload);
    expect(message!.orderingKey).toBe('user-1');
    expect(message!.attributes).toEqual({
      'ce-specversion': '1.0',
      'ce-id': event.eventId,
      'ce-type': 'user.created',
      'ce-source': '//clone/event-bus',
      'ce-time': event.occurredAt,
      'ce-subject': 'user-1',
      'ce-dataschema': catalog.events['user.created']!.versions[event.eventVersion]!.schemaId,
      'ce-datacontenttype': 'application/json',
      'ce-eventversion': String(event.eventVersion),
      'ce-aggregatetype': 'user',
      'ce-correlationid': 'corr-1',
      'ce-causationid': 'cause-1',
      'meta-producer': 'accounts',
      'meta-traceId': 'abc',
    });
  });

  it('sends no ordering key unless ordering is enabled', async () => {
    const { transport, publisher, topicPrefix } = setup();
    const received = await tap(transport, `${topicPrefix}.user.created`);
    await publisher.publish(exampleEvent(catalog, 'user.created', 'user-2'));
    await waitUntil(() => received.length === 1, 'the published message');
    expect(received[0]!.orderingKey).toBeUndefined();
  });

  it('refuses an invalid payload with the instance paths and sends nothing', async () => {
    const { transport, publisher, topicPrefix } = setup();
    const received = await tap(transport, `${topicPrefix}.user.created`);
    const event = exampleEvent(catalog, 'user.created', 'user-3');
    const invalid = { ...event, payload: { ...(event.payload as object), email: 'not-an-email', subscriptionTier: 'gold' } };
    const error = await publisher.publish(invalid).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EventValidationError);
    const paths = (error as EventValidationError).issues.map((issue) => issue.instancePath).sort();
    expect(paths).toEqual(['/email', '/subscriptionTier']);
    expect((error as Error).message).toContain("'/email'");
    // The next message through is the valid marker: the invalid one never left.
    await publisher.publish(event);
    await waitUntil(() => received.length === 1, 'the marker');
    expect(received[0]!.attributes['ce-id']).toBe(event.eventId);
    expect(publisher.stats).toMatchObject({ published: 1, rejected: 1, failed: 0 });
  });

  it('refuses unknown event types and versions', async () => {
    const { publisher } = setup();
    const event = exampleEvent(catalog, 'user.created', 'user-4');
    await expect(publisher.publish({ ...event, eventType: 'user.deleted' })).rejects.toBeInstanceOf(UnknownEventTypeError);
    await expect(publisher.publish({ ...event, eventVersion: 99 })).rejects.toSatisfy((error: unknown) =>
      isEventBusError(error, 'UNKNOWN_EVENT_VERSION'),
    );
  });

  it('refuses attributes Pub/Sub would refuse, naming the attribute', async () => {
    const { publisher } = setup();
    const tooLong = exampleEvent(catalog, 'user.created', 'user-5', { metadata: { note: 'x'.repeat(1025) } });
    await expect(publisher.publish(tooLong)).rejects.toThrow(/'meta-note' value is 1025 bytes/);
    const metadata = Object.fromEntries(Array.from({ length: 95 }, (_, i) => [`k${i}`, 'v']));
    const tooMany = exampleEvent(catalog, 'user.created', 'user-5', { metadata });
    await expect(publisher.publish(tooMany)).rejects.toBeInstanceOf(AttributeLimitError);
  });

  it('refuses an empty aggregate id (it is the ordering key)', async () => {
    const { publisher } = setup({ enableOrdering: true });
    await expect(publisher.publish(exampleEvent(catalog, 'user.created', ''))).rejects.toSatisfy((error: unknown) =>
      isEventBusError(error, 'INVALID_ENVELOPE'),
    );
  });

  it('publishMany validates every event before sending any', async () => {
    const { transport, publisher, topicPrefix } = setup();
    const received = await tap(transport, `${topicPrefix}.user.created`);
    const good = [1, 2, 3].map((i) => exampleEvent(catalog, 'user.created', `user-${i}`));
    const bad = { ...good[0]!, payload: {} };
    await expect(publisher.publishMany([good[0]!, bad, good[2]!])).rejects.toBeInstanceOf(EventValidationError);
    const ids = await publisher.publishMany(good);
    expect(ids).toHaveLength(3);
    await waitUntil(() => received.length === 3, 'three messages');
    expect(received.map((message) => message.attributes['ce-id'])).toEqual(good.map((event) => event.eventId));
  });

  it('wraps a broker failure in PublishError keeping the ordering key, and resumes the key', async () => {
    const { transport, publisher, topicPrefix } = setup({ enableOrdering: true, autoCreateTopics: false });
    const event = exampleEvent(catalog, 'user.created', 'user-6');
    const error = await publisher.publish(event).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PublishError);
    expect(error).toMatchObject({ code: 'PUBLISH_FAILED', orderingKey: 'user-6', topic: `${topicPrefix}.user.created` });
    expect(isEventBusError((error as PublishError).cause, 'TOPIC_NOT_FOUND')).toBe(true);
    // Until the broker answers a probe the key stays paused: nothing overtakes the failed event.
    const paused = await publisher.publish(exampleEvent(catalog, 'user.created', 'user-6')).catch((caught: unknown) => caught);
    expect(paused).toMatchObject({ code: 'ORDERING_KEY_PAUSED', orderingKey: 'user-6', retryable: true });
    await waitUntil(() => publisher.pausedOrderingKeys === 0, 'the key resumed');
    await transport.ensureTopic(`${topicPrefix}.user.created`);
    await expect(publisher.publish(event)).resolves.toEqual(expect.any(String));
  });

  it('publishes to PublishOptions.topic instead of the event type topic', async () => {
    const { transport, publisher } = setup();
    const topic = uniqueName('store');
    const received = await tap(transport, topic);
    await publisher.publish(exampleEvent(catalog, 'voice_model.trained', 'vm-1'), { topic });
    await waitUntil(() => received.length === 1, 'the message on the chosen topic');
    expect(received[0]!.attributes['ce-type']).toBe('voice_model.trained');
  });

  it('caps batching at the Pub/Sub request limits and refuses publishes after close()', async () => {
    const transport = new InProcessTransport();
    const publisher = new EventPublisher({ catalog, transport, batching: { maxMessages: 5000, maxBytes: 50e6, maxMilliseconds: 5 } });
    expect(publisher.batching).toEqual({ maxMessages: 1000, maxBytes: 10 * 1024 * 1024, maxMilliseconds: 5 });
    await publisher.close();
    await expect(publisher.publish(exampleEvent(catalog, 'user.created', 'user-7'))).rejects.toThrow(/closed/);
  });

  it('names topics `${topicPrefix}.${topic}`', () => {
    const publisher = new EventPublisher({ catalog, transport: new InProcessTransport(), topicPrefix: 'clone' });
    expect(publisher.topicFor('conversation.turn_completed')).toBe('clone.conversation.turn_completed');
  });
});
