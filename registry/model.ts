/**
 * The one model of a registry: what every consumer (generator, compatibility check, Pub/Sub
 * topology, test loader) reads. Every item says where it was written (file, JSON pointer, line)
 * and which values were inferred rather than declared (docs/registry.md, "Defaults").
 */
import type { RegistryDiagnostic } from './diagnostics.js';
import type { JsonSchema, SchemaStore } from './schemas.js';

/** Where an item is written. */
export interface Location {
  /** Absolute path of the file. */
  file: string;
  /** JSON pointer inside that file. */
  pointer: string;
  /** 1-based line of the pointer's node (or key), when known. */
  line?: number;
}

export type OrderingKey = 'aggregateId' | null;

/** How a value was found: declared with an `x-` extension, or inferred by a default rule. */
export type EventTypeSource = 'x-event-type' | 'name' | 'key';
export type VersionSource = 'x-event-version' | 'suffix' | 'path' | 'default';

export interface PayloadModel {
  /** Absolute path of the file the payload schema is written in. */
  file: string;
  /** JSON pointer of the payload schema inside `file` ('' for a whole schema file). */
  pointer: string;
  /** Stable key of the payload: registry-relative file + '#' + pointer. */
  key: string;
  /** Registry-relative file, with '#pointer' when the payload is not a whole file. */
  schemaFile: string;
  /** The payload's `$id`: the file's effective `$id`, with '#pointer' when not a whole file. */
  schemaId: string;
  /** The payload JSON Schema as written ($refs unresolved); `true` when the message has none. */
  schema: JsonSchema | boolean;
  /** How it was written: a `$ref` to a file, a `$ref` into a document, inline, or absent. */
  form: 'file' | 'ref' | 'inline' | 'none';
  /** `schemaFormat` of a multi-format payload that was unwrapped. */
  schemaFormat?: string;
}

export interface VersionModel {
  eventType: string;
  version: number;
  /** Key of the message (its components key, or its key in the channel for inline messages). */
  messageId: string;
  /** Where the message is written. */
  location: Location;
  payload: PayloadModel;
  /** Payloads of the message's `examples`. */
  examples: unknown[];
  title?: string;
  summary?: string;
  description?: string;
  deprecated: boolean;
  inferred: { eventType: EventTypeSource; version: VersionSource };
}

export interface CompatibilitySettings {
  /** `x-compatibility` as written, default BACKWARD. */
  mode: string;
  declared: boolean;
  reason?: string;
  /** `x-compatibility-policy`, default STRICT. */
  policy: string;
}

export interface PubSubBinding {
  /** The binding object as written. */
  raw: Record<string, unknown>;
  location: Location;
  /** `schemaSettings` present: the topic is bound to a Pub/Sub (Avro) schema. */
  schemaSettings?: { encoding?: unknown; name?: unknown };
}

export interface EventModel {
  eventType: string;
  /** `x-aggregate-type`, else the event type's first segment. */
  aggregateType: string;
  aggregateTypeInferred: boolean;
  orderingKey: OrderingKey;
  /** Pub/Sub topic id without the deployment prefix (`x-topic`, else derived from the address). */
  topic: string;
  /** The channel the event travels on (the first, when several list it). */
  channelId: string;
  /** Where the channel is written. */
  location: Location;
  /** The channel address as written (null when it has none). */
  address: string | null;
  /** `{name}` parameters of the address, in order. */
  parameters: string[];
  /** Every channel that lists a version of this event. */
  channelIds: string[];
  title?: string;
  /** Channel summary or description, else the current version's. */
  description?: string;
  compatibility: CompatibilitySettings;
  /** `x-min-version` as written. */
  minVersion?: unknown;
  /** The channel's `googlepubsub` binding. */
  binding?: PubSubBinding;
  /** From the binding's schemaSettings.encoding: the topic carries Avro; else plain JSON. */
  payloadEncoding: 'json' | 'avro-json' | 'avro-binary';
  /** Ascending by version. */
  versions: VersionModel[];
  currentVersion: number;
}

export interface OperationModel {
  id: string;
  action: 'send' | 'receive';
  location: Location;
  /** Event types the operation carries (its messages, else every message of its channel). */
  eventTypes: string[];
  /** Who sends or receives: `x-consumers` / `x-consumer` / `x-producer`, else the operation id. */
  parties: string[];
  title?: string;
}

export interface RegistryModel {
  /** Absolute path of the AsyncAPI document. */
  file: string;
  rootDir: string;
  title: string;
  version: string;
  /** Sorted by event type. */
  events: EventModel[];
  /** In document order. */
  operations: OperationModel[];
  /** The documents as written; resolves `$ref`s and locates pointers. */
  store: SchemaStore;
  /** Findings that do not stop the registry (lint, inferred defaults worth knowing). */
  warnings: RegistryDiagnostic[];
}
