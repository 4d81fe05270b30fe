import { randomUUID } from 'node:crypto';
import { lookupEventType, type EventCatalog } from './catalog.js';
import type { CreateEventOptions, EventEnvelope, EventMapShape } from './envelope.js';

/**
 * `createEvent`, typed by a generated event map. Two call styles type-check:
 *   createEvent('user.created', id, 'user', payload)                    // inferred from the type
 *   createEvent<UserCreatedEvent>('user.created', id, 'user', payload)  // explicit event type
 * A wrong payload, aggregate type or unknown event type is a compile error.
 */
export interface CreateEventFn<M extends EventMapShape> {
  <T extends keyof M & string>(
    eventType: T,
    aggregateId: string,
    aggregateType: M[T]['aggregateType'],
    payload: M[T]['payload'],
    options?: CreateEventOptions,
  ): M[T];
  <E extends M[keyof M] = never>(
    eventType: E['eventType'],
    aggregateId: string,
    aggregateType: E['aggregateType'],
    payload: E['payload'],
    options?: CreateEventOptions,
  ): E;
}

/** Binds `createEvent` to a catalog, which supplies each type's current version. */
export function createEventFactory<M extends EventMapShape>(catalog: EventCatalog): CreateEventFn<M> {
  return ((
    eventType: string,
    aggregateId: string,
    aggregateType: string,
    payload: unknown,
    options: CreateEventOptions = {},
  ): EventEnvelope => {
    const entry = lookupEventType(catalog, eventType);
    const occurredAt = options.occurredAt ?? new Date();
    return {
      eventId: options.eventId ?? randomUUID(),
      eventType,
      eventVersion: entry.currentVersion,
      aggregateId,
      aggregateType,
      occurredAt: typeof occurredAt === 'string' ? occurredAt : occurredAt.toISOString(),
      ...(options.correlationId !== undefined && { correlationId: options.correlationId }),
      ...(options.causationId !== undefined && { causationId: options.causationId }),
      payload,
      metadata: { ...options.metadata },
    };
  }) as CreateEventFn<M>;
}
