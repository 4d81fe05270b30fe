/**
 * Type tests for the generated SDK, checked by `tsc -p test/types` (test/types/types.unit.test.ts).
 * Valid uses compile; each `@ts-expect-error` line must be a compile error, or tsc fails.
 */
import {
  createBus,
  createEvent,
  catalog,
  EventPublisher,
  EventSubscriber,
  validateUserCreatedV1,
  type ConversationEndedEvent,
  type ConversationStartedEvent,
  type ConversationTurnCompletedEvent,
  type DocumentProcessedEvent,
  type DocumentProcessingFailedEvent,
  type EventMap,
  type EventMapShape,
  type EventPublisherPort,
  type FaceModelCreatedEvent,
  type FaceModelCreationFailedEvent,
  type PayloadValidator,
  type UserCreatedEvent,
  type UserCreatedPayload,
  type UserCreatedV1Event,
  type UserCreatedV2Event,
  type AnyVersionEventMap,
  type ConversationTurnCompletedV1Event,
  type ConversationTurnCompletedV2Event,
  type VersionedEventMap,
  type VoiceModelTrainedEvent,
  type VoiceModelTrainingFailedEvent,
} from '../../index.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(): T => true as T;

const userId = '6f1c2b9e-3d4a-4c8e-9f21-7a5b0c3d2e10';
const payload: UserCreatedPayload = { userId, email: 'ada@example.com', name: 'Ada', subscriptionTier: 'free' };

// The spec's two call styles.
const explicit = createEvent<UserCreatedEvent>('user.created', userId, 'user', { userId, email: 'a@b.co', name: 'A', subscriptionTier: 'free' });
const inferred = createEvent('user.created', userId, 'user', payload);
assertType<Equal<typeof explicit, UserCreatedEvent>>();
assertType<Equal<typeof inferred, UserCreatedEvent>>();
assertType<Equal<typeof inferred.payload.subscriptionTier, 'free' | 'pro' | 'enterprise'>>();
assertType<Equal<UserCreatedEvent['eventVersion'], 2>>();
assertType<Equal<VersionedEventMap['user.created'][1], UserCreatedV1Event>>();

// The event map satisfies the runtime's shape and names every spec event type.
const shape: EventMapShape = {} as EventMap;
type SpecEvents = [
  UserCreatedEvent,
  VoiceModelTrainedEvent,
  DocumentProcessedEvent,
  FaceModelCreatedEvent,
  ConversationStartedEvent,
  ConversationTurnCompletedEvent,
  ConversationEndedEvent,
  DocumentProcessingFailedEvent,
  VoiceModelTrainingFailedEvent,
  FaceModelCreationFailedEvent,
];
assertType<Equal<SpecEvents[number], EventMap[keyof EventMap]>>();

// Optional vs nullable: referralCode may be absent, or null; locale may be absent but not null.
createEvent('user.created', userId, 'user', { ...payload, referralCode: null });
createEvent('user.created', userId, 'user', { ...payload, referralCode: 'FRIEND' });
// @ts-expect-error locale is optional, not nullable
createEvent('user.created', userId, 'user', { ...payload, locale: null });

// A required nullable field must be present (null is a value, absence is not).
const started = { conversationId: userId, userId, channel: 'web', locale: 'en', faceModelId: null, startedAt: '2026-01-01T00:00:00Z' } as const;
// @ts-expect-error voiceModelId is required (nullable, not optional)
createEvent('conversation.started', userId, 'conversation_session', started);
createEvent('conversation.started', userId, 'conversation_session', { ...started, voiceModelId: null });

// @ts-expect-error missing required field 'name'
createEvent('user.created', userId, 'user', { userId, email: 'a@b.co', subscriptionTier: 'free' });
// @ts-expect-error wrong enum value
createEvent('user.created', userId, 'user', { ...payload, subscriptionTier: 'platinum' });
// @ts-expect-error unknown event type
createEvent('user.deleted', userId, 'user', payload);
// @ts-expect-error extra property on a closed object
createEvent('user.created', userId, 'user', { ...payload, nickname: 'ada' });
// @ts-expect-error explicit event type with a payload of another event
createEvent<UserCreatedEvent>('user.created', userId, 'user', { conversationId: userId });
// Wrong aggregate type / another event's payload without an explicit type argument: see
// create-event-overloads.types.mts.

// Typed facades over the runtime's ports.
const publisher: EventPublisherPort = { publish: async () => 'message-id' };
const bus = createBus({ publisher });
void bus.publish.userCreated(payload, { aggregateId: userId, correlationId: 'c-1' });
// @ts-expect-error the facade's payload is typed too
void bus.publish.userCreated({ ...payload, subscriptionTier: 'gold' }, { aggregateId: userId });
// @ts-expect-error aggregateId is required
void bus.publish.userCreated(payload, {});
void bus.on.conversationEnded((event) => {
  assertType<Equal<typeof event, ConversationEndedEvent>>();
});
// @ts-expect-error no facade member for an unknown event
void bus.on.userDeleted(() => undefined);

// Validators and catalog are values of the runtime's types.
const validator: PayloadValidator = validateUserCreatedV1;
const result = validator(payload);
if (!result.valid) result.issues.map((issue) => issue.instancePath);
const currentVersion: number = catalog.events['user.created']!.currentVersion;

// The spec's publisher construction needs no catalog.
const eventPublisher = new EventPublisher({ projectId: 'demo', topicPrefix: 'clone', enableOrdering: true });
const eventSubscriber = new EventSubscriber({ projectId: 'demo' });

// Subscriber upcasters are typed from the versioned map: v1 payload in, v2 payload out.
const upcastingSubscriber = new EventSubscriber({
  upcasters: { 'user.created': { 1: (v1) => ({ ...v1, locale: 'en' }) } },
});
// @ts-expect-error there is no user.created v3 to upcast v2 into
new EventSubscriber({ upcasters: { 'user.created': { 2: (v2) => v2 } } });
// @ts-expect-error an upcaster must return the next version's payload
new EventSubscriber({ upcasters: { 'user.created': { 1: (v1) => ({ ...v1, subscriptionTier: 'gold' }) } } });

// Handler types match delivery (issue 13). Without upcasters a handler receives every version the
// registry knows, discriminated by eventVersion.
assertType<Equal<AnyVersionEventMap['user.created'], UserCreatedV1Event | UserCreatedV2Event>>();
void eventSubscriber.subscribe({
  eventType: 'user.created',
  handler: (event) => {
    assertType<Equal<typeof event, UserCreatedV1Event | UserCreatedV2Event>>();
    if (event.eventVersion === 1) {
      assertType<Equal<typeof event, UserCreatedV1Event>>();
      // @ts-expect-error v1 has no locale
      void event.payload.locale;
    } else {
      assertType<Equal<typeof event, UserCreatedV2Event>>();
      void event.payload.locale;
    }
  },
});
void eventSubscriber.subscribe({
  eventType: 'conversation.turn_completed',
  handler: (event) => void assertType<Equal<typeof event, ConversationTurnCompletedV1Event | ConversationTurnCompletedV2Event>>(),
});
// @ts-expect-error a handler for the current version only would be handed v1 events at run time
void eventSubscriber.subscribe({ eventType: 'user.created', handler: (event: UserCreatedV2Event) => void event });
// A subscriber built with no options delivers every version too.
void new EventSubscriber().subscribe({
  eventType: 'user.created',
  handler: (event) => void assertType<Equal<typeof event, UserCreatedV1Event | UserCreatedV2Event>>(),
});

// With upcasters the handler receives the current version only.
void upcastingSubscriber.subscribe({
  eventType: 'user.created',
  handler: (event) => {
    assertType<Equal<typeof event, UserCreatedEvent>>();
    // @ts-expect-error after upcasting there is no version 1 to compare with (TS2367)
    if (event.eventVersion === 1) return;
  },
});
void upcastingSubscriber.subscribe({ eventType: 'user.created', handler: (event: UserCreatedV2Event) => void event });

// The facade follows the subscriber it is given.
const busOfAllVersions = createBus({ publisher, subscriber: eventSubscriber });
void busOfAllVersions.on.userCreated((event) => void assertType<Equal<typeof event, UserCreatedV1Event | UserCreatedV2Event>>());
// @ts-expect-error a current-version handler on a subscriber without upcasters
void busOfAllVersions.on.userCreated((event: UserCreatedV2Event) => void event);
const busOfCurrent = createBus({ publisher, subscriber: upcastingSubscriber });
void busOfCurrent.on.userCreated((event) => void assertType<Equal<typeof event, UserCreatedEvent>>());

export { shape, validator, currentVersion, eventPublisher, eventSubscriber, upcastingSubscriber };
