/**
 * Loads schema documents and resolves `$ref`s: internal pointers ("#/definitions/X"), relative
 * cross-file refs ("../common/ids.json#/definitions/Uuid") resolved against the `$id` or the file,
 * embedded `$id`s and `$anchor`s. Reading files is the caller's job (a `TextSource`), so the same
 * resolver works on disk and on a registry read from a git ref.
 */
import { dirname, posix, resolve as resolvePath } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { CompatInputError } from '../errors.js';
import { isJsonObject, joinPointer, type JsonValue } from '../json.js';
import { parseJsonText } from '../parse.js';

/** Reads text files by absolute path; throws `CompatInputError` (COMPAT_FILE_MISSING) when absent. */
export interface TextSource {
  readText(absolutePath: string): string;
}

export interface SchemaDocument {
  /** Absolute path of the file. */
  path: string;
  /** Path shown to people (relative to the registry root, or as typed on the command line). */
  file: string;
  text: string;
  root: JsonValue;
  /** Base URI of the root: its `$id` resolved against the file URL. */
  base: string;
  /** The resolver that loaded it: `$ref`s inside resolve through the same source. */
  owner: SchemaResolver;
}

/** A schema value together with where it lives, so every finding can name file and pointer. */
export interface SchemaNode {
  value: JsonValue;
  doc: SchemaDocument;
  pointer: string;
  base: string;
}

interface IdTarget {
  doc: SchemaDocument;
  pointer: string;
}

export class SchemaResolver {
  private readonly byPath = new Map<string, SchemaDocument>();
  private readonly byFile = new Map<string, SchemaDocument>();
  private readonly byId = new Map<string, IdTarget>();
  /**
   * The ids each document declares itself. A `$ref` looks here first, so two documents that keep
   * the same `$id` (a file and its edited copy) each resolve to their own definitions.
   */
  private readonly ownIds = new Map<SchemaDocument, Map<string, IdTarget>>();
  /** `$ref` holder → the schema it finally names, so a diff resolves each `$ref` once. */
  private readonly refTargets = new WeakMap<object, SchemaNode>();

  constructor(
    private readonly source: TextSource,
    private readonly displayPath: (absolutePath: string) => string = (path) => path,
  ) {}

  /** Loads (once) the document at an absolute path. */
  load(absolutePath: string): SchemaDocument {
    const path = resolvePath(absolutePath);
    const cached = this.byPath.get(path);
    if (cached) return cached;
    const file = this.displayPath(path);
    const text = this.source.readText(path);
    const root = parseJsonText(text, file);
    if (typeof root !== 'boolean' && !isJsonObject(root)) {
      throw new CompatInputError('COMPAT_NOT_A_SCHEMA', file, 'not a schema: a JSON Schema is an object or a boolean');
    }
    const fileUrl = pathToFileURL(path).href;
    const base =
      isJsonObject(root) && typeof root.$id === 'string' ? safeUrl(root.$id, fileUrl, file, '/$id') : fileUrl;
    const doc: SchemaDocument = { path, file, text, root, base, owner: this };
    this.byPath.set(path, doc);
    this.byFile.set(file, doc);
    this.ownIds.set(doc, new Map());
    this.register(doc, stripFragment(fileUrl), { doc, pointer: '' });
    this.indexIds(doc, root, '', base);
    return doc;
  }

  /** The text of a loaded document, by its display path. */
  textOf(file: string): string | undefined {
    return this.byFile.get(file)?.text;
  }

  rootNode(absolutePath: string): SchemaNode {
    const doc = this.load(absolutePath);
    return { value: doc.root, doc, pointer: '', base: doc.base };
  }

  /**
   * Every document reached from `doc` through `$ref`s (transitively, `doc` excluded). Resolves
   * every `$ref` on the way, so a dangling one throws here rather than halfway through a diff.
   */
  closure(doc: SchemaDocument): SchemaDocument[] {
    const visited = new Set<string>([doc.path]);
    const out: SchemaDocument[] = [];
    const queue: SchemaDocument[] = [doc];
    while (queue.length > 0) {
      const current = queue.shift()!;
      for (const target of this.referencedDocuments(current)) {
        if (visited.has(target.path)) continue;
        visited.add(target.path);
        out.push(target);
        queue.push(target);
      }
    }
    return out;
  }

  private referencedDocuments(doc: SchemaDocument): SchemaDocument[] {
    const out: SchemaDocument[] = [];
    const visit = (node: SchemaNode): void => {
      const value = node.value;
      if (Array.isArray(value)) {
        value.forEach((_, index) => {
          const child = this.child(node, index);
          if (child) visit(child);
        });
        return;
      }
      if (!isJsonObject(value)) return;
      if (typeof value.$ref === 'string') out.push(this.deref(node).doc);
      for (const key of Object.keys(value)) {
        // enum/const/examples/default hold data, not schemas.
        if (key === 'enum' || key === 'const' || key === 'examples' || key === 'default') continue;
        const child = this.child(node, key);
        if (child) visit(child);
      }
    };
    visit({ value: doc.root, doc, pointer: '', base: doc.base });
    return out;
  }

  /** The node at a pointer of a loaded document (undefined when nothing is there). */
  nodeAtPointer(doc: SchemaDocument, pointer: string): SchemaNode | undefined {
    try {
      return this.nodeAt(doc, pointer, (reason) => new Error(reason));
    } catch {
      return undefined;
    }
  }

  /** The subschema under `tokens`, or undefined when it is absent. */
  child(node: SchemaNode, ...tokens: Array<string | number>): SchemaNode | undefined {
    let value: unknown = node.value;
    for (const token of tokens) {
      if (Array.isArray(value) && typeof token === 'number') value = value[token];
      else if (isJsonObject(value) && typeof token === 'string' && Object.prototype.hasOwnProperty.call(value, token))
        value = value[token];
      else return undefined;
    }
    if (value === undefined) return undefined;
    const json = value as JsonValue;
    const pointer = joinPointer(node.pointer, ...tokens);
    const base =
      isJsonObject(json) && typeof json.$id === 'string' && !json.$id.startsWith('#')
        ? safeUrl(json.$id, node.base, node.doc.file, pointer)
        : node.base;
    return { value: json, doc: node.doc, pointer, base };
  }

  /** Follows `$ref` (repeatedly) to the schema it names; draft-07: siblings of `$ref` are ignored. */
  deref(node: SchemaNode): SchemaNode {
    const start = node.value;
    if (!isJsonObject(start) || typeof start.$ref !== 'string') return node;
    // A schema object sits at one place in one document, so what it names is always the same.
    const known = this.refTargets.get(start);
    if (known) return known;
    let current = node;
    const seen = new Set<object>();
    while (isJsonObject(current.value) && typeof current.value.$ref === 'string') {
      if (seen.has(current.value)) {
        throw new CompatInputError(
          'COMPAT_REF_UNRESOLVED',
          current.doc.file,
          `$ref cycle without a schema in between`,
          {
            pointer: current.pointer,
          },
        );
      }
      seen.add(current.value);
      current = this.resolveRef(current, current.value.$ref);
    }
    this.refTargets.set(start, current);
    return current;
  }

  private resolveRef(node: SchemaNode, ref: string): SchemaNode {
    const refPointer = joinPointer(node.pointer, '$ref');
    const target = safeUrl(ref, node.base, node.doc.file, refPointer);
    const hash = target.indexOf('#');
    const documentUrl = hash < 0 ? target : target.slice(0, hash);
    const fragment = hash < 0 ? '' : decodeURIComponent(target.slice(hash + 1));
    const unresolved = (reason: string): CompatInputError =>
      new CompatInputError('COMPAT_REF_UNRESOLVED', node.doc.file, `cannot resolve $ref "${ref}": ${reason}`, {
        pointer: refPointer,
      });

    if (fragment !== '' && !fragment.startsWith('/')) {
      const anchored = this.lookup(node.doc, `${documentUrl}#${fragment}`);
      if (!anchored) throw unresolved(`no $anchor or $id named "${fragment}"`);
      return this.nodeAt(anchored.doc, anchored.pointer, unresolved);
    }
    let holder = this.lookup(node.doc, documentUrl);
    if (!holder) {
      const path = this.pathFor(documentUrl, node.doc);
      if (!path) throw unresolved(`no file is known for ${documentUrl}`);
      try {
        this.load(path);
      } catch (error) {
        if (error instanceof CompatInputError && error.code === 'COMPAT_FILE_MISSING') throw unresolved(error.message);
        throw error;
      }
      holder = this.lookup(node.doc, documentUrl) ?? { doc: this.load(path), pointer: '' };
    }
    return this.nodeAt(holder.doc, fragment === '' ? holder.pointer : holder.pointer + fragment, unresolved);
  }

  private nodeAt(doc: SchemaDocument, pointer: string, fail: (reason: string) => Error): SchemaNode {
    // The pointer is already URI-decoded (resolveRef): walk it token by token, from the root, so
    // that nested $id bases along the way are honoured (and "%25" is not decoded twice).
    let node: SchemaNode = { value: doc.root, doc, pointer: '', base: doc.base };
    const tokens = pointer === '' ? [] : pointer.slice(1).split('/');
    for (const raw of tokens) {
      const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      const next = this.child(node, Array.isArray(node.value) ? Number(token) : token);
      if (!next) throw fail(`${doc.file} has nothing at ${pointer}`);
      node = next;
    }
    return node;
  }

  /** Maps a document URL onto a file: file: URLs directly, `$id` URLs relative to a loaded document. */
  private pathFor(documentUrl: string, from: SchemaDocument): string | undefined {
    if (documentUrl.startsWith('file:')) return fileURLToPath(documentUrl);
    const candidates = [from, ...this.byPath.values()];
    const target = new URL(documentUrl);
    for (const doc of candidates) {
      if (doc.base.startsWith('file:')) continue;
      const id = new URL(doc.base);
      if (id.origin !== target.origin) continue;
      const relative = posix.relative(posix.dirname(id.pathname), target.pathname);
      return resolvePath(dirname(doc.path), ...relative.split('/'));
    }
    return undefined;
  }

  /** An id declared by the referring document itself wins over one declared elsewhere. */
  private lookup(from: SchemaDocument, key: string): IdTarget | undefined {
    return this.ownIds.get(from)?.get(key) ?? this.byId.get(key);
  }

  private register(doc: SchemaDocument, key: string, target: IdTarget): void {
    this.byId.set(key, target);
    this.ownIds.get(doc)?.set(key, target);
  }

  private indexIds(doc: SchemaDocument, value: JsonValue, pointer: string, base: string): void {
    if (Array.isArray(value)) {
      value.forEach((item, index) => this.indexIds(doc, item, joinPointer(pointer, index), base));
      return;
    }
    if (!isJsonObject(value)) return;
    let here = base;
    if (typeof value.$id === 'string') {
      if (value.$id.startsWith('#')) {
        this.register(doc, `${stripFragment(base)}${value.$id}`, { doc, pointer });
      } else {
        here = safeUrl(value.$id, base, doc.file, joinPointer(pointer, '$id'));
        this.register(doc, stripFragment(here), { doc, pointer });
      }
    }
    if (typeof value.$anchor === 'string')
      this.register(doc, `${stripFragment(here)}#${value.$anchor}`, { doc, pointer });
    for (const [key, child] of Object.entries(value)) {
      // enum/const/examples/default hold data, not schemas.
      if (key === 'enum' || key === 'const' || key === 'examples' || key === 'default') continue;
      this.indexIds(doc, child, joinPointer(pointer, key), here);
    }
  }
}

function stripFragment(url: string): string {
  const hash = url.indexOf('#');
  return hash < 0 ? url : url.slice(0, hash);
}

function safeUrl(ref: string, base: string, file: string, pointer: string): string {
  try {
    return new URL(ref, base).href;
  } catch {
    throw new CompatInputError('COMPAT_REF_UNRESOLVED', file, `"${ref}" is not a valid URI reference`, { pointer });
  }
}
