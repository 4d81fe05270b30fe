/**
 * Upcasting: events stored under an older schema version are turned into the current version
 * on read, one step at a time (v1 -> v2 -> v3), by registered upcasters. The result is
 * validated against the current schema, so a wrong upcaster fails loudly, not downstream.
 */
import { assertValidPayload, lookupEventType, type EventCatalog } from '../catalog.js';
import type { AnyEventEnvelope } from '../envelope.js';
import { MissingUpcasterError } from './errors.js';

/**
 * Envelope type of every version of every event type, the generator's `VersionedEventMap`:
 * `{ 'user.created': { 1: UserCreatedV1Event; 2: UserCreatedV2Event } }`.
 * The loose default admits any payload.
 */
export type VersionedEventMapShape = { [eventType: string]: { [version: number]: AnyEventEnvelope } };

/** Successor of a small version number, at the type level (Next[1] = 2). */
type Next = [
  1,
  2,
  3,
  4,
  5,
  6,
  7,
  8,
  9,
  10,
  11,
  12,
  13,
  14,
  15,
  16,
  17,
  18,
  19,
  20,
  21,
  22,
  23,
  24,
  25,
  26,
  27,
  28,
  29,
  30,
  31,
  32,
];

/** One step: turns a payload of version N into version N + 1. */
export type Upcaster<FromPayload, ToPayload> = (payload: FromPayload, event: AnyEventEnvelope) => ToPayload;

type PayloadOf<E> = E extends { readonly payload: infer P } ? P : never;

/**
 * Upcasters typed from the versioned payload map: key N exists only where version N + 1 does,
 * takes the version-N payload and must return the version-(N + 1) payload.
 *   upcasters: { 'user.created': { 1: (v1) => ({ ...v1, locale: 'en' }) } }
 */
export type UpcasterMap<V extends VersionedEventMapShape = VersionedEventMapShape> = {
  readonly [T in keyof V]?: {
    readonly [
      N in keyof V[T] as N extends keyof Next ? (Next[N] extends keyof V[T] ? N : never) : never
    ]?: N extends keyof Next
      ? Next[N] extends keyof V[T]
        ? Upcaster<PayloadOf<V[T][N]>, PayloadOf<V[T][Next[N]]>>
        : never
      : never;
  };
};

type LooseUpcasters = Readonly<
  Record<string, Readonly<Record<number, Upcaster<unknown, unknown> | undefined>> | undefined>
>;

/** Returns a function that brings an event (stored or received) to its type's current version. */
export function createUpcaster(
  catalog: EventCatalog,
  upcasters: UpcasterMap = {},
): <E extends AnyEventEnvelope>(event: E) => E {
  const loose = upcasters as LooseUpcasters;
  return <E extends AnyEventEnvelope>(event: E): E => {
    const currentVersion = lookupEventType(catalog, event.eventType).currentVersion;
    if (event.eventVersion >= currentVersion) return event;
    const steps = Object.hasOwn(loose, event.eventType) ? loose[event.eventType] : undefined;
    let payload = event.payload;
    for (let version = event.eventVersion; version < currentVersion; version++) {
      const step = steps && Object.hasOwn(steps, version) ? steps[version] : undefined;
      if (!step) throw new MissingUpcasterError(event.eventType, version, currentVersion);
      payload = step(payload, event);
    }
    assertValidPayload(catalog, event.eventType, currentVersion, payload);
    return { ...event, eventVersion: currentVersion, payload };
  };
}
