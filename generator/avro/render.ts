/**
 * Names and files for the Avro definitions the generator writes to generated/avro/, the exact
 * definition text Pub/Sub schema resources are created with, and the generator's catalog hook.
 */
import { join } from 'node:path';
import type { AvroRecordSchema } from './avro-schema.js';
import { jsonSchemaToAvro, type RefLoader } from './json-schema-to-avro.js';
import { pascalCase } from './naming.js';
import { indexSchemaDirectory } from './schema-dir-loader.js';

/** Namespace of every event payload record (reverse DNS of schemas.clone.dev). */
export const AVRO_NAMESPACE = 'dev.clone.events';

/** One event version as the generator knows it. */
export interface AvroDefinitionInput {
  readonly eventType: string;
  readonly version: number;
  /** The version's payload JSON Schema document. */
  readonly schema: unknown;
  /** Registry-relative file, named in errors when the schema has no `$id`. */
  readonly schemaFile: string;
}

export interface RenderAvroOptions {
  readonly loadRef: RefLoader;
  readonly namespace?: string;
}

export interface RenderedFile {
  /** Path relative to generated/. */
  readonly path: string;
  readonly content: string;
}

/**
 * Record name of an event type's payload: 'user.created' → 'UserCreated'. The same for every
 * version, because Avro schema resolution (and Pub/Sub revision checks) match records by name.
 */
export function avroRecordName(eventType: string): string {
  return pascalCase(eventType);
}

/** 'avro/user.created/2.avsc' (relative to generated/). */
export function avroDefinitionPath(eventType: string, version: number): string {
  return `avro/${eventType}/${version}.avsc`;
}

/** Converts one event version with the registry's naming rules. */
export function eventAvroSchema(input: AvroDefinitionInput, options: RenderAvroOptions): AvroRecordSchema {
  return jsonSchemaToAvro(input.schema, {
    name: avroRecordName(input.eventType),
    namespace: options.namespace ?? AVRO_NAMESPACE,
    loadRef: options.loadRef,
    schemaFile: input.schemaFile,
  });
}

/**
 * The definition text: 2-space JSON with a trailing newline. Key order is the converter's
 * (type, name, namespace, doc, fields / symbols / items / values, default, attributes), so the
 * same registry always renders byte-identical text.
 */
export function serializeAvroSchema(schema: AvroRecordSchema): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

/** One .avsc file per event version, sorted by path. */
export function renderAvroDefinitions(
  inputs: readonly AvroDefinitionInput[],
  options: RenderAvroOptions,
): RenderedFile[] {
  return inputs
    .map((input) => ({
      path: avroDefinitionPath(input.eventType, input.version),
      content: serializeAvroSchema(eventAvroSchema(input, options)),
    }))
    .sort((left, right) => (left.path < right.path ? -1 : left.path > right.path ? 1 : 0));
}

/**
 * For `generate({ extendVersion })`: adds each version's Avro schema to its catalog entry as
 * `avroSchema`, so the runtime codec and the schema sync read what generated/avro/ shows.
 * `$ref`s load through `model.loadRef` (the generator passes the registry's loaded files), else
 * schema files are indexed once per registry root (`<rootDir>/schemas`).
 */
export function avroVersionExtension(
  options: { namespace?: string; schemasDir?: (rootDir: string) => string } = {},
): (version: AvroDefinitionInput, model: { rootDir: string; loadRef?: RefLoader }) => { avroSchema: AvroRecordSchema } {
  const loaders = new Map<string, RefLoader>();
  return (version, model) => {
    const schemasDir = options.schemasDir?.(model.rootDir) ?? join(model.rootDir, 'schemas');
    let loadRef = model.loadRef ?? loaders.get(schemasDir);
    if (!loadRef) loaders.set(schemasDir, (loadRef = indexSchemaDirectory(schemasDir).loadRef));
    return {
      avroSchema: eventAvroSchema(version, {
        loadRef,
        ...(options.namespace !== undefined && { namespace: options.namespace }),
      }),
    };
  };
}
