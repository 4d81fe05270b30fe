import { EventBusError } from './errors.js';
import { EventValidationError, type PayloadValidator } from './validation.js';
import type { PayloadEncoding } from './codec/codec.js';

/** One version of one event type, as the generator describes it. */
export interface EventVersionEntry {
  readonly version: number;
  /** `$id` of the payload JSON Schema. */
  readonly schemaId: string;
  /** Registry-relative path of the JSON Schema file, e.g. 'schemas/user.created/1.json'. */
  readonly schemaFile: string;
  /** Ahead-of-time compiled validator for the payload. */
  readonly validate: PayloadValidator;
  /** Avro record schema for Pub/Sub schema resources, when the generator emitted one. */
  readonly avroSchema?: unknown;
}

/** One event type: where it travels and which versions exist. */
export interface EventTypeEntry {
  readonly eventType: string;
  readonly aggregateType: string;
  /** Topic id without the deployment prefix, e.g. 'user.created'. */
  readonly topic: string;
  /** Envelope field used as the Pub/Sub ordering key, or null for unordered events. */
  readonly orderingKey: 'aggregateId' | null;
  /** Version new events are created with. */
  readonly currentVersion: number;
  /**
   * How publishers encode payloads on this event's topic, from the channel binding's
   * `schemaSettings`: Avro JSON or binary when the topic is bound to an Avro schema, plain JSON
   * otherwise (the default when absent). `event-bus schemas plan --check` keeps the live topic in step.
   */
  readonly payloadEncoding?: PayloadEncoding;
  readonly versions: Readonly<Record<number, EventVersionEntry>>;
  readonly description?: string;
}

/** Everything the runtime knows about the registry; generated code passes it in as a value. */
export interface EventCatalog {
  readonly events: Readonly<Record<string, EventTypeEntry>>;
}

export class UnknownEventTypeError extends EventBusError {
  constructor(readonly eventType: string) {
    super('UNKNOWN_EVENT_TYPE', `Unknown event type '${eventType}': it is not in the event catalog`);
  }
}

export class UnknownEventVersionError extends EventBusError {
  constructor(
    readonly eventType: string,
    readonly eventVersion: number,
    readonly knownVersions: readonly number[],
  ) {
    super(
      'UNKNOWN_EVENT_VERSION',
      `Unknown version ${eventVersion} of event type '${eventType}' (known: ${knownVersions.join(', ') || 'none'})`,
    );
  }
}

export function lookupEventType(catalog: EventCatalog, eventType: string): EventTypeEntry {
  const entry = Object.hasOwn(catalog.events, eventType) ? catalog.events[eventType] : undefined;
  if (!entry) throw new UnknownEventTypeError(eventType);
  return entry;
}

export function lookupEventVersion(
  catalog: EventCatalog,
  eventType: string,
  eventVersion: number,
): EventVersionEntry {
  const typeEntry = lookupEventType(catalog, eventType);
  const versionEntry = Object.hasOwn(typeEntry.versions, eventVersion)
    ? typeEntry.versions[eventVersion]
    : undefined;
  if (!versionEntry) {
    throw new UnknownEventVersionError(eventType, eventVersion, Object.keys(typeEntry.versions).map(Number));
  }
  return versionEntry;
}

/** Throws EventValidationError unless `payload` matches the schema of that event version. */
export function assertValidPayload(
  catalog: EventCatalog,
  eventType: string,
  eventVersion: number,
  payload: unknown,
): void {
  const result = lookupEventVersion(catalog, eventType, eventVersion).validate(payload);
  if (!result.valid) throw new EventValidationError(eventType, eventVersion, result.issues);
}
