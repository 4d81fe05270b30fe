/**
 * The tests' view of the registry, read through the registry module (registry/), the one reader
 * of asyncapi.yaml and schemas/: what `generate` and `check` accept, the tests accept, and the
 * reverse. `loadRegistryCatalog` compiles every payload schema with ajv at test time.
 */
import { readdirSync } from 'node:fs';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AnySchemaObject, Ajv } from 'ajv';
import type { EventCatalog } from '../../runtime/index.js';
import {
  createSchemaAjv,
  loadRegistry as loadRegistryModel,
  registryCatalog,
  RegistryError,
  type RegistryModel,
} from '../../registry/index.js';

export { toPayloadValidator, toValidationIssue } from '../../registry/index.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const REGISTRY_FILE = 'asyncapi.yaml';
export const SCHEMAS_DIR = 'schemas';

/** The registry refuses to load: the registry module's error, with every problem. */
export const RegistryLoadError = RegistryError;

type JsonObject = Record<string, unknown>;

/** One message (event version) of the registry. */
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
  /** The asyncapi.yaml document as written. */
  readonly document: JsonObject;
  readonly channels: readonly RegistryChannel[];
  /** Every JSON file under schemas/ (read by the registry's store), registry-relative POSIX path → schema. */
  readonly schemaFiles: ReadonlyMap<string, AnySchemaObject>;
  readonly model: RegistryModel;
}

const models = new Map<string, Promise<RegistryModel>>();

/** The registry model at `root` (loaded once per root and process). */
export function loadRegistryModel$(root: string = repoRoot): Promise<RegistryModel> {
  let model = models.get(root);
  if (!model) {
    model = loadRegistryModel({ file: join(root, REGISTRY_FILE) });
    models.set(root, model);
    model.catch(() => models.delete(root));
  }
  return model;
}

/** The registry at `root` in the shape the convention tests read. */
export async function loadRegistry(root: string = repoRoot): Promise<LoadedRegistry> {
  const model = await loadRegistryModel$(root);
  const schemaFiles = new Map<string, AnySchemaObject>();
  const schemasDir = join(root, SCHEMAS_DIR);
  const listed = readdirSync(schemasDir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
  for (const file of listed) schemaFiles.set(relative(root, file).split(sep).join(posix.sep), model.store.load(file) as AnySchemaObject);
  return {
    root,
    document: model.store.load(model.file) as JsonObject,
    model,
    schemaFiles,
    channels: model.events.map((event) => ({
      key: event.channelId,
      eventType: event.eventType,
      aggregateType: event.aggregateType,
      orderingKey: event.orderingKey,
      compatibility: event.compatibility.mode,
      ...(event.description !== undefined && { description: event.description }),
      messages: event.versions.map((version) => ({
        key: version.messageId,
        eventType: version.eventType,
        version: version.version,
        schemaFile: version.payload.schemaFile,
        schema: version.payload.schema as AnySchemaObject,
      })),
    })),
  };
}

/** One ajv (the registry's settings) holding the given schemas, so cross-file `$ref`s resolve by `$id`. */
export function createRegistryAjv(schemaFiles: ReadonlyMap<string, AnySchemaObject>): Ajv {
  const ajv = createSchemaAjv();
  for (const schema of schemaFiles.values()) ajv.addSchema(schema);
  return ajv;
}

/** The catalog the runtime consumes, built from the registry at `root` with validators compiled now. */
export async function loadRegistryCatalog(root: string = repoRoot): Promise<EventCatalog> {
  return registryCatalog(await loadRegistryModel$(root));
}
