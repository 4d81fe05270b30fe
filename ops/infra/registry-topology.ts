import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { RegistryTopologyError } from './errors.js';

/**
 * The part of asyncapi.yaml that provisioning and schema sync need, read with the plain `yaml`
 * parser (milliseconds, against ~1 s for the full AsyncAPI parser). Conventions of the registry:
 * one channel per event type with `address` = event type, `x-aggregate-type`, `x-ordering-key`,
 * a `googlepubsub` channel binding; one message per version with `x-event-type` and
 * `x-event-version`; receive operations name who consumes what.
 */
export interface TopologyEvent {
  readonly eventType: string;
  readonly aggregateType: string;
  /** True when the channel has an `x-ordering-key`: subscriptions get message ordering. */
  readonly ordered: boolean;
  /** Every version the registry defines, ascending. */
  readonly versions: readonly number[];
  /**
   * Oldest version still published somewhere (`x-min-version` on the channel; default: the
   * oldest version). The topic's schema revision range starts here.
   */
  readonly minSupportedVersion: number;
  /** Topic retention from the googlepubsub binding's `messageRetentionDuration`, in seconds. */
  readonly messageRetentionSeconds?: number;
  /** Topic labels from the googlepubsub binding. */
  readonly labels: Readonly<Record<string, string>>;
  /** `messageStoragePolicy.allowedPersistenceRegions` from the binding. */
  readonly allowedPersistenceRegions?: readonly string[];
  /** Schema encoding from the binding's `schemaSettings.encoding`, when the registry states one. */
  readonly schemaEncoding?: 'JSON' | 'BINARY';
  /** Schema name without prefix from the binding's `schemaSettings.name` (default: the event type). */
  readonly schemaName?: string;
  /** JSON pointer of the channel in the document. */
  readonly pointer: string;
}

/** One receive operation: `consumer` handles `eventType`. */
export interface TopologyReceiver {
  readonly consumer: string;
  readonly eventType: string;
  readonly pointer: string;
}

export interface RegistryTopology {
  readonly file: string;
  readonly events: readonly TopologyEvent[];
  readonly receivers: readonly TopologyReceiver[];
}

type Json = unknown;
type JsonObject = Record<string, Json>;

const isObject = (value: Json): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const escapePointer = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

export async function readRegistryTopology(file = 'asyncapi.yaml'): Promise<RegistryTopology> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new RegistryTopologyError(file, '', `cannot read the registry: ${(error as Error).message}`);
  }
  let document: Json;
  try {
    document = parse(text);
  } catch (error) {
    throw new RegistryTopologyError(file, '', `not valid YAML: ${(error as Error).message}`);
  }
  return registryTopologyFromDocument(document, file);
}

/** Pure: the topology of an already parsed AsyncAPI 3 document. */
export function registryTopologyFromDocument(document: Json, file = 'asyncapi.yaml'): RegistryTopology {
  const fail = (pointer: string, reason: string): never => {
    throw new RegistryTopologyError(file, pointer, reason);
  };
  if (!isObject(document)) return fail('', 'the document is not a YAML mapping');

  /** Follows local `$ref`s ('#/components/messages/x'); external refs are left alone. */
  const resolve = (value: Json, pointer: string): { value: Json; pointer: string } => {
    let current = value;
    let at = pointer;
    for (let hops = 0; isObject(current) && typeof current.$ref === 'string'; hops++) {
      const ref = current.$ref;
      if (!ref.startsWith('#/') || hops > 20) break;
      at = ref.slice(1);
      current = ref
        .slice(2)
        .split('/')
        .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
        .reduce<Json>((node, key) => (isObject(node) ? node[key] : undefined), document);
      if (current === undefined) fail(pointer, `$ref '${ref}' points at nothing`);
    }
    return { value: current, pointer: at };
  };

  const channels = document.channels;
  if (!isObject(channels)) return fail('/channels', 'no channels: one channel per event type is expected');

  const events: TopologyEvent[] = [];
  const eventTypeByChannelPointer = new Map<string, string>();
  for (const [key, rawChannel] of Object.entries(channels)) {
    const { value: channel, pointer } = resolve(rawChannel, `/channels/${escapePointer(key)}`);
    if (!isObject(channel)) return fail(pointer, 'channel is not a mapping');
    const eventType = channel.address;
    if (typeof eventType !== 'string' || eventType === '') {
      return fail(`${pointer}/address`, 'channel address (the event type) is missing');
    }
    const aggregateType = channel['x-aggregate-type'];
    if (typeof aggregateType !== 'string') {
      return fail(`${pointer}/x-aggregate-type`, `${eventType}: x-aggregate-type is missing`);
    }
    const versions = channelVersions(channel, pointer, eventType);
    const minVersion = channel['x-min-version'] ?? versions[0];
    if (typeof minVersion !== 'number' || !versions.includes(minVersion)) {
      return fail(
        `${pointer}/x-min-version`,
        `${eventType}: x-min-version must be one of the channel's versions (${versions.join(', ')})`,
      );
    }
    const binding = isObject(channel.bindings) ? channel.bindings.googlepubsub : undefined;
    const bindingPointer = `${pointer}/bindings/googlepubsub`;
    const retention = isObject(binding) ? binding.messageRetentionDuration : undefined;
    const labels = isObject(binding) && isObject(binding.labels) ? binding.labels : {};
    const storagePolicy =
      isObject(binding) && isObject(binding.messageStoragePolicy) ? binding.messageStoragePolicy : {};
    const regions = Array.isArray(storagePolicy.allowedPersistenceRegions)
      ? storagePolicy.allowedPersistenceRegions.map(String)
      : undefined;
    const schemaSettings = isObject(binding) && isObject(binding.schemaSettings) ? binding.schemaSettings : {};
    const encoding = typeof schemaSettings.encoding === 'string' ? schemaSettings.encoding.toUpperCase() : undefined;
    if (encoding !== undefined && encoding !== 'JSON' && encoding !== 'BINARY') {
      return fail(`${bindingPointer}/schemaSettings/encoding`, `${eventType}: encoding must be JSON or BINARY`);
    }
    events.push({
      eventType,
      aggregateType,
      ordered: typeof channel['x-ordering-key'] === 'string' && channel['x-ordering-key'] !== '',
      versions,
      minSupportedVersion: minVersion,
      ...(retention !== undefined && {
        messageRetentionSeconds: parseDurationSeconds(retention, `${bindingPointer}/messageRetentionDuration`, fail),
      }),
      labels: Object.fromEntries(Object.entries(labels).map(([name, value]) => [name, String(value)])),
      ...(regions && { allowedPersistenceRegions: regions }),
      ...(encoding !== undefined && { schemaEncoding: encoding }),
      ...(typeof schemaSettings.name === 'string' && schemaSettings.name !== '' && { schemaName: schemaSettings.name }),
      pointer,
    });
    eventTypeByChannelPointer.set(pointer, eventType);
    eventTypeByChannelPointer.set(`/channels/${escapePointer(key)}`, eventType);
  }

  const seen = new Set<string>();
  for (const event of events) {
    if (seen.has(event.eventType)) fail(event.pointer, `event type '${event.eventType}' has two channels`);
    seen.add(event.eventType);
  }

  const receivers: TopologyReceiver[] = [];
  const operations = isObject(document.operations) ? document.operations : {};
  for (const [key, rawOperation] of Object.entries(operations)) {
    const { value: operation, pointer } = resolve(rawOperation, `/operations/${escapePointer(key)}`);
    if (!isObject(operation) || operation.action !== 'receive') continue;
    const channelRef = isObject(operation.channel) ? operation.channel.$ref : undefined;
    const eventType = typeof channelRef === 'string' ? eventTypeByChannelPointer.get(channelRef.slice(1)) : undefined;
    if (!eventType) fail(`${pointer}/channel`, 'receive operation does not reference a known channel');
    for (const consumer of operationConsumers(operation, key)) {
      receivers.push({ consumer, eventType: eventType as string, pointer });
    }
  }

  return { file, events: events.sort((a, b) => a.eventType.localeCompare(b.eventType)), receivers };

  function channelVersions(channel: JsonObject, pointer: string, eventType: string): number[] {
    const messages = channel.messages;
    if (!isObject(messages) || Object.keys(messages).length === 0) {
      return fail(`${pointer}/messages`, `${eventType}: the channel lists no messages (one per version)`);
    }
    const versions: number[] = [];
    for (const [name, rawMessage] of Object.entries(messages)) {
      const messagePointer = `${pointer}/messages/${escapePointer(name)}`;
      const { value: message, pointer: resolvedAt } = resolve(rawMessage, messagePointer);
      if (!isObject(message)) return fail(messagePointer, 'message is not a mapping');
      const version = message['x-event-version'];
      if (!Number.isInteger(version) || (version as number) < 1) {
        return fail(`${resolvedAt}/x-event-version`, `${eventType}: x-event-version must be a positive integer`);
      }
      const messageType = message['x-event-type'];
      if (messageType !== undefined && messageType !== eventType) {
        return fail(
          `${resolvedAt}/x-event-type`,
          `message says '${String(messageType)}' but its channel is '${eventType}'`,
        );
      }
      if (versions.includes(version as number)) {
        return fail(`${resolvedAt}/x-event-version`, `${eventType}: version ${String(version)} appears twice`);
      }
      versions.push(version as number);
    }
    return versions.sort((a, b) => a - b);
  }
}

/** Consumer names of a receive operation: `x-consumers`, `x-consumer`, else the operation key. */
function operationConsumers(operation: JsonObject, key: string): string[] {
  const many = operation['x-consumers'];
  if (Array.isArray(many)) return many.map(String);
  const one = operation['x-consumer'];
  if (typeof one === 'string') return [one];
  return [key];
}

/** '604800s' or '86400.5s' (protobuf Duration JSON) → seconds. */
function parseDurationSeconds(value: Json, pointer: string, fail: (pointer: string, reason: string) => never): number {
  const match = typeof value === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(value.trim()) : null;
  if (!match) return fail(pointer, `duration '${String(value)}' must look like '604800s'`);
  return Number(match[1]);
}
