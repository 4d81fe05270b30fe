/**
 * Step 2 of the flow: the intermediate model the templates render. Everything here is sorted
 * (event types, versions, definitions) and every identifier is already claimed through the one
 * naming function, so rendering is a pure function of the model.
 */
import path from 'node:path';
import { RegistryModelError } from './errors.js';
import { NameScope } from './naming.js';
import { displayPath, toJsonPointer, type ParsedRegistry } from './parse.js';
import { SchemaStore, forEachRef, forEachSubschema, isObject, evaluatePointer, type JsonSchema } from './schema-store.js';

export type OrderingKey = 'aggregateId' | null;

export interface EventVersionModel {
  eventType: string;
  version: number;
  /** Key of the message in components.messages, e.g. 'userCreatedV1'. */
  messageId: string;
  /** Registry-relative path of the payload schema, e.g. 'schemas/user.created/1.json'. */
  schemaFile: string;
  /** Absolute path of the payload schema. */
  schemaPath: string;
  schemaId: string;
  /** The payload JSON Schema as written ($refs unresolved). */
  schema: JsonSchema;
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

interface ChannelEntry {
  channelId: string;
  channel: Record<string, unknown>;
}

export function buildModel(parsed: ParsedRegistry): RegistryModel {
  const inputFile = parsed.inputFile;
  const rootDir = path.dirname(inputFile);
  const file = displayPath(inputFile);
  const raw = parsed.raw;
  const fail = (pointer: string[], code: string, message: string): never => {
    throw new RegistryModelError({ file, pointer: toJsonPointer(pointer), code, message });
  };
  if (!isObject(raw)) return fail([], 'document', 'the document is not an object');
  const info = isObject(raw.info) ? raw.info : {};
  const channels = isObject(raw.channels) ? raw.channels : {};
  const store = new SchemaStore(rootDir, inputFile);

  const byType = new Map<string, ChannelEntry>();
  for (const [channelId, channel] of Object.entries(channels)) {
    if (!isObject(channel)) continue;
    const address = channel.address;
    if (typeof address !== 'string' || address.length === 0) {
      fail(['channels', channelId, 'address'], 'channel-address', 'every channel needs an address: the event type');
    }
    const eventType = address as string;
    if (byType.has(eventType)) fail(['channels', channelId, 'address'], 'duplicate-event-type', `event type '${eventType}' has two channels`);
    byType.set(eventType, { channelId, channel });
  }

  const events: EventTypeModel[] = [];
  for (const eventType of [...byType.keys()].sort(compareStrings)) {
    const { channelId, channel } = byType.get(eventType)!;
    const at = (...rest: string[]): string[] => ['channels', channelId, ...rest];
    const aggregateType = channel['x-aggregate-type'];
    if (typeof aggregateType !== 'string' || aggregateType.length === 0) {
      fail(at('x-aggregate-type'), 'aggregate-type', `channel '${channelId}' needs x-aggregate-type`);
    }
    const orderingRaw = channel['x-ordering-key'];
    if (orderingRaw !== undefined && orderingRaw !== null && orderingRaw !== 'aggregateId') {
      fail(at('x-ordering-key'), 'ordering-key', `x-ordering-key must be 'aggregateId' or absent, not ${JSON.stringify(orderingRaw)}`);
    }
    const messages = isObject(channel.messages) ? channel.messages : {};
    const versions: EventVersionModel[] = [];
    for (const [messageKey, messageRef] of Object.entries(messages)) {
      const { messageId, message, pointer } = resolveMessage(raw, messageKey, messageRef, at('messages', messageKey), fail);
      const version = message['x-event-version'];
      if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
        fail([...pointer, 'x-event-version'], 'event-version', `message '${messageId}' needs x-event-version, an integer ≥ 1`);
      }
      const declaredType = message['x-event-type'];
      if (declaredType !== undefined && declaredType !== eventType) {
        fail([...pointer, 'x-event-type'], 'event-type-mismatch', `message '${messageId}' says x-event-type ${JSON.stringify(declaredType)} but sits on channel '${eventType}'`);
      }
      if (versions.some((v) => v.version === version)) {
        fail([...pointer, 'x-event-version'], 'duplicate-version', `version ${String(version)} of '${eventType}' is declared twice`);
      }
      const payload = message.payload;
      const payloadRef = isObject(payload) ? payload.$ref : undefined;
      if (typeof payloadRef !== 'string' || payloadRef.startsWith('#')) {
        fail([...pointer, 'payload'], 'payload-ref', `message '${messageId}' must reference its payload schema file with $ref`);
      }
      const resolved = store.resolve(inputFile, payloadRef as string, toJsonPointer([...pointer, 'payload']));
      if (resolved.pointer !== '' || typeof resolved.schema === 'boolean') {
        fail([...pointer, 'payload'], 'payload-ref', 'the payload $ref must name a whole schema file');
      }
      const schema = resolved.schema as JsonSchema;
      versions.push({
        eventType,
        version: version as number,
        messageId,
        schemaFile: store.relative(resolved.file),
        schemaPath: resolved.file,
        schemaId: String(schema.$id),
        schema,
        examples: Array.isArray(schema.examples) ? schema.examples : [],
        ...(typeof schema.description === 'string' && { description: schema.description }),
        deprecated: schema.deprecated === true || message.deprecated === true,
        names: { payload: '', event: '', validator: '', validatorModule: '' },
        extras: {},
      });
    }
    if (versions.length === 0) fail(at('messages'), 'no-versions', `channel '${channelId}' lists no message`);
    versions.sort((a, b) => a.version - b.version);
    const compatibility = channel['x-compatibility'];
    const description = [channel.summary, channel.description].find((text): text is string => typeof text === 'string');
    events.push({
      eventType,
      aggregateType: aggregateType as string,
      topic: eventType,
      orderingKey: orderingRaw === 'aggregateId' ? 'aggregateId' : null,
      payloadEncoding: payloadEncodingOf(channel),
      ...(typeof compatibility === 'string' && { compatibility }),
      ...(typeof channel.title === 'string' && { title: channel.title }),
      ...(description !== undefined && { description }),
      channelId,
      versions,
      currentVersion: versions[versions.length - 1]!.version,
      names: { event: '', payload: '', facadeMember: '' },
    });
  }

  return nameEverything({
    inputFile,
    rootDir,
    title: typeof info.title === 'string' ? info.title : '',
    version: typeof info.version === 'string' ? info.version : '',
    events,
    definitions: [],
    typeNames: new Map(),
    nestedTypes: [],
    nestedNames: new Map(),
    store,
  });
}

function resolveMessage(
  raw: Record<string, unknown>,
  messageKey: string,
  messageRef: unknown,
  at: string[],
  fail: (pointer: string[], code: string, message: string) => never,
): { messageId: string; message: Record<string, unknown>; pointer: string[] } {
  if (isObject(messageRef) && typeof messageRef.$ref === 'string') {
    const ref = messageRef.$ref;
    if (!ref.startsWith('#/')) fail(at, 'message-ref', 'messages must be defined in this document (#/components/messages/...)');
    const message = evaluatePointer(raw, ref.slice(1));
    const pointer = ref.slice(2).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (!isObject(message)) return fail(at, 'message-ref', `nothing at ${ref}`);
    return { messageId: pointer[pointer.length - 1]!, message, pointer };
  }
  if (!isObject(messageRef)) return fail(at, 'message', 'a message must be an object');
  return { messageId: messageKey, message: messageRef, pointer: at };
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
      typeNames.set(`${version.schemaFile}#`, version.names.payload);
    }
  }

  // Every $ref target reachable from a payload, found breadth-first, then named in key order.
  const targets = new Map<string, { file: string; pointer: string; schema: JsonSchema | boolean }>();
  const queue: Array<{ file: string; schema: unknown }> = model.events.flatMap((event) =>
    event.versions.map((version) => ({ file: version.schemaPath, schema: version.schema })),
  );
  while (queue.length > 0) {
    const { file, schema } = queue.shift()!;
    forEachRef(schema, (ref, at) => {
      const resolved = model.store.resolve(file, ref, at);
      if (targets.has(resolved.key)) return;
      targets.set(resolved.key, resolved);
      queue.push({ file: resolved.file, schema: resolved.schema });
    });
  }
  for (const version of model.events.flatMap((event) => event.versions)) assertNoProtoProperty(version.schemaPath, version.schema);
  for (const target of targets.values()) assertNoProtoProperty(target.file, target.schema, target.pointer);

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
    ...model.events.flatMap((event) => event.versions.map((version) => ({ file: version.schemaPath, pointer: '', schema: version.schema as unknown }))),
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
function assertNoProtoProperty(file: string, schema: unknown, pointer = ''): void {
  forEachSubschema(schema, (subschema, at) => {
    const required = Array.isArray(subschema.required) ? subschema.required : [];
    const properties = isObject(subschema.properties) ? subschema.properties : {};
    if (Object.hasOwn(properties, '__proto__') || required.includes('__proto__')) {
      throw new RegistryModelError({
        file: displayPath(file),
        pointer: `${pointer}${at}/properties/__proto__`,
        code: 'proto-property',
        message: "a property named '__proto__' cannot be validated (ajv ignores its schema); rename it",
      });
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

/** The channel binding's schemaSettings.encoding: JSON → Avro JSON, BINARY → Avro binary, none → plain JSON. */
function payloadEncodingOf(channel: Record<string, unknown>): EventTypeModel['payloadEncoding'] {
  const bindings = channel.bindings as { googlepubsub?: { schemaSettings?: { encoding?: unknown } } } | undefined;
  const encoding = bindings?.googlepubsub?.schemaSettings?.encoding;
  if (encoding === 'BINARY') return 'avro-binary';
  if (encoding === 'JSON') return 'avro-json';
  return 'json';
}
