/**
 * The registry's documents as written (so `$ref`s keep their names): the AsyncAPI document and
 * every schema file a payload reaches, JSON or YAML, read through a `RegistrySource`. Resolves
 * `$ref`s relative to the referring file, locates JSON pointers as line and column, and gives
 * every file an effective `$id` (its own, else one derived from its path) so that ajv follows
 * the same references the types follow.
 */
import path from 'node:path';
import { parseDocument } from 'yaml';
import { SourceLocator } from './locate.js';
import { getAtPointer, escapeToken, splitPointer } from './pointer.js';
import type { RegistrySource } from './source.js';
import { displayPath, type RegistryDiagnostic } from './diagnostics.js';

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

/** A finding that stops one item (a ref, a file); the loader turns it into a diagnostic. */
export class RegistryProblem extends Error {
  constructor(readonly diagnostic: RegistryDiagnostic) {
    super(diagnostic.message);
  }
}

interface LoadedFile {
  text: string;
  data: unknown;
  /** The file's own `$id`, when it has an absolute one. */
  ownId?: string;
}

/** Scheme-qualified (`https:`, `urn:`, `file:`…); Windows drive letters are not schemes. */
const ABSOLUTE_URI = /^[A-Za-z][A-Za-z0-9+.-]+:/;

/** Base of the `$id`s derived from paths: `file:///<registry-relative path>`. */
export const DERIVED_ID_BASE = 'file:///';

export class SchemaStore {
  private readonly files = new Map<string, LoadedFile>();
  private readonly locator = new SourceLocator();
  private readonly derivedIds = new Map<string, string>();

  /** `documentFile` is the AsyncAPI document: references from it are checked by file only. */
  constructor(
    readonly rootDir: string,
    readonly documentFile: string,
    readonly source: RegistrySource,
  ) {}

  /** Registry-relative path with forward slashes, e.g. 'schemas/user.created/1.json'. */
  relative(file: string): string {
    return path.relative(this.rootDir, file).split(path.sep).join('/');
  }

  /** Every schema file loaded so far (not the AsyncAPI document), sorted by registry-relative path. */
  loadedFiles(): Array<{ file: string; relativeFile: string; schema: JsonSchema; id: string }> {
    return [...this.files.keys()]
      .filter((file) => file !== this.documentFile && isObject(this.files.get(file)!.data))
      .map((file) => ({ file, relativeFile: this.relative(file), schema: this.files.get(file)!.data as JsonSchema, id: this.idOf(file) }))
      .sort((a, b) => compare(a.relativeFile, b.relativeFile));
  }

  /** A loaded file's document by its effective `$id` (e.g. a `RefLoader` for the Avro converter). */
  findById(id: string): unknown {
    for (const file of this.files.keys()) if (this.idOf(file) === id) return this.files.get(file)!.data;
    return undefined;
  }

  /** The effective `$id` of a loaded file: its own absolute `$id`, else derived from its path. */
  idOf(file: string): string {
    const own = this.files.get(file)?.ownId;
    if (own !== undefined) return own;
    let derived = this.derivedIds.get(file);
    if (derived === undefined) {
      derived = new URL(this.relative(file).split('/').map(encodeURIComponent).join('/'), DERIVED_ID_BASE).href;
      this.derivedIds.set(file, derived);
    }
    return derived;
  }

  /** `file` and every file its `$ref`s reach from `pointer`, transitively, sorted by relative path. */
  reachableFiles(file: string, pointer = ''): string[] {
    const seen = new Set<string>([file]);
    const queue: Array<{ file: string; pointer: string; schema: unknown }> = [{ file, pointer, schema: getAtPointer(this.load(file), pointer) }];
    const visited = new Set<string>();
    while (queue.length > 0) {
      const current = queue.shift()!;
      forEachRef(
        current.schema,
        (ref, at) => {
          const target = this.resolve(current.file, ref, at);
          if (visited.has(target.key)) return;
          visited.add(target.key);
          seen.add(target.file);
          queue.push({ file: target.file, pointer: target.pointer, schema: target.schema });
        },
        current.pointer,
      );
    }
    return [...seen].sort((a, b) => compare(this.relative(a), this.relative(b)));
  }

  /** The parsed content of a file (JSON, or YAML for other extensions). Throws `RegistryProblem`. */
  load(file: string): unknown {
    return this.entry(file).data;
  }

  /** The text of a loaded file. */
  text(file: string): string {
    return this.entry(file).text;
  }

  private entry(file: string): LoadedFile {
    const cached = this.files.get(file);
    if (cached) return cached;
    const display = displayPath(file);
    let text: string;
    try {
      text = this.source.readText(file);
    } catch (error) {
      throw new RegistryProblem({
        file: display,
        code: 'file-unreadable',
        message: `cannot read the file: ${(error as Error).message}`,
        hint: 'check the path of the $ref that names it (relative to the referring file)',
      });
    }
    let data: unknown;
    const isJson = file.endsWith('.json');
    try {
      data = isJson ? JSON.parse(text) : parseYamlData(text);
    } catch (error) {
      throw new RegistryProblem({ file: display, code: 'file-syntax', message: `not valid ${isJson ? 'JSON' : 'YAML'}: ${(error as Error).message}` });
    }
    const entry: LoadedFile = { text, data };
    if (file !== this.documentFile && isObject(data) && data.$id !== undefined) {
      const id = data.$id;
      if (typeof id !== 'string' || !/^[A-Za-z][A-Za-z0-9+.-]*:[^\s*]*$/.test(id)) {
        // '*' is refused so that no '$id' can close the comment ajv writes its source URL into.
        throw new RegistryProblem({
          file: display,
          pointer: '/$id',
          code: 'schema-id',
          message: '"$id" must be an absolute URI without spaces or "*"',
          hint: 'write an absolute URI such as https://schemas.example.com/<type>/<n>.json, or remove "$id" to have it derived from the file path',
        });
      }
      entry.ownId = id;
    }
    this.files.set(file, entry);
    this.loadOrder.push(file);
    return entry;
  }

  /**
   * Resolves `ref` written in `fromFile` at pointer `at` (the pointer of the schema holding it,
   * from the file's root). The reference is first resolved as a URI against the base URI there
   * (the file's `$id` and embedded `$id`s on the way, as ajv does) and looked up among the loaded
   * documents, their embedded `$id`s and `#name` anchors; otherwise it names a file relative to
   * `fromFile`. Throws `RegistryProblem`.
   */
  resolve(fromFile: string, ref: string, at: string): ResolvedRef {
    const hash = ref.indexOf('#');
    const filePart = hash === -1 ? ref : ref.slice(0, hash);
    let pointer = hash === -1 ? '' : ref.slice(hash + 1);
    const fail = (code: string, message: string, hint?: string): never => {
      const where = `${at}/$ref`;
      throw new RegistryProblem({
        file: displayPath(fromFile),
        pointer: where,
        ...this.locate(fromFile, where),
        code,
        message: `$ref ${JSON.stringify(ref)}: ${message}`,
        ...(hint !== undefined && { hint }),
      });
    };
    try {
      pointer = decodeURIComponent(pointer);
    } catch {
      fail('unresolved-ref', 'the fragment is not valid percent-encoding');
    }
    const byId = this.resolveById(fromFile, filePart, pointer, at);
    if (byId) {
      if (byId.schema === undefined || !(isObject(byId.schema) || typeof byId.schema === 'boolean')) {
        fail('unresolved-ref', `nothing (or no schema) at '${byId.pointer}' in ${this.relative(byId.file)}`);
      }
      return { file: byId.file, pointer: byId.pointer, key: `${this.relative(byId.file)}#${byId.pointer}`, schema: byId.schema as JsonSchema | boolean };
    }
    if (/^https?:/i.test(filePart)) {
      fail('remote-ref', 'remote reference: the registry reads no network', 'download the file next to the registry and reference it by relative path');
    }
    if (ABSOLUTE_URI.test(filePart)) fail('unresolved-ref', 'no loaded document has this URI as its $id', 'reference the file by a path relative to this file');
    if (pointer !== '' && !pointer.startsWith('/')) fail('unresolved-ref', `no '$id: "#${pointer}"' anchor found`, 'write a JSON pointer such as #/definitions/Name');
    const file = filePart === '' ? fromFile : path.resolve(path.dirname(fromFile), decodeURIComponent(filePart));
    let document: unknown;
    try {
      document = this.load(file);
    } catch (error) {
      if (!(error instanceof RegistryProblem) || error.diagnostic.code !== 'file-unreadable') throw error;
      fail('unresolved-ref', `cannot read ${this.relative(file)}: ${error.diagnostic.message.replace(/^cannot read the file: /, '')}`, 'check the path: it is relative to the file the $ref is written in');
    }
    if (filePart !== '' && fromFile !== this.documentFile) this.checkIdAgreement(fromFile, filePart, file, fail);
    const schema = getAtPointer(document, pointer);
    if (schema === undefined || !(isObject(schema) || typeof schema === 'boolean')) {
      fail('unresolved-ref', `nothing (or no schema) at '${pointer}' in ${this.relative(file)}`);
    }
    return { file, pointer, key: `${this.relative(file)}#${pointer}`, schema: schema as JsonSchema | boolean };
  }

  /** The base URI in effect at `pointer` of `file`: its effective `$id`, changed by embedded `$id`s (not beside a `$ref`). */
  baseAt(file: string, pointer: string): string {
    let base = this.idOf(file);
    let node: unknown = this.load(file);
    let tokens: string[];
    try {
      tokens = splitPointer(pointer);
    } catch {
      tokens = [];
    }
    for (const token of tokens) {
      node = isObject(node) || Array.isArray(node) ? (node as Record<string, unknown>)[token] : undefined;
      if (isObject(node) && typeof node.$id === 'string' && node.$ref === undefined) base = joinUri(node.$id, base) ?? base;
    }
    return base;
  }

  /** A reference found by URI among the loaded documents (root ids, embedded ids, anchors). */
  private resolveById(fromFile: string, filePart: string, fragment: string, at: string): { file: string; pointer: string; schema: unknown } | undefined {
    if (fromFile === this.documentFile && filePart !== '') return undefined;
    let base: string;
    try {
      base = this.baseAt(fromFile, at);
    } catch {
      return undefined;
    }
    const target = joinUri(filePart, base);
    if (target === undefined) return undefined;
    const resource = this.findResource(target);
    if (!resource) return undefined;
    if (fragment === '' || fragment.startsWith('/')) {
      const pointer = `${resource.pointer}${fragment}`;
      return { file: resource.file, pointer, schema: getAtPointer(this.load(resource.file), pointer) };
    }
    const anchor = this.findResource(`${target}#${fragment}`);
    return anchor ? { file: anchor.file, pointer: anchor.pointer, schema: getAtPointer(this.load(anchor.file), anchor.pointer) } : undefined;
  }

  /**
   * The loaded document or embedded schema whose (resolved) `$id` is `uri` ('#name' for anchors).
   * Looked up in an index of the loaded files, extended by each file loaded since the last lookup
   * in load order, its root id before its embedded ones: the first match a scan of the files in
   * that order would find (scanning every file for every `$ref` was quadratic in the registry).
   */
  private findResource(uri: string): { file: string; pointer: string } | undefined {
    for (; this.indexedFiles < this.loadOrder.length; this.indexedFiles += 1) {
      const file = this.loadOrder[this.indexedFiles]!;
      if (file === this.documentFile) continue;
      const add = (key: string, pointer: string): void => {
        if (!this.resources.has(key)) this.resources.set(key, { file, pointer });
      };
      add(stripHash(this.idOf(file)), '');
      for (const [key, pointer] of this.embeddedIds(file)) add(key, pointer);
    }
    return this.resources.get(uri);
  }

  /** `findResource`'s index: URI → where; `indexedFiles` of the loaded files are in it. */
  private readonly resources = new Map<string, { file: string; pointer: string }>();
  private indexedFiles = 0;
  /** The keys of `files`, in load order. */
  private readonly loadOrder: string[] = [];

  private readonly embedded = new Map<string, { root: string; ids: Map<string, string> }>();

  /** Embedded `$id`s (and `#name` anchors) of a file, resolved against their parents: uri → pointer. */
  private embeddedIds(file: string): Map<string, string> {
    const root = this.idOf(file);
    const cached = this.embedded.get(file);
    if (cached && cached.root === root) return cached.ids;
    const ids = new Map<string, string>();
    const walk = (schema: unknown, pointer: string, base: string): void => {
      if (!isObject(schema)) return;
      let here = base;
      if (typeof schema.$id === 'string' && schema.$ref === undefined && pointer !== '') {
        if (schema.$id.startsWith('#')) ids.set(`${stripHash(base)}${schema.$id}`, pointer);
        else {
          here = joinUri(schema.$id, base) ?? base;
          ids.set(stripHash(here), pointer);
        }
      }
      forEachChild(schema, (child, childPointer) => walk(child, `${pointer}${childPointer}`, here));
    };
    walk(this.load(file), '', root);
    this.embedded.set(file, { root, ids });
    return ids;
  }

  /**
   * ajv follows `$id`s, the types follow files: both must reach the same file. A file without an
   * `$id` takes the one its first referrer implies.
   */
  private checkIdAgreement(fromFile: string, filePart: string, file: string, fail: (code: string, message: string, hint?: string) => never): void {
    const expectedId = new URL(filePart, this.idOf(fromFile)).href;
    const target = this.files.get(file)!;
    if (target.ownId === undefined) {
      if (!this.derivedIds.has(file) || file === this.documentFile) {
        if (file !== this.documentFile) {
          this.derivedIds.set(file, expectedId);
          // A file's id is settled before the index reads it; should that ever change, re-index.
          this.resources.clear();
          this.indexedFiles = 0;
        }
        return;
      }
    }
    const actual = this.idOf(file);
    if (actual !== expectedId) {
      fail(
        'ref-id-mismatch',
        `the file's $id is ${JSON.stringify(actual)} but the reference resolves to ${JSON.stringify(expectedId)} by $id`,
        `give ${this.relative(file)} the "$id" ${JSON.stringify(expectedId)} (or make the referring file's $id agree with its path)`,
      );
    }
  }

  /** 1-based line and column of `pointer` in `file` (the deepest node reached), when the file is loaded. */
  locate(file: string, pointer: string): { line?: number; column?: number } {
    const entry = this.files.get(file);
    return entry ? this.locator.locate(entry.text, pointer) : {};
  }
}

/** YAML data (aliases expanded), or a thrown error naming the first syntax problem. */
export function parseYamlData(text: string): unknown {
  const document = parseDocument(text, { uniqueKeys: false });
  if (document.errors.length > 0) throw new Error(document.errors[0]!.message);
  return document.toJS({ maxAliasCount: 1000 });
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const stripHash = (uri: string): string => uri.replace(/#.*$/, '');

/** `reference` resolved against `base` (fragment removed), or undefined when it is no URI there. */
function joinUri(reference: string, base: string): string | undefined {
  try {
    return stripHash(new URL(reference, base).href);
  } catch {
    return undefined;
  }
}

/** The direct subschemas of a schema, with their pointer relative to it. */
function forEachChild(schema: Record<string, unknown>, visit: (child: unknown, pointer: string) => void): void {
  for (const keyword of SCHEMA_KEYWORDS) if (isObject(schema[keyword])) visit(schema[keyword], `/${keyword}`);
  for (const keyword of SCHEMA_ARRAY_KEYWORDS) {
    const list = schema[keyword];
    if (Array.isArray(list)) list.forEach((item, index) => visit(item, `/${keyword}/${index}`));
  }
  for (const keyword of SCHEMA_MAP_KEYWORDS) {
    const map = schema[keyword];
    if (isObject(map)) for (const [key, item] of Object.entries(map)) visit(item, `/${keyword}/${escapeToken(key)}`);
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const SCHEMA_KEYWORDS = ['items', 'additionalItems', 'additionalProperties', 'contains', 'propertyNames', 'not', 'if', 'then', 'else'];
const SCHEMA_ARRAY_KEYWORDS = ['allOf', 'anyOf', 'oneOf', 'items'];
const SCHEMA_MAP_KEYWORDS = ['properties', 'patternProperties', 'definitions', '$defs', 'dependencies'];

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
      for (const [key, item] of Object.entries(map)) forEachSubschema(item, visit, `${at}/${keyword}/${escapeToken(key)}`);
    }
  }
}

/** Calls `visit` for every `$ref` in `schema` (any depth), with the JSON pointer of its schema. */
export function forEachRef(schema: unknown, visit: (ref: string, at: string) => void, at = ''): void {
  forEachSubschema(
    schema,
    (subschema, pointer) => {
      if (typeof subschema.$ref === 'string') visit(subschema.$ref, pointer);
    },
    at,
  );
}
