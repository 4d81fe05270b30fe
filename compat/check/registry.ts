/**
 * The registry as the check sees it: event types (channels of asyncapi.yaml), their compatibility
 * mode (`x-compatibility`, default BACKWARD) and reason, and their versions (messages with
 * `x-event-version` and a payload `$ref` to `schemas/<type>/<n>.json`). Read with the `yaml`
 * package so it works on any source (working tree or git ref); the AsyncAPI parser validates separately.
 */
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { isJsonObject, joinPointer, type JsonObject } from '../json.js';
import type { TextSource } from '../diff/resolver.js';
import { registryPath } from '../lock.js';

export const ASYNCAPI_FILE = 'asyncapi.yaml';

export interface RegistryVersion {
  version: number;
  /** Registry-relative path of the payload schema. */
  file: string;
  /** Pointer of the message in asyncapi.yaml. */
  pointer: string;
}

export interface RegistryEventType {
  type: string;
  /** `x-compatibility` as written (validated by the check), default BACKWARD. */
  mode: string;
  modeDeclared: boolean;
  reason: string | undefined;
  /** `x-compatibility-policy` as written (STRICT or LENIENT), default STRICT. */
  policy: string;
  /** Pointer of the channel in asyncapi.yaml. */
  pointer: string;
  versions: RegistryVersion[];
}

export interface RegistryProblem {
  pointer: string;
  rule: 'REGISTRY_ENTRY_INVALID';
  message: string;
}

export interface RegistryIndex {
  text: string;
  eventTypes: RegistryEventType[];
  problems: RegistryProblem[];
}

/** Reads asyncapi.yaml; throws CompatInputError (file missing) from the source. */
export function readRegistryIndex(source: TextSource, root: string): RegistryIndex {
  const asyncapiPath = resolve(root, ASYNCAPI_FILE);
  const text = source.readText(asyncapiPath);
  const problems: RegistryProblem[] = [];
  const document = parseDocument(text, { strict: false, uniqueKeys: false });
  const data: unknown = document.errors.length > 0 ? undefined : document.toJS({ maxAliasCount: -1 });
  if (!isJsonObject(data)) return { text, eventTypes: [], problems };
  const channels = isJsonObject(data.channels) ? data.channels : {};
  const eventTypes: RegistryEventType[] = [];
  for (const [channelKey, channel] of Object.entries(channels)) {
    if (!isJsonObject(channel)) continue;
    const pointer = joinPointer('', 'channels', channelKey);
    const versions: RegistryVersion[] = [];
    let type = typeof channel.address === 'string' ? channel.address : undefined;
    const messages = isJsonObject(channel.messages) ? channel.messages : {};
    for (const [messageKey, reference] of Object.entries(messages)) {
      const at = joinPointer(pointer, 'messages', messageKey);
      const message = followLocalRef(data, reference);
      if (!message) {
        problems.push({
          pointer: at,
          rule: 'REGISTRY_ENTRY_INVALID',
          message: `message ${messageKey} does not resolve to a message object`,
        });
        continue;
      }
      const messagePointer =
        isJsonObject(reference) && typeof reference.$ref === 'string' ? reference.$ref.slice(1) : at;
      type ??= typeof message['x-event-type'] === 'string' ? message['x-event-type'] : undefined;
      const version = message['x-event-version'];
      const payloadRef = payloadRefOf(message);
      if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
        problems.push({
          pointer: messagePointer,
          rule: 'REGISTRY_ENTRY_INVALID',
          message: `message ${messageKey} needs an integer x-event-version >= 1`,
        });
        continue;
      }
      if (!payloadRef || payloadRef.includes('#')) {
        problems.push({
          pointer: joinPointer(messagePointer, 'payload'),
          rule: 'REGISTRY_ENTRY_INVALID',
          message: `message ${messageKey} needs a payload $ref to a schema file`,
        });
        continue;
      }
      versions.push({
        version,
        file: registryPath(root, resolve(dirname(asyncapiPath), payloadRef)),
        pointer: messagePointer,
      });
    }
    if (!type) {
      problems.push({
        pointer,
        rule: 'REGISTRY_ENTRY_INVALID',
        message: `channel ${channelKey} has no address (the event type)`,
      });
      continue;
    }
    versions.sort((a, b) => a.version - b.version);
    const declared = channel['x-compatibility'];
    eventTypes.push({
      type,
      mode: typeof declared === 'string' ? declared : 'BACKWARD',
      modeDeclared: declared !== undefined,
      reason: typeof channel['x-compatibility-reason'] === 'string' ? channel['x-compatibility-reason'] : undefined,
      policy: typeof channel['x-compatibility-policy'] === 'string' ? channel['x-compatibility-policy'] : 'STRICT',
      pointer,
      versions,
    });
  }
  eventTypes.sort((a, b) => a.type.localeCompare(b.type));
  return { text, eventTypes, problems };
}

function followLocalRef(data: JsonObject, reference: unknown): JsonObject | undefined {
  let node: unknown = reference;
  for (let hops = 0; hops < 8 && isJsonObject(node) && typeof node.$ref === 'string'; hops += 1) {
    const ref = node.$ref;
    if (!ref.startsWith('#/')) return undefined;
    node = data;
    for (const raw of ref.slice(2).split('/')) {
      const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      node = isJsonObject(node) ? node[token] : undefined;
    }
  }
  return isJsonObject(node) ? node : undefined;
}

/** `payload: { $ref }`, or the multi-format `payload: { schemaFormat, schema: { $ref } }`. */
function payloadRefOf(message: JsonObject): string | undefined {
  const payload = message.payload;
  if (!isJsonObject(payload)) return undefined;
  if (typeof payload.$ref === 'string') return payload.$ref;
  if (isJsonObject(payload.schema) && typeof payload.schema.$ref === 'string') return payload.schema.$ref;
  return undefined;
}
