/**
 * The store's types against the generated SDK: reducers see only their aggregate's events, upcasters
 * are typed per version step, appends take only current-version events. The @ts-expect-error lines
 * are checked by `tsc --noEmit` (npm run typecheck): each must stay a compile error.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { EventMap, VersionedEventMap, UserCreatedV1Event, UserCreatedV2Event } from '../../generated/index.js';
import { EventStore, type EventsOfAggregate, type StoredEvent, type UpcasterMap } from '../../runtime/store/index.js';
import { storeTestCatalog } from './support/fixtures.js';

type SessionEvent = EventsOfAggregate<EventMap, 'conversation_session'>;

describe('event store types (generated EventMap / VersionedEventMap)', () => {
  it('a reducer for conversation_session sees exactly the conversation events', () => {
    expectTypeOf<SessionEvent['eventType']>().toEqualTypeOf<
      'conversation.started' | 'conversation.turn_completed' | 'conversation.ended'
    >();
    expectTypeOf<EventsOfAggregate<EventMap, 'user'>['eventType']>().toEqualTypeOf<'user.created'>();
  });

  it('upcasters are typed per step: v1 payload in, v2 payload out', () => {
    const upcasters: UpcasterMap<VersionedEventMap> = {
      'user.created': { 1: (v1) => ({ ...v1, locale: 'en' }) },
    };
    type Step = NonNullable<NonNullable<UpcasterMap<VersionedEventMap>['user.created']>[1]>;
    expectTypeOf<Parameters<Step>[0]>().toEqualTypeOf<UserCreatedV1Event['payload']>();
    expectTypeOf<ReturnType<Step>>().toEqualTypeOf<UserCreatedV2Event['payload']>();
    expect(Object.keys(upcasters)).toEqual(['user.created']);

    const wrong: UpcasterMap<VersionedEventMap> = {
      // @ts-expect-error the v2 payload needs subscriptionTier from the enum
      'user.created': { 1: (v1) => ({ ...v1, subscriptionTier: 'platinum' }) },
    };
    const noNextVersion: UpcasterMap<VersionedEventMap> = {
      // @ts-expect-error user.created has no version 3, so there is no step from 2
      'user.created': { 2: (v2: unknown) => v2 },
    };
    expect([wrong, noNextVersion]).toHaveLength(2);
  });

  it('reconstructState is typed by the aggregate; appendEvent takes current-version events only', async () => {
    const catalog = await storeTestCatalog();
    const eventStore = new EventStore<EventMap, VersionedEventMap>({ catalog, sqlite: ':memory:' });
    const turns = await eventStore.reconstructState(
      'id',
      'conversation_session',
      (count: number, event) => {
        expectTypeOf(event).toEqualTypeOf<StoredEvent<SessionEvent>>();
        return event.eventType === 'conversation.turn_completed' ? count + event.payload.tokenUsage.totalTokens : count;
      },
      0,
    );
    expect(turns).toBe(0);
    // @ts-expect-error 'voice' is not an aggregate type of the registry
    await eventStore.reconstructState('id', 'voice', (state: number) => state, 0).catch(() => undefined);
    const legacy = {} as UserCreatedV1Event;
    // @ts-expect-error a v1 event cannot be appended as the current version
    await eventStore.appendEvent(legacy).catch(() => undefined);
    await eventStore.close();
  });
});
