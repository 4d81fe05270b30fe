/**
 * The testing kit's bus, as a user's handler test uses it: the real publisher and subscriber on
 * the recording in-process broker, with the project's own generated catalog.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { catalog, createEvent, type EventMap, type UserCreatedEvent, type VersionedEventMap } from '../../generated/index.js';
import { EventAssertionError, EventSamples, createTestBus, type TestBus } from '../../testing/index.js';
import { REPO_ROOT } from '../generator/support.js';

const samples = new EventSamples<EventMap, VersionedEventMap>({ catalog, registryRoot: REPO_ROOT });
let bus: TestBus<EventMap, VersionedEventMap>;

afterEach(async () => {
  await bus?.close();
});

function userCreated(email = 'ada@example.com'): UserCreatedEvent {
  const event = samples.event('user.created', { seed: 3 });
  return createEvent('user.created', event.aggregateId, 'user', { ...event.payload, email });
}

describe('TestBus: recording what was published', () => {
  it('records the event as it went on the wire and matches a partial expectation', async () => {
    bus = createTestBus<EventMap, VersionedEventMap>({ catalog });
    const event = userCreated();
    await bus.publisher.publish(event);
    const found = bus.expectPublished('user.created', { payload: { email: 'ada@example.com' } });
    expect(found.eventId).toBe(event.eventId);
    expect(found.payload).toEqual(event.payload);
    const [published] = bus.published('user.created');
    expect(published!.attributes['ce-type']).toBe('user.created');
    expect(published!.topic).toBe('clone.user.created');
  });

  it('says where the nearest published event differs', async () => {
    bus = createTestBus<EventMap, VersionedEventMap>({ catalog });
    await bus.publisher.publish(userCreated('grace@example.com'));
    expect(() => bus.expectPublished('user.created', { payload: { email: 'ada@example.com' } })).toThrow(
      /differs at \/payload\/email/,
    );
    expect(() => bus.expectPublished('conversation.started')).toThrow(/none was \(published: user.created\)/);
    expect(() => bus.expectNotPublished('user.created')).toThrow(EventAssertionError);
    bus.expectNotPublished('conversation.started');
  });

  it('a publish refused by validation records nothing', async () => {
    bus = createTestBus<EventMap, VersionedEventMap>({ catalog });
    const event = userCreated('not an email');
    await expect(bus.publisher.publish(event)).rejects.toMatchObject({ code: 'EVENT_VALIDATION_FAILED' });
    bus.expectNotPublished();
  });

  it('injected publish failures reject that publish only', async () => {
    bus = createTestBus<EventMap, VersionedEventMap>({ catalog });
    bus.failNextPublish('user.created');
    await expect(bus.publisher.publish(userCreated())).rejects.toMatchObject({ code: 'PUBLISH_FAILED' });
    await bus.publisher.publish(userCreated());
    expect(bus.published('user.created')).toHaveLength(1);
  });
});

describe('TestBus: delivering to handlers', () => {
  it('hands each published event to its handler, typed and validated', async () => {
    bus = createTestBus<EventMap, VersionedEventMap>({ catalog });
    const seen: string[] = [];
    await bus.subscriber.subscribe({ eventType: 'user.created', handler: (event) => void seen.push(event.payload.email) });
    await bus.publisher.publish(userCreated('ada@example.com'));
    await bus.settle();
    expect(seen).toEqual(['ada@example.com']);
  });

  it('a handler that fails once gets the event again; one that always fails is dead-lettered with the reason', async () => {
    bus = createTestBus<EventMap, VersionedEventMap>({ catalog });
    const attempts: number[] = [];
    await bus.subscriber.subscribe({
      eventType: 'user.created',
      handler: (_event, context) => {
        attempts.push(context.deliveryAttempt);
        if (context.deliveryAttempt === 1) throw new Error('flaky');
      },
    });
    await bus.subscriber.subscribe({
      eventType: 'conversation.started',
      handler: () => {
        throw new Error('poison');
      },
    });
    await bus.publisher.publish(userCreated());
    await bus.publisher.publish(samples.event('conversation.started', { seed: 1 }));
    await bus.settle();
    expect(attempts).toEqual([1, 2]);
    const dead = bus.expectDeadLettered('conversation.started', 'HANDLER_FAILED');
    expect(dead.reason).toContain('poison');
    expect(bus.deadLettered('user.created')).toEqual([]);
    expect(() => bus.expectDeadLettered('user.created')).toThrow(/dead-lettered: none/);
  });

  it('redeliver() hands the same event (same id) to the handler again, for idempotency tests', async () => {
    bus = createTestBus<EventMap, VersionedEventMap>({ catalog });
    const ids: string[] = [];
    await bus.subscriber.subscribe({ eventType: 'user.created', handler: (event) => void ids.push(event.eventId) });
    const event = userCreated();
    await bus.publisher.publish(event);
    await bus.redeliver(event.eventId);
    await bus.settle();
    expect(ids).toEqual([event.eventId, event.eventId]);
  });

  it('manual delivery releases one message per step', async () => {
    bus = createTestBus<EventMap, VersionedEventMap>({ catalog, delivery: 'manual' });
    const seen: string[] = [];
    await bus.subscriber.subscribe({ eventType: 'user.created', handler: (event) => void seen.push(event.payload.email) });
    await bus.publisher.publish(userCreated('one@example.com'));
    await bus.publisher.publish(userCreated('two@example.com'));
    expect(bus.published('user.created')).toHaveLength(2);
    await bus.settle();
    expect(seen).toEqual([]);
    expect(await bus.step()).toBe(true);
    expect(seen).toEqual(['one@example.com']);
    expect(await bus.step()).toBe(true);
    expect(await bus.step()).toBe(false);
    expect(seen).toEqual(['one@example.com', 'two@example.com']);
  });
});
