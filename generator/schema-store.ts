/**
 * Loads the registry's JSON Schema files as written (so `$ref`s keep their names) and resolves
 * `$ref`s relative to the referring file. A `$ref` must reach the same schema by file path and by
 * `$id`, since the types follow files and ajv follows `$id`s.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RegistryModelError } from './errors.js';
import { displayPath } from './parse.js';

export type JsonSchema = Record<string, unknown>;

export interface ResolvedRef {
  /** Absolute file path of the target. */
  file: string;
  /** JSON pointer into that file ('' for the whole file). */
  pointer: string;
  /** Stable key: registry-relative file + '#' + pointer. */
  key: string;
  schema: JsonSchema | boolean;
}

export class SchemaStore {
  private readonly files = new Map<string, JsonSchema>();

  /** `documentFile` is the AsyncAPI document: references from it are checked by file only. */
  constructor(
    readonly rootDir: string,
    readonly documentFile: string,
  ) {}

  /** Registry-relative path with forward slashes, e.g. 'schemas/user.created/1.json'. */
  relative(file: string): string {
    return path.relative(this.rootDir, file).split(path.sep).join('/');
  }

  /** Every file loaded so far, sorted by registry-relative path. */
  loadedFiles(): Array<{ file: string; relativeFile: string; schema: JsonSchema }> {
    return [...this.files.entries()]
      .map(([file, schema]) => ({ file, relativeFile: this.relative(file), schema }))
      .sort((a, b) => (a.relativeFile < b.relativeFile ? -1 : a.relativeFile > b.relativeFile ? 1 : 0));
  }

  /** A loaded schema file by its `$id` (e.g. a `RefLoader` for the Avro converter), if loaded. */
  findById(id: string): JsonSchema | undefined {
    for (const schema of this.files.values()) if (schema.$id === id) return schema;
    return undefined;
  }

  /** `file` and every file its `$ref`s reach, transitively, sorted by relative path. */
  reachableFiles(file: string): JsonSchema[] {
    const seen = new Set<string>([file]);
    const queue = [file];
    while (queue.length > 0) {
      const current = queue.shift()!;
      forEachRef(this.load(current), (ref, at) => {
        const target = this.resolve(current, ref, at).file;
        if (!seen.has(target)) {
          seen.add(target);
          queue.push(target);
        }
      });
    }
    return [...seen].sort((a, b) => compare(this.relative(a), this.relative(b))).map((reached) => this.load(reached));
  }

  load(file: string): JsonSchema {
    const cached = this.files.get(file);
    if (cached) return cached;
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new RegistryModelError({ file: displayPath(file), code: 'schema-unreadable', message: (error as Error).message });
    }
    if (!isObject(parsed)) {
      throw new RegistryModelError({ file: displayPath(file), pointer: '', code: 'schema-not-object', message: 'a schema file must hold a JSON object' });
    }
    const id = parsed.$id;
    if (typeof id !== 'string' || !/^[A-Za-z][A-Za-z0-9+.-]*:[^\s*]*$/.test(id)) {
      // '*' is refused so that no '$id' can close the comment ajv writes its source URL into.
      throw new RegistryModelError({
        file: displayPath(file),
        pointer: '/$id',
        code: 'schema-id',
        message: 'a schema file needs an absolute "$id" URI without spaces or "*"',
      });
    }
    this.files.set(file, parsed);
    return parsed;
  }

  /** Resolves `ref` written in `fromFile`. */
  resolve(fromFile: string, ref: string, at: string): ResolvedRef {
    const hash = ref.indexOf('#');
    const filePart = hash === -1 ? ref : ref.slice(0, hash);
    const pointer = hash === -1 ? '' : decodeURIComponent(ref.slice(hash + 1));
    const fail = (message: string): never => {
      throw new RegistryModelError({ file: displayPath(fromFile), pointer: at, code: 'unresolved-ref', message: `$ref ${JSON.stringify(ref)}: ${message}` });
    };
    if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(filePart)) fail('only relative file references are supported');
    if (pointer !== '' && !pointer.startsWith('/')) fail('the fragment must be a JSON pointer');
    const file = filePart === '' ? fromFile : path.resolve(path.dirname(fromFile), filePart);
    if (filePart !== '' && fromFile !== this.documentFile) {
      const from = this.load(fromFile);
      const target = this.load(file);
      const expectedId = new URL(filePart, String(from.$id)).href;
      if (target.$id !== expectedId) {
        fail(`the file's $id is ${JSON.stringify(target.$id)} but the reference resolves to ${JSON.stringify(expectedId)} by $id`);
      }
    }
    const document = this.load(file);
    const schema = evaluatePointer(document, pointer);
    if (schema === undefined || !(isObject(schema) || typeof schema === 'boolean')) fail(`nothing (or no schema) at '${pointer}' in ${this.relative(file)}`);
    return { file, pointer, key: `${this.relative(file)}#${pointer}`, schema: schema as JsonSchema | boolean };
  }
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function evaluatePointer(document: unknown, pointer: string): unknown {
  if (pointer === '') return document;
  let current: unknown = document;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) current = current[Number(segment)];
    else if (isObject(current) && Object.hasOwn(current, segment)) current = current[segment];
    else return undefined;
  }
  return current;
}

const SCHEMA_KEYWORDS = ['items', 'additionalItems', 'additionalProperties', 'contains', 'propertyNames', 'not', 'if', 'then', 'else'];
const SCHEMA_ARRAY_KEYWORDS = ['allOf', 'anyOf', 'oneOf', 'items'];
const SCHEMA_MAP_KEYWORDS = ['properties', 'patternProperties', 'definitions', '$defs', 'dependencies'];

const pointerSegment = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** Calls `visit` for every subschema of `schema` (draft-07 keywords), itself included, with its pointer. */
export function forEachSubschema(schema: unknown, visit: (schema: JsonSchema, at: string) => void, at = ''): void {
  if (!isObject(schema)) return;
  visit(schema, at);
  for (const keyword of SCHEMA_KEYWORDS) {
    if (isObject(schema[keyword])) forEachSubschema(schema[keyword], visit, `${at}/${keyword}`);
  }
  for (const keyword of SCHEMA_ARRAY_KEYWORDS) {
    const list = schema[keyword];
    if (Array.isArray(list)) list.forEach((item, index) => forEachSubschema(item, visit, `${at}/${keyword}/${index}`));
  }
  for (const keyword of SCHEMA_MAP_KEYWORDS) {
    const map = schema[keyword];
    if (isObject(map)) {
      for (const [key, item] of Object.entries(map)) forEachSubschema(item, visit, `${at}/${keyword}/${pointerSegment(key)}`);
    }
  }
}

/** Calls `visit` for every `$ref` in `schema` (any depth), with the JSON pointer of its schema. */
export function forEachRef(schema: unknown, visit: (ref: string, at: string) => void): void {
  forEachSubschema(schema, (subschema, at) => {
    if (typeof subschema.$ref === 'string') visit(subschema.$ref, at);
  });
}
