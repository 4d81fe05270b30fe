/**
 * Reads an AsyncAPI 3 document (and the schema files it references) into the registry model.
 * Synchronous and parser-free, so it runs on any source (disk, memory, a git ref); `load.ts` adds
 * the @asyncapi/parser validation. Every problem is collected, none stops the others.
 *
 * The project's `x-` conventions are read where present and inferred where absent
 * (docs/registry.md, "Defaults"): event type, version, aggregate type, topic id, `$id`.
 */
import path from 'node:path';
import { displayPath, type RegistryDiagnostic } from './diagnostics.js';
import type {
  EventModel,
  EventTypeSource,
  Location,
  OperationModel,
  PayloadModel,
  PubSubBinding,
  RegistryModel,
  VersionModel,
  VersionSource,
} from './model.js';
import { joinPointer, splitPointer } from './pointer.js';
import { forEachSubschema, isObject, RegistryProblem, SchemaStore, type JsonSchema } from './schemas.js';
import type { RegistrySource } from './source.js';

export interface ReadOptions {
  /** Path of the AsyncAPI document (resolved against the working directory). */
  file: string;
  source: RegistrySource;
}

export interface ReadResult {
  /** The model of everything that could be read (with errors, some items may be missing). */
  model: RegistryModel;
  /** Every error and warning found, sorted. */
  diagnostics: RegistryDiagnostic[];
}

/**
 * A topic id without the deployment prefix: letters, digits and - _ . ~ + %, at most 255
 * characters, not starting with 'goog'. The full id (`<prefix><topic>`) must also start with a
 * letter and have 3 characters at least; the infrastructure commands check it with the prefix.
 */
export const TOPIC_ID_PATTERN = /^[A-Za-z0-9\-_.~+%]{1,255}$/;

/** JSON Schema formats of message payloads the registry reads (AsyncAPI's own format is a JSON Schema superset). */
const JSON_SCHEMA_FORMAT = /^application\/(vnd\.aai\.asyncapi|schema)(\+(json|yaml))?\s*(;|$)/i;

const VERSION_SUFFIX = /^(.*?)[._-]?[vV]([1-9][0-9]*)$/;

interface Candidate {
  version: VersionModel;
  channelId: string;
  channelLocation: Location;
  channel: Record<string, unknown>;
}

export function readRegistry(options: ReadOptions): ReadResult {
  const file = path.resolve(options.file);
  const rootDir = path.dirname(file);
  const store = new SchemaStore(rootDir, file, options.source);
  const diagnostics: RegistryDiagnostic[] = [];
  const display = displayPath(file);
  const model: RegistryModel = { file, rootDir, title: '', version: '', events: [], operations: [], store, warnings: [] };

  const at = (where: string, pointer: string): Location => ({ file: where, pointer, ...lineOf(store, where, pointer) });
  const report = (where: string, pointer: string, code: string, message: string, hint?: string, severity?: 'warning'): void => {
    diagnostics.push({
      file: displayPath(where),
      pointer,
      ...store.locate(where, pointer),
      code,
      message,
      ...(hint !== undefined && { hint }),
      ...(severity && { severity }),
    });
  };
  const attempt = <T>(action: () => T): T | undefined => {
    try {
      return action();
    } catch (error) {
      if (!(error instanceof RegistryProblem)) throw error;
      diagnostics.push(error.diagnostic);
      return undefined;
    }
  };

  const raw = attempt(() => store.load(file));
  if (raw === undefined) return { model, diagnostics };
  if (!isObject(raw)) {
    diagnostics.push({ file: display, pointer: '', code: 'document', message: 'the document is not a mapping' });
    return { model, diagnostics };
  }
  const info = isObject(raw.info) ? raw.info : {};
  model.title = typeof info.title === 'string' ? info.title : '';
  model.version = typeof info.version === 'string' ? info.version : '';

  /** Follows a `$ref` chain (local or to another file) to the object it names. */
  const follow = (value: unknown, where: string, pointer: string): { value: unknown; file: string; pointer: string } | undefined => {
    let current = { value, file: where, pointer };
    for (let hops = 0; isObject(current.value) && typeof current.value.$ref === 'string'; hops += 1) {
      if (hops > 32) {
        report(where, pointer, 'ref-cycle', 'the $ref chain does not end');
        return undefined;
      }
      const ref = current.value.$ref;
      const target = attempt(() => store.resolve(current.file, ref, current.pointer));
      if (!target) return undefined;
      current = { value: target.schema, file: target.file, pointer: target.pointer };
    }
    return current;
  };

  // Channels and their messages: every message is a candidate event version.
  const channels = isObject(raw.channels) ? raw.channels : {};
  const candidates: Candidate[] = [];
  const channelByPointer = new Map<string, string>();
  const messagesByChannel = new Map<string, string[]>();
  const eventTypeByMessage = new Map<string, string>();
  const badChannels = new Set<string>();
  const channelTopics = new Map<string, { topic: string; pointer: string }>();

  /** Channel-level settings, checked once per channel whatever its messages say. */
  function checkChannel(channel: Record<string, unknown>, channelId: string, channelFile: string, channelPointer: string): boolean {
    const where = (token: string): string => joinPointer(channelPointer, token);
    let ok = true;
    const declaredAggregate = channel['x-aggregate-type'];
    if (declaredAggregate !== undefined && (typeof declaredAggregate !== 'string' || declaredAggregate === '')) {
      report(channelFile, where('x-aggregate-type'), 'aggregate-type', 'x-aggregate-type must be a non-empty string', "remove it to use the event type's first segment");
      ok = false;
    }
    const ordering = channel['x-ordering-key'];
    if (ordering !== undefined && ordering !== null && ordering !== 'aggregateId') {
      report(channelFile, where('x-ordering-key'), 'ordering-key', `x-ordering-key must be 'aggregateId' or absent, not ${JSON.stringify(ordering)}`, 'write x-ordering-key: aggregateId, or remove it for unordered events');
      ok = false;
    }
    const address = typeof channel.address === 'string' ? channel.address : null;
    const topicResult = topicOf(channel, channelId, address);
    const topicPointer = topicResult.pointer === '' ? channelPointer : where(topicResult.pointer);
    if (topicResult.error) {
      report(channelFile, topicPointer, 'topic-id', topicResult.error, 'set x-topic on the channel to a valid Pub/Sub topic id (up to 255 letters, digits and - _ . ~ + %, not starting with goog)');
      return false;
    }
    const sharing = [...channelTopics].find(([, value]) => value.topic === topicResult.topic);
    if (sharing) {
      report(channelFile, topicPointer, 'topic-collision', `channels '${sharing[0]}' and '${channelId}' both map to the topic '${topicResult.topic}'`, 'set x-topic on one of them');
      return false;
    }
    channelTopics.set(channelId, { topic: topicResult.topic, pointer: topicPointer });
    return ok;
  }
  for (const [channelId, rawChannel] of Object.entries(channels)) {
    const channelPointer = joinPointer('', 'channels', channelId);
    channelByPointer.set(channelPointer, channelId);
    const followed = follow(rawChannel, file, channelPointer);
    if (!followed) continue;
    if (!isObject(followed.value)) {
      report(followed.file, followed.pointer, 'channel', `channel '${channelId}' is not a mapping`);
      continue;
    }
    const channel = followed.value;
    const channelLocation = at(followed.file, followed.pointer);
    if (!checkChannel(channel, channelId, followed.file, followed.pointer)) badChannels.add(channelId);
    const messages = isObject(channel.messages) ? channel.messages : {};
    const keys: string[] = [];
    for (const [messageKey, rawMessage] of Object.entries(messages)) {
      const messagePointer = joinPointer(followed.pointer, 'messages', messageKey);
      const message = follow(rawMessage, followed.file, messagePointer);
      if (!message) continue;
      if (!isObject(message.value)) {
        report(message.file, message.pointer, 'message', `message '${messageKey}' is not a mapping`);
        continue;
      }
      const isRef = isObject(rawMessage) && typeof rawMessage.$ref === 'string';
      const messageId = isRef ? (splitPointer(message.pointer).pop() ?? messageKey) : messageKey;
      const version = readVersion(message.value, messageId, at(message.file, message.pointer));
      if (!version) continue;
      keys.push(`${message.file}#${message.pointer}`);
      eventTypeByMessage.set(`${message.file}#${message.pointer}`, version.eventType);
      eventTypeByMessage.set(`${followed.file}#${messagePointer}`, version.eventType);
      candidates.push({ version, channelId, channelLocation, channel });
    }
    messagesByChannel.set(channelId, keys);
  }

  function readVersion(message: Record<string, unknown>, messageId: string, location: Location): VersionModel | undefined {
    const where = (token: string): string => joinPointer(location.pointer, token);
    const declaredType = message['x-event-type'];
    let eventType: string;
    let typeSource: EventTypeSource;
    if (declaredType !== undefined) {
      if (typeof declaredType !== 'string' || declaredType === '') {
        report(location.file, where('x-event-type'), 'event-type', 'x-event-type must be a non-empty string', 'remove it to use the message name');
        return undefined;
      }
      eventType = declaredType;
      typeSource = 'x-event-type';
    } else if (typeof message.name === 'string' && message.name !== '') {
      eventType = message.name;
      typeSource = 'name';
    } else {
      eventType = messageId;
      typeSource = 'key';
    }
    const payload = readPayload(message, location);
    if (!payload) return undefined;

    let version: number;
    let versionSource: VersionSource;
    const declaredVersion = message['x-event-version'];
    const suffixOfType = typeSource === 'x-event-type' ? null : VERSION_SUFFIX.exec(eventType);
    const suffixOfKey = VERSION_SUFFIX.exec(messageId);
    const pathVersion = /(?:^|\/)([1-9][0-9]*)\.(json|ya?ml)$/.exec(payload.schemaFile.split('#')[0]!);
    if (declaredVersion !== undefined) {
      if (typeof declaredVersion !== 'number' || !Number.isInteger(declaredVersion) || declaredVersion < 1) {
        report(location.file, where('x-event-version'), 'event-version', `x-event-version must be an integer ≥ 1, not ${JSON.stringify(declaredVersion)}`, 'write x-event-version: 1 (or remove it to infer the version)');
        return undefined;
      }
      version = declaredVersion;
      versionSource = 'x-event-version';
    } else if (suffixOfType && suffixOfType[1]) {
      version = Number(suffixOfType[2]);
      eventType = suffixOfType[1];
      versionSource = 'suffix';
    } else if (suffixOfKey && suffixOfKey[1]) {
      version = Number(suffixOfKey[2]);
      if (typeSource === 'key') eventType = suffixOfKey[1];
      versionSource = 'suffix';
    } else if (pathVersion) {
      version = Number(pathVersion[1]);
      versionSource = 'path';
    } else {
      version = 1;
      versionSource = 'default';
    }
    const examples = Array.isArray(message.examples)
      ? message.examples.filter((example) => isObject(example) && Object.hasOwn(example, 'payload')).map((example) => (example as { payload: unknown }).payload)
      : [];
    return {
      eventType,
      version,
      messageId,
      location,
      payload,
      examples,
      ...(typeof message.title === 'string' && { title: message.title }),
      ...(typeof message.summary === 'string' && { summary: message.summary }),
      ...(typeof message.description === 'string' && { description: message.description }),
      deprecated: message.deprecated === true,
      inferred: { eventType: typeSource, version: versionSource },
    };
  }

  function readPayload(message: Record<string, unknown>, location: Location): PayloadModel | undefined {
    let pointer = joinPointer(location.pointer, 'payload');
    let node = message.payload;
    let schemaFormat: string | undefined;
    if (node === undefined) {
      return { file: location.file, pointer, key: `${store.relative(location.file)}#${pointer}`, schemaFile: `${store.relative(location.file)}#${pointer}`, schemaId: `${store.idOf(location.file)}#${pointer}`, schema: true, form: 'none' };
    }
    if (isObject(node) && typeof node.schemaFormat === 'string' && Object.hasOwn(node, 'schema')) {
      schemaFormat = node.schemaFormat;
      const inner = node.schema;
      if (isObject(inner) && typeof inner.$ref === 'string' && /^https?:/i.test(inner.$ref)) {
        report(location.file, joinPointer(pointer, 'schema', '$ref'), 'remote-ref', `remote reference ${JSON.stringify(inner.$ref)}: the registry reads no network`, 'download the schema next to the registry and reference it by relative path');
        return undefined;
      }
      if (!JSON_SCHEMA_FORMAT.test(schemaFormat)) {
        report(location.file, joinPointer(pointer, 'schemaFormat'), 'schema-format', `payload schemaFormat ${JSON.stringify(schemaFormat)} is not supported: only JSON Schema and AsyncAPI schemas generate types`, 'convert the payload to JSON Schema (draft-07)');
        return undefined;
      }
      pointer = joinPointer(pointer, 'schema');
      node = inner;
    }
    if (!(isObject(node) || typeof node === 'boolean')) {
      report(location.file, pointer, 'payload', 'the payload must be a schema (an object or a boolean)');
      return undefined;
    }
    if (isObject(node) && typeof node.$ref === 'string' && Object.keys(node).length === 1) {
      const target = attempt(() => store.resolve(location.file, node.$ref as string, pointer));
      if (!target) return undefined;
      const whole = target.pointer === '';
      return {
        file: target.file,
        pointer: target.pointer,
        key: target.key,
        schemaFile: whole ? store.relative(target.file) : target.key,
        schemaId: whole ? store.idOf(target.file) : `${store.idOf(target.file)}#${target.pointer}`,
        schema: target.schema,
        form: whole ? 'file' : 'ref',
        ...(schemaFormat !== undefined && { schemaFormat }),
      };
    }
    const key = `${store.relative(location.file)}#${pointer}`;
    return { file: location.file, pointer, key, schemaFile: key, schemaId: `${store.idOf(location.file)}#${pointer}`, schema: node, form: 'inline', ...(schemaFormat !== undefined && { schemaFormat }) };
  }

  // Group the versions by event type; one event type travels on one channel.
  const byType = new Map<string, Candidate[]>();
  for (const candidate of candidates) {
    const list = byType.get(candidate.version.eventType) ?? [];
    list.push(candidate);
    byType.set(candidate.version.eventType, list);
  }
  for (const eventType of [...byType.keys()].sort(compareStrings)) {
    const list = byType.get(eventType)!;
    const first = list[0]!;
    const versions: VersionModel[] = [];
    const channelIds: string[] = [];
    for (const candidate of list) {
      if (!channelIds.includes(candidate.channelId)) channelIds.push(candidate.channelId);
      const same = versions.find((v) => v.version === candidate.version.version);
      if (same) {
        if (same.location.file === candidate.version.location.file && same.location.pointer === candidate.version.location.pointer) continue;
        report(
          candidate.version.location.file,
          candidate.version.location.pointer,
          'duplicate-version',
          `version ${candidate.version.version} of '${eventType}' is declared twice (also at ${same.location.pointer})`,
          'give one of the messages another x-event-version, or another name / x-event-type',
        );
        continue;
      }
      versions.push(candidate.version);
    }
    versions.sort((a, b) => a.version - b.version);
    const channel = first.channel;
    const channelPointer = first.channelLocation.pointer;
    const channelFile = first.channelLocation.file;
    if (channelIds.length > 1) {
      report(channelFile, channelPointer, 'event-on-several-channels', `event type '${eventType}' is listed on channels ${channelIds.join(', ')}: it is published on the topic of '${first.channelId}'`, undefined, 'warning');
    }

    if (badChannels.has(first.channelId)) continue;
    const declaredAggregate = channel['x-aggregate-type'];
    let aggregateType: string;
    let aggregateTypeInferred = false;
    if (typeof declaredAggregate === 'string') aggregateType = declaredAggregate;
    else {
      aggregateType = eventType.split(/[./:]/).find((segment) => segment !== '') ?? eventType;
      aggregateTypeInferred = true;
    }
    const ordering = channel['x-ordering-key'];
    const address = typeof channel.address === 'string' ? channel.address : null;
    const parameters = address ? [...address.matchAll(/\{([^}]*)\}/g)].map((match) => match[1]!) : [];
    const topic = channelTopics.get(first.channelId)!.topic;

    const compatibility = channel['x-compatibility'];
    const reason = channel['x-compatibility-reason'];
    const policy = channel['x-compatibility-policy'];
    const bindings = isObject(channel.bindings) ? channel.bindings : {};
    const googlepubsub = isObject(bindings.googlepubsub) ? bindings.googlepubsub : undefined;
    let binding: PubSubBinding | undefined;
    if (googlepubsub) {
      const bindingPointer = joinPointer(channelPointer, 'bindings', 'googlepubsub');
      binding = {
        raw: googlepubsub,
        location: at(channelFile, bindingPointer),
        ...(isObject(googlepubsub.schemaSettings) && { schemaSettings: googlepubsub.schemaSettings }),
      };
    }
    const encoding = binding?.schemaSettings?.encoding;
    const current = versions[versions.length - 1];
    if (!current) continue;
    const description = [channel.summary, channel.description, current.summary, current.description].find(
      (text): text is string => typeof text === 'string' && text.trim() !== '',
    );
    const event: EventModel = {
      eventType,
      aggregateType,
      aggregateTypeInferred,
      orderingKey: ordering === 'aggregateId' ? 'aggregateId' : null,
      topic,
      channelId: first.channelId,
      location: first.channelLocation,
      address,
      parameters,
      channelIds,
      ...(typeof channel.title === 'string' && { title: channel.title }),
      ...(description !== undefined && { description }),
      compatibility: {
        mode: typeof compatibility === 'string' ? compatibility : 'BACKWARD',
        declared: compatibility !== undefined,
        ...(typeof reason === 'string' && { reason }),
        policy: typeof policy === 'string' ? policy : 'STRICT',
      },
      ...(channel['x-min-version'] !== undefined && { minVersion: channel['x-min-version'] }),
      ...(binding && { binding }),
      payloadEncoding: encoding === 'BINARY' ? 'avro-binary' : encoding === 'JSON' ? 'avro-json' : 'json',
      versions,
      currentVersion: current.version,
    };
    model.events.push(event);
  }

  // Operations: who produces and who consumes which event types.
  const operations = isObject(raw.operations) ? raw.operations : {};
  for (const [id, rawOperation] of Object.entries(operations)) {
    const pointer = joinPointer('', 'operations', id);
    const followed = follow(rawOperation, file, pointer);
    if (!followed || !isObject(followed.value)) continue;
    const operation = followed.value;
    if (operation.action !== 'send' && operation.action !== 'receive') continue;
    const channelRef = isObject(operation.channel) ? operation.channel.$ref : undefined;
    const channelId = typeof channelRef === 'string' && channelRef.startsWith('#') ? channelByPointer.get(channelRef.slice(1)) : undefined;
    if (channelId === undefined) {
      report(followed.file, joinPointer(followed.pointer, 'channel'), 'operation-channel', `operation '${id}' does not reference a channel of this document`, "write channel: { $ref: '#/channels/<key>' }");
      continue;
    }
    const listed = Array.isArray(operation.messages) ? operation.messages : [];
    const eventTypes = new Set<string>();
    for (const message of listed) {
      const ref = isObject(message) ? message.$ref : undefined;
      const type = typeof ref === 'string' && ref.startsWith('#') ? eventTypeByMessage.get(`${file}#${ref.slice(1)}`) : undefined;
      if (type !== undefined) eventTypes.add(type);
    }
    if (listed.length === 0) {
      for (const key of messagesByChannel.get(channelId) ?? []) {
        const type = eventTypeByMessage.get(key);
        if (type !== undefined) eventTypes.add(type);
      }
    }
    const many = operation['x-consumers'] ?? operation['x-producers'];
    const one = operation['x-consumer'] ?? operation['x-producer'];
    const parties = Array.isArray(many) ? many.map(String) : typeof one === 'string' ? [one] : [id];
    model.operations.push({
      id,
      action: operation.action,
      location: at(followed.file, followed.pointer),
      eventTypes: [...eventTypes].sort(compareStrings),
      parties,
      ...(typeof operation.title === 'string' && { title: operation.title }),
    });
  }

  // Every file a payload reaches, loaded now (and every $ref checked), so problems show here.
  for (const version of model.events.flatMap((event) => event.versions)) {
    if (version.payload.form !== 'none') attempt(() => store.reachableFiles(version.payload.file, version.payload.pointer));
  }

  // Schema hygiene that ajv cannot see.
  const checked = new Set<string>();
  for (const version of model.events.flatMap((event) => event.versions)) {
    if (checked.has(version.payload.key)) continue;
    checked.add(version.payload.key);
    forEachSubschema(version.payload.schema, (subschema, pointer) => {
      const required = Array.isArray(subschema.required) ? subschema.required : [];
      const properties = isObject(subschema.properties) ? subschema.properties : {};
      if (Object.hasOwn(properties, '__proto__') || required.includes('__proto__')) {
        report(
          version.payload.file,
          `${version.payload.pointer}${pointer}/properties/__proto__`,
          'proto-property',
          "a property named '__proto__' cannot be validated (ajv ignores its schema)",
          'rename the property',
        );
      }
    });
  }
  return { model, diagnostics };
}

/** The channel's topic id: `x-topic`, else its address mapped to a topic id, else its key. */
function topicOf(channel: Record<string, unknown>, channelId: string, address: string | null): { topic: string; pointer: string; error?: string } {
  const declared = channel['x-topic'];
  if (declared !== undefined) {
    if (typeof declared !== 'string' || !validTopicId(declared)) return { topic: '', pointer: 'x-topic', error: `x-topic ${JSON.stringify(declared)} is not a valid Pub/Sub topic id` };
    return { topic: declared, pointer: 'x-topic' };
  }
  const derived = address === null ? '' : topicFromAddress(address);
  const topic = derived === '' ? channelId : derived;
  if (!validTopicId(topic)) {
    return {
      topic,
      pointer: derived === '' ? '' : 'address',
      error: `${derived === '' ? `channel key '${channelId}'` : `address ${JSON.stringify(address)}`} maps to '${topic}', not a valid Pub/Sub topic id`,
    };
  }
  return { topic, pointer: derived === '' ? '' : 'address' };
}

/**
 * An address as a topic id: one topic for every value of its parameters. Each `{parameter}` and
 * each run of characters Pub/Sub does not allow (e.g. '/') becomes one '.', repeated dots collapse
 * and leading or trailing dots go: 'smartylighting/streetlights/{id}/lighting' →
 * 'smartylighting.streetlights.lighting'. A valid topic id is kept as written.
 */
export function topicFromAddress(address: string): string {
  if (validTopicId(address)) return address;
  return address
    .replace(/\{[^}]*\}/g, '.')
    .replace(/[^A-Za-z0-9\-_.~+%]+/g, '.')
    .replace(/\.{2,}/g, '.')
    .replace(/^\.+|\.+$/g, '');
}

export function validTopicId(id: string): boolean {
  return TOPIC_ID_PATTERN.test(id) && !id.toLowerCase().startsWith('goog');
}

function lineOf(store: SchemaStore, file: string, pointer: string): { line?: number } {
  const { line } = store.locate(file, pointer);
  return line === undefined ? {} : { line };
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export type { JsonSchema };
