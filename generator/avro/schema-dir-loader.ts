/**
 * A RefLoader over a directory of JSON Schema files, indexed by `$id` (the registry's refs are
 * relative URIs resolved against `https://schemas.clone.dev/events/...`). The one module of the
 * Avro converter that reads files.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { RefLoader } from './json-schema-to-avro.js';

export interface SchemaDirectoryIndex {
  readonly loadRef: RefLoader;
  /** `$id` → file path relative to the directory's parent (e.g. 'schemas/common/ids.json'). */
  readonly files: ReadonlyMap<string, string>;
}

function listJsonFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** Reads every *.json under `schemasDir` once and serves them by `$id`. */
export function indexSchemaDirectory(schemasDir: string, displayRoot = join(schemasDir, '..')): SchemaDirectoryIndex {
  const documents = new Map<string, unknown>();
  const files = new Map<string, string>();
  for (const file of listJsonFiles(schemasDir)) {
    const document = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    const id = document !== null && typeof document === 'object' ? (document as { $id?: unknown }).$id : undefined;
    if (typeof id !== 'string') continue;
    documents.set(id, document);
    files.set(id, relative(displayRoot, file));
  }
  return {
    files,
    loadRef: (documentUri) => {
      if (!documents.has(documentUri)) throw new Error(`no schema file under ${schemasDir} has $id '${documentUri}'`);
      return documents.get(documentUri);
    },
  };
}
