/**
 * Step 2 of the flow: the intermediate model the templates render. Everything here is sorted
 * (event types, versions, definitions) and every identifier is already claimed through the one
 * naming function, so rendering is a pure function of the model.
 */
import path from 'node:path';
import { NameScope } from './naming.js';
import { displayPath, RegistryError } from '../registry/diagnostics.js';
import { SchemaStore, forEachRef, forEachSubschema, isObject, type JsonSchema } from '../registry/schemas.js';
import type { RegistryModel as Registry } from '../registry/model.js';

export type OrderingKey = 'aggregateId' | null;

export interface EventVersionModel {
  eventType: string;
  version: number;
  /** Key of the message in components.messages, e.g. 'userCreatedV1'. */
  messageId: string;
  /** Registry-relative path of the payload schema, e.g. 'schemas/user.created/1.json' ('#pointer' added when not a whole file). */
  schemaFile: string;
  /** Absolute path of the file the payload schema is written in. */
  schemaPath: string;
  /** JSON pointer of the payload inside that file ('' for a whole file). */
  schemaPointer: string;
  /** The payload's stable key (file#pointer), under which its type name is recorded. */
  schemaKey: string;
  schemaId: string;
  /** How the payload is written; 'none' when the message has no payload. */
  payloadForm: 'file' | 'ref' | 'inline' | 'none';
  /** The payload JSON Schema as written ($refs unresolved). */
  schema: JsonSchema | boolean;
  examples: unknown[];
  description?: string;
  deprecated: boolean;
  names: { payload: string; event: string; validator: string; validatorModule: string };
  /**
   * Extra catalog fields for this version, written as literals into its catalog entry (the seam
   * for e.g. `avroSchema`, filled by `generate({ extendVersion })`).
   */
  extras: Record<string, unknown>;
}

export interface EventTypeModel {
  eventType: string;
  aggregateType: string;
  /** Channel address: the topic id without the deployment prefix. */
  topic: string;
  orderingKey: OrderingKey;
  /** From the googlepubsub binding's schemaSettings.encoding: the topic carries Avro; else plain JSON. */
  payloadEncoding: 'json' | 'avro-json' | 'avro-binary';
  /** The channel binding asks for a Pub/Sub schema (schemaSettings): versions are converted to Avro. */
  pubsubSchema: boolean;
  /** `x-compatibility` of the channel, for the compatibility check. */
  compatibility?: string;
  title?: string;
  description?: string;
  channelId: string;
  versions: EventVersionModel[];
  currentVersion: number;
  names: { event: string; payload: string; facadeMember: string };
}

/** A `$ref` target that becomes a named type, emitted once. */
export interface NamedDefinitionModel {
  /** 'schemas/common/ids.json#/definitions/Uuid' */
  key: string;
  file: string;
  pointer: string;
  schema: JsonSchema | boolean;
  name: string;
}

/** A titled object nested inside a schema: named after its title, emitted once per distinct schema. */
export interface NestedTypeModel {
  name: string;
  /** File the first occurrence sits in (its `$ref`s resolve from there). */
  file: string;
  pointer: string;
  schema: JsonSchema;
}

export interface RegistryModel {
  inputFile: string;
  rootDir: string;
  title: string;
  version: string;
  events: EventTypeModel[];
  /** Named types for $ref targets other than version payload roots, sorted by key. */
  definitions: NamedDefinitionModel[];
  /** Type name of every $ref target by key (payload roots included). */
  typeNames: ReadonlyMap<string, string>;
  /** Titled nested objects, in claim order; identical schemas share one entry. */
  nestedTypes: NestedTypeModel[];
  /** Name of every titled nested object schema, by identity (several objects may share a name). */
  nestedNames: ReadonlyMap<object, string>;
  store: SchemaStore;
  /** The registry model this was built from. */
  registry: Registry;
}

/** Names the generated code itself uses at top level; derived names never take them. */
export const FIXED_TOP_LEVEL_NAMES = [
  // runtime imports
  'EventEnvelope', 'EventCatalog', 'PayloadValidator', 'ValidationIssue', 'ValidationResult', 'CreateEventOptions',
  'CreateEventFn', 'EventPublisherPort', 'EventSubscriberPort', 'EventHandler', 'SubscribeOptions', 'SubscriptionHandle',
  'PublishOptions', 'AnyEventEnvelope', 'EventMapShape', 'RuntimeEventPublisher', 'RuntimeEventSubscriber',
  'EventPublisherOptions', 'EventSubscriberOptions', 'createEventFactory', 'EventBusError',
  // generated names
  'EventMap', 'VersionedEventMap', 'EventType', 'AnyEvent', 'AnyVersionedEvent', 'catalog', 'createEvent', 'createBus',
  'EventBus', 'EventBusPorts', 'PublishEventOptions', 'OnEventOptions', 'EventPublisher', 'EventSubscriber',
  'eventTypes', 'toPayloadValidator', 'StandaloneValidator', 'validators', 'MissingSubscriberError',
  // TypeScript / JavaScript globals the generated code refers to or users expect
  'Record', 'Readonly', 'ReadonlyArray', 'Partial', 'Required', 'Pick', 'Omit', 'Exclude', 'Extract', 'NonNullable',
  'Array', 'Promise', 'Date', 'Error', 'Object', 'String', 'Number', 'Boolean', 'Symbol', 'BigInt', 'Function',
  'Map', 'Set', 'JSON', 'Math', 'RegExp', 'Buffer', 'globalThis', 'process', 'require', 'module', 'exports',
];

/**
 * The generator's model of a registry read by the registry module (`loadRegistry`): the same
 * events and versions, with every identifier claimed. Reads nothing itself.
 */
export function buildModel(registry: Registry): RegistryModel {
  const events: EventTypeModel[] = registry.events.map((event) => ({
    eventType: event.eventType,
    aggregateType: event.aggregateType,
    topic: event.topic,
    orderingKey: event.orderingKey,
    payloadEncoding: event.payloadEncoding,
    pubsubSchema: event.binding?.schemaSettings !== undefined,
    ...(event.compatibility.declared && { compatibility: event.compatibility.mode }),
    ...(event.title !== undefined && { title: event.title }),
    ...(event.description !== undefined && { description: event.description }),
    channelId: event.channelId,
    versions: event.versions.map((version) => ({
      eventType: event.eventType,
      version: version.version,
      messageId: version.messageId,
      schemaFile: version.payload.schemaFile,
      schemaPath: version.payload.file,
      schemaPointer: version.payload.pointer,
      schemaKey: version.payload.key,
      schemaId: version.payload.schemaId,
      payloadForm: version.payload.form,
      schema: version.payload.schema,
      // The schema's own examples first, then the payloads of the message's examples.
      examples: [...(isObject(version.payload.schema) && Array.isArray(version.payload.schema.examples) ? version.payload.schema.examples : []), ...version.examples],
      ...descriptionOf(version.payload.schema, version.description),
      deprecated: version.deprecated || (isObject(version.payload.schema) && version.payload.schema.deprecated === true),
      names: { payload: '', event: '', validator: '', validatorModule: '' },
      extras: {},
    })),
    currentVersion: event.currentVersion,
    names: { event: '', payload: '', facadeMember: '' },
  }));
  return nameEverything({
    inputFile: registry.file,
    rootDir: registry.rootDir,
    title: registry.title,
    version: registry.version,
    events,
    definitions: [],
    typeNames: new Map(),
    nestedTypes: [],
    nestedNames: new Map(),
    store: registry.store,
    registry,
  });
}

function descriptionOf(schema: unknown, fallback: string | undefined): { description?: string } {
  const description = isObject(schema) && typeof schema.description === 'string' ? schema.description : fallback;
  return description === undefined ? {} : { description };
}

/** Claims every identifier in a fixed order: fixed names, events (sorted), then definitions (sorted by key). */
function nameEverything(model: RegistryModel): RegistryModel {
  const topLevel = new NameScope(FIXED_TOP_LEVEL_NAMES);
  const bases = new NameScope();
  const facadeMembers = new NameScope();
  const typeNames = new Map<string, string>();
  // Module file names must differ even on case-insensitive file systems.
  const moduleStems = new Set<string>();
  const claimModuleStem = (stem: string): string => {
    let candidate = stem;
    for (let suffix = 2; moduleStems.has(candidate.toLowerCase()); suffix += 1) candidate = `${stem}~${suffix}`;
    moduleStems.add(candidate.toLowerCase());
    return candidate;
  };
  for (const event of model.events) {
    const base = bases.claim(event.eventType, 'pascal', 'Event');
    event.names.event = topLevel.claimIdentifier(`${base}Event`);
    event.names.payload = topLevel.claimIdentifier(`${base}Payload`);
    event.names.facadeMember = facadeMembers.claim(event.eventType, 'camel', 'event');
    for (const version of event.versions) {
      version.names.payload = topLevel.claimIdentifier(`${base}V${version.version}Payload`);
      version.names.event = topLevel.claimIdentifier(`${base}V${version.version}Event`);
      version.names.validator = topLevel.claimIdentifier(`validate${base}V${version.version}`);
      version.names.validatorModule = claimModuleStem(`${safeFileStem(event.eventType)}.v${version.version}`);
      typeNames.set(version.schemaKey, version.names.payload);
    }
  }

  // Every $ref target reachable from a payload, found breadth-first, then named in key order.
  const targets = new Map<string, { file: string; pointer: string; schema: JsonSchema | boolean }>();
  const queue: Array<{ file: string; pointer: string; schema: unknown }> = model.events.flatMap((event) =>
    event.versions.map((version) => ({ file: version.schemaPath, pointer: version.schemaPointer, schema: version.schema as unknown })),
  );
  while (queue.length > 0) {
    const { file, pointer, schema } = queue.shift()!;
    forEachRef(
      schema,
      (ref, at) => {
        const resolved = model.store.resolve(file, ref, at);
        if (targets.has(resolved.key)) return;
        targets.set(resolved.key, resolved);
        queue.push({ file: resolved.file, pointer: resolved.pointer, schema: resolved.schema });
      },
      pointer,
    );
  }
  for (const target of targets.values()) assertNoProtoProperty(model.store, target.file, target.schema, target.pointer);

  const definitions: NamedDefinitionModel[] = [];
  for (const key of [...targets.keys()].sort(compareStrings)) {
    if (typeNames.has(key)) continue;
    const target = targets.get(key)!;
    const title = typeof target.schema === 'object' && typeof target.schema.title === 'string' ? target.schema.title : undefined;
    const hint = title ?? (target.pointer.split('/').pop() || path.basename(target.file, '.json'));
    const name = topLevel.claim(hint, 'pascal', 'Definition');
    typeNames.set(key, name);
    definitions.push({ key, file: target.file, pointer: target.pointer, schema: target.schema, name });
  }

  // Titled objects nested in payloads and definitions become named types too (the registry titles
  // every object); the same schema under the same title, e.g. in two versions, is one type.
  const nestedTypes: NestedTypeModel[] = [];
  const nestedNames = new Map<object, string>();
  const byContent = new Map<string, string>();
  const roots = [
    ...model.events.flatMap((event) => event.versions.map((version) => ({ file: version.schemaPath, pointer: version.schemaPointer, schema: version.schema as unknown }))),
    ...definitions.map((definition) => ({ file: definition.file, pointer: definition.pointer, schema: definition.schema as unknown })),
  ];
  for (const root of roots) {
    forEachSubschema(root.schema, (subschema, at) => {
      if (at === '' || typeof subschema.title !== 'string' || typeof subschema.$ref === 'string' || !isObject(subschema.properties)) return;
      // Same content in the same directory (so relative $refs mean the same): one type.
      const content = `${path.dirname(root.file)}\0${canonicalJson(subschema)}`;
      let name = byContent.get(content);
      if (name === undefined) {
        name = topLevel.claim(subschema.title, 'pascal', 'Nested');
        byContent.set(content, name);
        nestedTypes.push({ name, file: root.file, pointer: `${root.pointer}${at}`, schema: subschema });
      }
      nestedNames.set(subschema, name);
    });
  }
  return { ...model, definitions, typeNames, nestedTypes, nestedNames };
}

/** JSON with object keys sorted, to compare schemas by content. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) {
    return `{${Object.keys(value)
      .sort(compareStrings)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * ajv drops a property schema named '__proto__' (it validates nothing and a closed object rejects
 * it), so a validator could pass what the schema forbids: refused with the place to fix.
 */
function assertNoProtoProperty(store: SchemaStore, file: string, schema: unknown, pointer = ''): void {
  forEachSubschema(schema, (subschema, at) => {
    const required = Array.isArray(subschema.required) ? subschema.required : [];
    const properties = isObject(subschema.properties) ? subschema.properties : {};
    if (Object.hasOwn(properties, '__proto__') || required.includes('__proto__')) {
      const where = `${pointer}${at}/properties/__proto__`;
      throw new RegistryError(displayPath(file), [
        {
          file: displayPath(file),
          pointer: where,
          ...store.locate(file, where),
          code: 'proto-property',
          message: "a property named '__proto__' cannot be validated (ajv ignores its schema)",
          hint: 'rename the property',
        },
      ]);
    }
  });
}

/** Event type as a file name stem: letters, digits, '.', '_' and '-' kept, anything else hex-escaped. */
export function safeFileStem(text: string): string {
  const stem = [...text].map((ch) => (/[A-Za-z0-9._-]/.test(ch) ? ch : `~${ch.codePointAt(0)!.toString(16)}`)).join('');
  return stem.replace(/^\.+/, (dots) => '~2e'.repeat(dots.length)) || 'event';
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
