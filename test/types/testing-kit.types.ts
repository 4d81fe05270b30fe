/**
 * Type tests for `@clone/event-bus/testing`, checked by `tsc -p test/types`: assertions, samples
 * and reducer specifications are typed from the generated maps.
 */
import { catalog, type EventMap, type UserCreatedV1Event, type VersionedEventMap } from '../../generated/index.js';
import { EventSamples, createTestBus } from '../../testing/index.js';

const bus = createTestBus<EventMap, VersionedEventMap>({ catalog });
const samples = new EventSamples<EventMap, VersionedEventMap>({ catalog });

// Expectations are partial events of the named type, and return that type.
const created = bus.expectPublished('user.created', { payload: { email: 'ada@example.com' } });
const email: string = created.payload.email;
void email;
// @ts-expect-error an unknown event type does not compile
bus.expectPublished('user.deleted');
// @ts-expect-error a field the event does not have does not compile
bus.expectPublished('user.created', { payload: { mail: 'x' } });
// @ts-expect-error a wrong enum value does not compile
bus.expectPublished('user.created', { payload: { subscriptionTier: 'platinum' } });

// Samples of an older version carry that version's type.
const v1: UserCreatedV1Event = samples.event('user.created', { version: 1 });
void v1;
// @ts-expect-error version 3 of user.created does not exist
samples.event('user.created', { version: 3 });
// @ts-expect-error the current version is not v1
const wrong: UserCreatedV1Event = samples.event('user.created');
void wrong;
