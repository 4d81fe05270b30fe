/**
 * Builds an `EventCatalog` straight from the registry (asyncapi.yaml + schemas/**), compiling every
 * payload schema with ajv at test time. Tests use it until the generator's ahead-of-time output
 * exists, and the registry tests use it to check the registry itself.
 *
 * It reads the YAML with the `yaml` package (not @asyncapi/parser, which takes about a second to
 * start) and follows only the shapes the registry conventions allow (docs/registry.md).
 */
import { readFile, readdir } from 'node:fs/promises';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type AnySchemaObject, type ErrorObject, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import {
  EventBusError,
  type EventCatalog,
  type EventTypeEntry,
  type EventVersionEntry,
  type PayloadValidator,
  type ValidationIssue,
} from '../../runtime/index.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const REGISTRY_FILE = 'asyncapi.yaml';
export const SCHEMAS_DIR = 'schemas';

/** The registry breaks one of its conventions; names the file and the JSON pointer at fault. */
export class RegistryLoadError extends EventBusError {
  constructor(
    readonly file: string,
    readonly pointer: string,
    detail: string,
  ) {
    super('REGISTRY_INVALID', `${file}#${pointer}: ${detail}`);
  }
}

type JsonObject = Record<string, unknown>;

/** One message (event version) of the registry, as the YAML and its schema file say. */
export interface RegistryMessage {
  readonly key: string;
  readonly eventType: string;
  readonly version: number;
  /** Registry-relative POSIX path, e.g. 'schemas/user.created/1.json'. */
  readonly schemaFile: string;
  readonly schema: AnySchemaObject;
}

/** One channel (event type) of the registry. */
export interface RegistryChannel {
  readonly key: string;
  readonly eventType: string;
  readonly aggregateType: string;
  readonly orderingKey: 'aggregateId' | null;
  readonly compatibility: string;
  readonly description?: string;
  readonly messages: readonly RegistryMessage[];
}

export interface LoadedRegistry {
  readonly root: string;
  /** The raw asyncapi.yaml document. */
  readonly document: JsonObject;
  readonly channels: readonly RegistryChannel[];
  /** Every JSON file under schemas/, registry-relative POSIX path -> parsed schema. */
  readonly schemaFiles: ReadonlyMap<string, AnySchemaObject>;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pointerOf(...tokens: string[]): string {
  return tokens.map((token) => '/' + token.replaceAll('~', '~0').replaceAll('/', '~1')).join('');
}

function toPosix(path: string): string {
  return path.split(sep).join(posix.sep);
}

async function listJsonFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

async function readSchemaFiles(root: string): Promise<Map<string, AnySchemaObject>> {
  const files = new Map<string, AnySchemaObject>();
  for (const absolute of await listJsonFiles(join(root, SCHEMAS_DIR))) {
    const file = toPosix(relative(root, absolute));
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(absolute, 'utf8'));
    } catch (error) {
      throw new RegistryLoadError(file, '', `not valid JSON (${(error as Error).message})`);
    }
    if (!isObject(parsed)) throw new RegistryLoadError(file, '', 'a schema file must hold a JSON object');
    if (typeof parsed.$id !== 'string') throw new RegistryLoadError(file, '/$id', 'missing $id');
    files.set(file, parsed);
  }
  return files;
}

/** Follows a local `#/components/...` reference inside the YAML document. */
function resolveLocalRef(document: JsonObject, ref: string, at: string): JsonObject {
  if (!ref.startsWith('#/')) throw new RegistryLoadError(REGISTRY_FILE, at, `expected a local reference, got '${ref}'`);
  let node: unknown = document;
  for (const raw of ref.slice(2).split('/')) {
    const token = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    node = isObject(node) && Object.hasOwn(node, token) ? node[token] : undefined;
  }
  if (!isObject(node)) throw new RegistryLoadError(REGISTRY_FILE, at, `reference '${ref}' does not resolve`);
  return node;
}

function requireString(node: JsonObject, key: string, at: string): string {
  const value = node[key];
  if (typeof value !== 'string' || value === '') {
    throw new RegistryLoadError(REGISTRY_FILE, at + pointerOf(key), `'${key}' must be a non-empty string`);
  }
  return value;
}

function readMessage(
  document: JsonObject,
  schemaFiles: ReadonlyMap<string, AnySchemaObject>,
  channelMessage: unknown,
  at: string,
): RegistryMessage {
  const ref = isObject(channelMessage) ? channelMessage.$ref : undefined;
  if (typeof ref !== 'string') throw new RegistryLoadError(REGISTRY_FILE, at, 'a channel message must be a $ref');
  const key = ref.split('/').pop() ?? '';
  const message = resolveLocalRef(document, ref, at);
  const messageAt = pointerOf('components', 'messages', key);
  const eventType = requireString(message, 'x-event-type', messageAt);
  const version = message['x-event-version'];
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new RegistryLoadError(REGISTRY_FILE, messageAt + '/x-event-version', 'must be an integer >= 1');
  }
  // A plain `$ref`, or the multi-format form `{ schemaFormat, schema: { $ref } }` (decision 0010).
  const payload = isObject(message.payload) ? message.payload : {};
  const payloadRef = isObject(payload.schema) ? payload.schema.$ref : payload.$ref;
  if (typeof payloadRef !== 'string') {
    throw new RegistryLoadError(
      REGISTRY_FILE,
      messageAt + '/payload',
      "payload must be { $ref: './schemas/<type>/<n>.json' }",
    );
  }
  const schemaFile = posix.normalize(payloadRef);
  const schema = schemaFiles.get(schemaFile);
  if (!schema)
    throw new RegistryLoadError(REGISTRY_FILE, messageAt + '/payload/$ref', `no schema file '${schemaFile}'`);
  return { key, eventType, version, schemaFile, schema };
}

/** Reads asyncapi.yaml and every schema file; checks only what the catalog needs. */
export async function loadRegistry(root: string = repoRoot): Promise<LoadedRegistry> {
  const text = await readFile(join(root, REGISTRY_FILE), 'utf8');
  const document: unknown = parseYaml(text);
  if (!isObject(document)) throw new RegistryLoadError(REGISTRY_FILE, '', 'not a YAML mapping');
  const schemaFiles = await readSchemaFiles(root);
  const channelNodes = isObject(document.channels) ? document.channels : {};
  const channels: RegistryChannel[] = [];
  for (const [key, channel] of Object.entries(channelNodes)) {
    const at = pointerOf('channels', key);
    if (!isObject(channel)) throw new RegistryLoadError(REGISTRY_FILE, at, 'a channel must be a mapping');
    const orderingKey = channel['x-ordering-key'];
    if (orderingKey !== undefined && orderingKey !== 'aggregateId') {
      throw new RegistryLoadError(REGISTRY_FILE, at + '/x-ordering-key', "must be 'aggregateId' or absent");
    }
    const messageNodes = isObject(channel.messages) ? channel.messages : {};
    const messages = Object.entries(messageNodes).map(([messageKey, node]) =>
      readMessage(document, schemaFiles, node, at + pointerOf('messages', messageKey)),
    );
    const description = channel.summary ?? channel.description;
    channels.push({
      key,
      eventType: requireString(channel, 'address', at),
      aggregateType: requireString(channel, 'x-aggregate-type', at),
      orderingKey: orderingKey === 'aggregateId' ? 'aggregateId' : null,
      compatibility: typeof channel['x-compatibility'] === 'string' ? channel['x-compatibility'] : 'BACKWARD',
      ...(typeof description === 'string' && { description }),
      messages,
    });
  }
  return { root, document, channels, schemaFiles };
}

/** One ajv instance holding every schema file, so cross-file `$ref`s resolve by `$id`. */
export function createRegistryAjv(schemaFiles: ReadonlyMap<string, AnySchemaObject>): Ajv {
  // allowUnionTypes: the registry uses `type: [X, "null"]` for nullable fields.
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  // ajv-formats is CommonJS; under NodeNext its default import is the module object.
  const addFormats = ajvFormats as unknown as typeof ajvFormats.default;
  addFormats(ajv);
  for (const schema of schemaFiles.values()) ajv.addSchema(schema);
  return ajv;
}

export function toValidationIssue(error: ErrorObject): ValidationIssue {
  return {
    instancePath: error.instancePath,
    schemaPath: error.schemaPath,
    keyword: error.keyword,
    message: error.message ?? `must pass "${error.keyword}"`,
    params: { ...error.params },
  };
}

export function toPayloadValidator(validate: ValidateFunction): PayloadValidator {
  return (payload) =>
    validate(payload) ? { valid: true } : { valid: false, issues: (validate.errors ?? []).map(toValidationIssue) };
}

function compileVersion(ajv: Ajv, message: RegistryMessage): EventVersionEntry {
  const schemaId = message.schema.$id as string;
  let validate: ValidateFunction | undefined;
  try {
    validate = ajv.getSchema(schemaId);
  } catch (error) {
    throw new RegistryLoadError(message.schemaFile, '', `does not compile: ${(error as Error).message}`);
  }
  if (!validate) throw new RegistryLoadError(message.schemaFile, '/$id', `schema '${schemaId}' not found`);
  return {
    version: message.version,
    schemaId,
    schemaFile: message.schemaFile,
    validate: toPayloadValidator(validate),
  };
}

/** The catalog the runtime consumes, built from the registry at `root` with validators compiled now. */
export async function loadRegistryCatalog(root: string = repoRoot): Promise<EventCatalog> {
  const registry = await loadRegistry(root);
  const ajv = createRegistryAjv(registry.schemaFiles);
  const events: Record<string, EventTypeEntry> = {};
  for (const channel of registry.channels) {
    const versions: Record<number, EventVersionEntry> = {};
    for (const message of channel.messages) versions[message.version] = compileVersion(ajv, message);
    const versionNumbers = channel.messages.map((message) => message.version);
    if (versionNumbers.length === 0) {
      throw new RegistryLoadError(
        REGISTRY_FILE,
        pointerOf('channels', channel.key, 'messages'),
        'a channel needs at least one message',
      );
    }
    events[channel.eventType] = {
      eventType: channel.eventType,
      aggregateType: channel.aggregateType,
      topic: channel.eventType,
      orderingKey: channel.orderingKey,
      currentVersion: Math.max(...versionNumbers),
      versions,
      ...(channel.description !== undefined && { description: channel.description }),
    };
  }
  return { events };
}
