/**
 * Opt-in upcasting in the subscriber: an event written as user.created v1 reaches the handler
 * as v2 through the registered upcaster; without a path to the current version it is
 * dead-lettered (it cannot succeed on redelivery) and the handler never sees it.
 */
import { beforeAll, expect, it } from 'vitest';
import {
  EventPublisher,
  EventSubscriber,
  InProcessTransport,
  type AnyEventEnvelope,
  type EventCatalog,
  type ReceivedMessage,
  type UpcasterMap,
} from '../../runtime/index.js';
import { DEAD_LETTER_ATTRIBUTES } from '../../runtime/subscriber/dead-letter.js';
import { loadRegistryCatalog } from '../support/registry-catalog.js';
import { exampleEvent } from './support/examples.js';
import { uniqueName, waitUntil } from './support/wait.js';

let catalog: EventCatalog;
beforeAll(async () => {
  catalog = await loadRegistryCatalog();
});

/** A user.created event as a v1 producer wrote it. */
function userCreatedV1(): AnyEventEnvelope {
  const current = exampleEvent(catalog, 'user.created', 'u-1');
  const { userId, email, name, subscriptionTier } = current.payload as Record<string, unknown>;
  return { ...current, eventVersion: 1, payload: { userId, email, name, subscriptionTier } };
}

async function deliver(upcasters: UpcasterMap | undefined) {
  const transport = new InProcessTransport({ projectId: 'unit' });
  const topicPrefix = uniqueName('t');
  const deadLetterTopic = uniqueName('dlq');
  const publisher = new EventPublisher({ catalog, transport, topicPrefix });
  const subscriber = new EventSubscriber({
    catalog,
    transport,
    topicPrefix,
    subscriptionPrefix: uniqueName('s'),
    deadLetterTopic,
    onError: () => undefined,
    ...(upcasters && { upcasters }),
  });
  const deadLetters: ReceivedMessage[] = [];
  await transport.ensureTopic(deadLetterTopic);
  const watch = uniqueName('dlq-watch');
  await transport.ensureSubscription(watch, { topic: deadLetterTopic });
  transport.subscribe(watch, (message) => {
    deadLetters.push(message);
    message.ack();
  });
  const handled: AnyEventEnvelope[] = [];
  await subscriber.subscribe({ eventType: 'user.created', handler: (event) => void handled.push(event) });
  const event = userCreatedV1();
  await publisher.publish(event);
  await waitUntil(() => handled.length + deadLetters.length === 1, 'the event to be handled or dead-lettered');
  await Promise.all([subscriber.close(), publisher.close()]);
  return { event, handled, deadLetters };
}

it('hands the handler the current version when an upcaster path exists', async () => {
  const { event, handled } = await deliver({
    'user.created': { 1: (payload) => ({ ...(payload as object), locale: 'en' }) },
  });
  expect(handled).toHaveLength(1);
  expect(handled[0]).toMatchObject({
    eventId: event.eventId,
    eventVersion: 2,
    payload: { ...(event.payload as object), locale: 'en' },
  });
});

it('without upcasters hands the event over as it was written', async () => {
  const { event, handled } = await deliver(undefined);
  expect(handled[0]).toMatchObject({ eventId: event.eventId, eventVersion: 1, payload: event.payload });
});

it('dead-letters an event with no upcaster path to the current version', async () => {
  const { handled, deadLetters } = await deliver({});
  expect(handled).toEqual([]);
  expect(deadLetters[0]!.attributes[DEAD_LETTER_ATTRIBUTES.errorCode]).toBe('STORE_MISSING_UPCASTER');
  expect(deadLetters[0]!.attributes[DEAD_LETTER_ATTRIBUTES.reason]).toContain(
    "No upcaster registered for 'user.created' v1 -> v2",
  );
});
