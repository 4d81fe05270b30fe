/**
 * The envelope every event travels in. It is transport-neutral; the Pub/Sub mapping onto
 * CloudEvents binary-mode attributes lives in `cloudevents.ts`.
 */
export interface EventEnvelope<
  TType extends string = string,
  TPayload = unknown,
  TVersion extends number = number,
  TAggregate extends string = string,
> {
  /** Unique id of this event (UUID v4); consumers dedupe on it. */
  readonly eventId: string;
  /** Dotted event type, e.g. 'user.created'. */
  readonly eventType: TType;
  /** Schema version of `payload` (1, 2, ...). */
  readonly eventVersion: TVersion;
  /** Id of the aggregate the event belongs to; the ordering key. */
  readonly aggregateId: string;
  /** Aggregate type, e.g. 'user', 'conversation_session'. */
  readonly aggregateType: TAggregate;
  /** When it happened, RFC 3339 UTC timestamp. */
  readonly occurredAt: string;
  /** Id shared by every event of one business flow. */
  readonly correlationId?: string;
  /** Id of the event (or command) that caused this one. */
  readonly causationId?: string;
  readonly payload: TPayload;
  /** Free-form string metadata (producer, trace ids, ...). */
  readonly metadata: Readonly<Record<string, string>>;
}

/** Any envelope: the upper bound of every generated event type. */
export type AnyEventEnvelope = EventEnvelope<string, unknown, number, string>;

/**
 * The shape of a generated event map: event type -> its current-version envelope type.
 * Generated code declares `type EventMap = { 'user.created': UserCreatedEvent; ... }` (a type alias, so it has an index signature).
 */
export type EventMapShape = { [eventType: string]: AnyEventEnvelope };

export interface CreateEventOptions {
  eventId?: string;
  occurredAt?: Date | string;
  correlationId?: string;
  causationId?: string;
  metadata?: Record<string, string>;
}
