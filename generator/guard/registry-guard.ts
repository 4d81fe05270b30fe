/**
 * The pre-parse guard: reads the AsyncAPI document and every file its `$ref`s reach, with the
 * registry's own bounded readers, and refuses what would hurt the parser, the resolvers or the
 * generated code — before any of them runs:
 * - a `$ref` with a scheme (`http:`, `https:`, `file:` …) or a network path: the registry is
 *   read offline, no request is ever made;
 * - a `$ref` that leaves the registry root (`..`, absolute paths, percent-encoded dots, symlinks);
 * - files, totals, nesting, combinator nesting and YAML aliases beyond `RegistryLimits`;
 * - `$ref` cycles that no data consumes (A → B → A, an `allOf` loop): reported with their path;
 * - `pattern`s a linear-time engine cannot run.
 * It is synchronous and touches only files inside the root.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseDocument, visit } from 'yaml';
import { DEFAULT_REGISTRY_LIMITS, RegistryGuardError, type RegistryGuardCode, type RegistryLimits } from './limits.js';
import { PATTERN_HINT, unsupportedPatternReason } from './patterns.js';

export interface GuardOptions {
  /** Registry root every `$ref` must stay inside; default the document's folder. */
  root?: string;
  limits?: Partial<RegistryLimits>;
  /**
   * Reads a file inside the root (e.g. from a git ref); returns undefined when it does not exist.
   * Default: the file system, refusing files over `maxFileBytes` before reading them.
   */
  read?: (absolutePath: string) => string | undefined;
  /** How a file is named in messages; default relative to the working directory. */
  display?: (absolutePath: string) => string;
}

export interface GuardReport {
  /** Registry-relative paths of the files read, sorted. */
  files: string[];
  bytes: number;
  refs: number;
}

/** Keywords whose subschemas apply to parts of the instance: a cycle through them is recursion over data. */
const CONSUMING = new Set([
  'properties', 'patternProperties', 'additionalProperties', 'items', 'additionalItems', 'prefixItems',
  'contains', 'propertyNames', 'unevaluatedProperties', 'unevaluatedItems',
]);
/** Keywords whose content is not evaluated against the instance where it sits. */
const NOT_EVALUATED = new Set(['definitions', '$defs', 'examples', 'default', 'enum', 'const']);
const COMBINATORS = new Set(['anyOf', 'oneOf', 'allOf', 'not', 'if', 'then', 'else']);
const SCHEMA_VALUED = ['items', 'additionalItems', 'additionalProperties', 'contains', 'propertyNames', 'not', 'if', 'then', 'else'];
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'items'];
const SCHEMA_MAPS = ['properties', 'patternProperties', 'definitions', '$defs', 'dependencies'];

interface RefSite {
  /** Pointer segments of the object holding the `$ref`. */
  segments: string[];
  /** Index of the first segment after the last consuming / not-evaluated keyword on the path. */
  inPlaceFrom: number;
  ref: string;
}

interface LoadedFile {
  file: string;
  data: unknown;
  refs: RefSite[];
}

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/** Throws RegistryGuardError on the first problem; returns what it read. */
export function guardRegistry(inputFile: string, options: GuardOptions = {}): GuardReport {
  const limits: RegistryLimits = { ...DEFAULT_REGISTRY_LIMITS, ...options.limits };
  const document = path.resolve(inputFile);
  const root = path.resolve(options.root ?? path.dirname(document));
  const realRoot = realPath(root);
  const show = options.display ?? ((file: string): string => displayPath(file));
  const fail = (code: RegistryGuardCode, file: string, pointer: string | undefined, message: string): never => {
    throw new RegistryGuardError({ file: show(file), ...(pointer !== undefined && { pointer }), code, message });
  };
  const read =
    options.read ??
    ((file: string): string | undefined => {
      let size: number;
      try {
        const stat = statSync(file);
        if (!stat.isFile()) return undefined;
        size = stat.size;
      } catch {
        return undefined;
      }
      if (size > limits.maxFileBytes) {
        fail('file-too-large', file, undefined, `the file is ${size} bytes; a registry file may have at most ${limits.maxFileBytes}`);
      }
      return readFileSync(file, 'utf8');
    });

  const loaded = new Map<string, LoadedFile>();
  let totalBytes = 0;
  let totalRefs = 0;
  const queue: string[] = [document];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (loaded.has(file)) continue;
    const text = read(file);
    if (text === undefined) continue; // missing: the parser and resolvers report it
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > limits.maxFileBytes) {
      fail('file-too-large', file, undefined, `the file is ${bytes} bytes; a registry file may have at most ${limits.maxFileBytes}`);
    }
    totalBytes += bytes;
    if (totalBytes > limits.maxTotalBytes) {
      fail('registry-too-large', file, undefined, `the registry's files add up to more than ${limits.maxTotalBytes} bytes`);
    }
    if (loaded.size + 1 > limits.maxFiles) {
      fail('too-many-files', file, undefined, `the registry reaches more than ${limits.maxFiles} files`);
    }
    const data = parseBounded(file, text, limits, fail);
    const refs = scan(file, data, limits, fail, file !== document);
    totalRefs += refs.length;
    if (totalRefs > limits.maxRefs) fail('too-many-refs', file, undefined, `the registry holds more than ${limits.maxRefs} $refs`);
    loaded.set(file, { file, data, refs });
    for (const site of refs) {
      const target = targetFile(file, site, root, realRoot, fail);
      if (target !== file && !loaded.has(target)) queue.push(target);
    }
  }
  assertNoInPlaceCycle(loaded, root, realRoot, fail, (file) => relativeTo(root, file));
  return {
    files: [...loaded.keys()].map((file) => relativeTo(root, file)).sort(),
    bytes: totalBytes,
    refs: totalRefs,
  };
}

type Fail = (code: RegistryGuardCode, file: string, pointer: string | undefined, message: string) => never;

function parseBounded(file: string, text: string, limits: RegistryLimits, fail: Fail): unknown {
  const trimmed = text.trimStart();
  try {
    if (file.endsWith('.json') || trimmed.startsWith('{') || trimmed.startsWith('[')) {
      try {
        return JSON.parse(text) as unknown;
      } catch (error) {
        if (error instanceof RangeError) throw error;
        if (file.endsWith('.json')) return undefined; // malformed JSON: reported downstream
      }
    }
    const parsed = parseDocument(text, { strict: false, uniqueKeys: false });
    if (parsed.errors.length > 0) return undefined; // a YAML syntax error: the parser reports it
    let aliases = 0;
    visit(parsed, {
      Alias() {
        aliases += 1;
        return aliases > limits.maxYamlAliases ? visit.BREAK : undefined;
      },
    });
    if (aliases > limits.maxYamlAliases) {
      fail('yaml-aliases', file, undefined, `the document uses more than ${limits.maxYamlAliases} YAML aliases (*name); write the values out`);
    }
    try {
      return parsed.toJS({ maxAliasCount: limits.maxYamlAliases });
    } catch (error) {
      if (error instanceof ReferenceError && /alias/i.test(error.message)) {
        fail('yaml-aliases', file, undefined, `YAML aliases would expand this document beyond the limit (${error.message})`);
      }
      throw error;
    }
  } catch (error) {
    if (error instanceof RangeError) {
      fail('too-deep', file, undefined, `the file nests too deeply to read (at most ${limits.maxDepth} levels)`);
    }
    throw error;
  }
}

/** How the keys of an object are read: as keywords, as names (of properties, definitions), or as data. */
type Mode = 'keyword' | 'names' | 'data';
const MAP_KEYWORDS = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependencies', 'dependentSchemas']);
const DATA_KEYWORDS = new Set(['examples', 'default', 'enum', 'const']);

/** One pass over a file: depth, combinator depth, `$ref` sites (anywhere: resolvers follow them all); patterns in schema files. */
function scan(file: string, data: unknown, limits: RegistryLimits, fail: Fail, schemaFile: boolean): RefSite[] {
  const refs: RefSite[] = [];
  const stack: Array<{ value: unknown; segments: string[]; combinators: number; inPlaceFrom: number; mode: Mode }> = [
    { value: data, segments: [], combinators: 0, inPlaceFrom: 0, mode: 'keyword' },
  ];
  while (stack.length > 0) {
    const { value, segments, combinators, inPlaceFrom, mode } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (segments.length >= limits.maxDepth) {
      fail('too-deep', file, pointerOf(segments), `objects and arrays nest more than ${limits.maxDepth} levels deep`);
    }
    if (Array.isArray(value)) {
      const itemMode: Mode = mode === 'data' ? 'data' : 'keyword';
      value.forEach((item, index) =>
        stack.push({ value: item, segments: [...segments, String(index)], combinators, inPlaceFrom, mode: itemMode }),
      );
      continue;
    }
    const object = value as Record<string, unknown>;
    if (typeof object.$ref === 'string') refs.push({ segments, inPlaceFrom, ref: object.$ref });
    for (const [key, child] of Object.entries(object)) {
      if (child === null || typeof child !== 'object') continue;
      const next = [...segments, key];
      const keyword = mode === 'keyword';
      const isCombinator = keyword && COMBINATORS.has(key);
      if (isCombinator && combinators + 1 > limits.maxCombinatorDepth) {
        fail(
          'combinators-too-deep',
          file,
          pointerOf(next),
          `anyOf/oneOf/allOf/not/if/then/else nest more than ${limits.maxCombinatorDepth} levels deep; flatten the schema or name the parts with $ref`,
        );
      }
      const terminates = keyword && (CONSUMING.has(key) || NOT_EVALUATED.has(key));
      const childMode: Mode =
        mode === 'data' ? 'data' : mode === 'names' ? 'keyword' : MAP_KEYWORDS.has(key) ? 'names' : DATA_KEYWORDS.has(key) ? 'data' : 'keyword';
      stack.push({
        value: child,
        segments: next,
        combinators: combinators + (isCombinator ? 1 : 0),
        // Below a consuming keyword a $ref is in place only from the subschema it sits in.
        inPlaceFrom: terminates ? next.length + (MAP_KEYWORDS.has(key) ? 1 : 0) : inPlaceFrom,
        mode: childMode,
      });
    }
  }
  if (schemaFile) checkPatterns(file, data, fail);
  return refs;
}

function checkPatterns(file: string, schema: unknown, fail: Fail, segments: string[] = [], depth = 0): void {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema) || depth > 256) return;
  const object = schema as Record<string, unknown>;
  const refuse = (at: string[], pattern: string, reason: string): never =>
    fail('pattern-unsupported', file, pointerOf(at), `pattern ${JSON.stringify(pattern)} is refused: ${reason}; ${PATTERN_HINT}`);
  if (typeof object.pattern === 'string') {
    const reason = unsupportedPatternReason(object.pattern);
    if (reason !== undefined) refuse([...segments, 'pattern'], object.pattern, reason);
  }
  const patternProperties = object.patternProperties;
  if (patternProperties !== null && typeof patternProperties === 'object' && !Array.isArray(patternProperties)) {
    for (const key of Object.keys(patternProperties)) {
      const reason = unsupportedPatternReason(key);
      if (reason !== undefined) refuse([...segments, 'patternProperties', key], key, reason);
    }
  }
  for (const keyword of SCHEMA_VALUED) {
    if (!Array.isArray(object[keyword])) checkPatterns(file, object[keyword], fail, [...segments, keyword], depth + 1);
  }
  for (const keyword of SCHEMA_LISTS) {
    const list = object[keyword];
    if (Array.isArray(list)) list.forEach((item, index) => checkPatterns(file, item, fail, [...segments, keyword, String(index)], depth + 1));
  }
  for (const keyword of SCHEMA_MAPS) {
    const map = object[keyword];
    if (map !== null && typeof map === 'object' && !Array.isArray(map)) {
      for (const [key, item] of Object.entries(map)) checkPatterns(file, item, fail, [...segments, keyword, key], depth + 1);
    }
  }
}

/** The file a `$ref` names, checked: no scheme, no network path, inside the root. */
function targetFile(fromFile: string, site: RefSite, root: string, realRoot: string, fail: Fail): string {
  const at = pointerOf([...site.segments, '$ref']);
  const hash = site.ref.indexOf('#');
  const filePart = hash === -1 ? site.ref : site.ref.slice(0, hash);
  if (filePart === '') return fromFile;
  if (SCHEME.test(filePart) || filePart.startsWith('//') || filePart.startsWith('\\\\')) {
    fail(
      'remote-ref',
      fromFile,
      at,
      `$ref ${JSON.stringify(site.ref)} is refused: the registry is read offline, only relative file references inside it are allowed (no network request is made)`,
    );
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(filePart);
  } catch {
    return fail('bad-ref', fromFile, at, `$ref ${JSON.stringify(site.ref)} is not a valid URI reference`);
  }
  if (decoded.includes('\0')) fail('bad-ref', fromFile, at, `$ref ${JSON.stringify(site.ref)} holds a NUL character`);
  const target = path.resolve(path.dirname(fromFile), decoded);
  for (const [candidate, base] of [
    [path.resolve(path.dirname(fromFile), filePart), root],
    [target, root],
    [realPath(target), realRoot],
  ] as const) {
    if (!isInside(base, candidate)) {
      fail(
        'ref-outside-root',
        fromFile,
        at,
        `$ref ${JSON.stringify(site.ref)} leaves the registry folder ${displayPath(root)}; schemas must live inside it`,
      );
    }
  }
  return target;
}

/** Cycles of `$ref`s that evaluate in place (no property or item consumed in between) never end. */
function assertNoInPlaceCycle(
  loaded: Map<string, LoadedFile>,
  root: string,
  realRoot: string,
  fail: Fail,
  relative: (file: string) => string,
): void {
  // For every file: pointer → the $ref sites that evaluate in place when evaluation starts there.
  const successors = new Map<string, Map<string, RefSite[]>>();
  for (const { file, refs } of loaded.values()) {
    const byPointer = new Map<string, RefSite[]>();
    for (const site of refs) {
      for (let length = site.inPlaceFrom; length <= site.segments.length; length += 1) {
        const pointer = pointerOf(site.segments.slice(0, length));
        const list = byPointer.get(pointer) ?? [];
        list.push(site);
        byPointer.set(pointer, list);
      }
    }
    successors.set(file, byPointer);
  }
  const nodeKey = (file: string, pointer: string): string => `${file}#${pointer}`;
  const show = (key: string): string => {
    const hash = key.lastIndexOf('#');
    const pointer = key.slice(hash + 1);
    return `${relative(key.slice(0, hash))}${pointer === '' ? '' : `#${pointer}`}`;
  };
  const edges = (key: string): Array<{ target: string; site: RefSite; file: string }> => {
    const hash = key.lastIndexOf('#');
    const file = key.slice(0, hash);
    const sites = successors.get(file)?.get(key.slice(hash + 1)) ?? [];
    return sites.map((site) => {
      const refHash = site.ref.indexOf('#');
      const fragment = refHash === -1 ? '' : site.ref.slice(refHash + 1);
      let pointer = fragment;
      try {
        pointer = decodeURIComponent(fragment);
      } catch {
        // kept as written
      }
      const target = targetFile(file, site, root, realRoot, fail);
      return { target: nodeKey(target, pointer === '/' ? '' : pointer), site, file };
    });
  };
  const DONE = 2;
  const ACTIVE = 1;
  const state = new Map<string, number>();
  const starts = [...loaded.keys()].map((file) => nodeKey(file, ''));
  for (const { file, refs } of loaded.values()) for (const site of refs) starts.push(...edges(nodeKey(file, pointerOf(site.segments))).map((edge) => edge.target));
  for (const start of starts) {
    if (state.get(start) === DONE) continue;
    // Iterative depth-first search; `path` holds the active chain for the message.
    const path: Array<{ key: string; pending: ReturnType<typeof edges> }> = [{ key: start, pending: edges(start) }];
    state.set(start, ACTIVE);
    while (path.length > 0) {
      const top = path[path.length - 1]!;
      const edge = top.pending.pop();
      if (!edge) {
        state.set(top.key, DONE);
        path.pop();
        continue;
      }
      const seen = state.get(edge.target);
      if (seen === ACTIVE) {
        const from = path.findIndex((entry) => entry.key === edge.target);
        const chain = [...path.slice(from).map((entry) => entry.key), edge.target].map(show);
        fail(
          'ref-cycle',
          edge.file,
          pointerOf([...edge.site.segments, '$ref']),
          `$ref cycle that no property or item consumes (validation would never end): ${chain.join(' → ')}`,
        );
      }
      if (seen === DONE) continue;
      state.set(edge.target, ACTIVE);
      path.push({ key: edge.target, pending: edges(edge.target) });
    }
  }
}

function pointerOf(segments: readonly string[]): string {
  return segments.map((segment) => '/' + segment.replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

function isInside(base: string, candidate: string): boolean {
  const relative = path.relative(base, candidate);
  return relative === '' || (!relative.startsWith('..' + path.sep) && relative !== '..' && !path.isAbsolute(relative));
}

/** The real path of `file`, or of its deepest existing ancestor joined with the rest. */
function realPath(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    const parent = path.dirname(file);
    return parent === file ? file : path.join(realPath(parent), path.basename(file));
  }
}

/** Paths inside the working directory are shown relative to it, others absolute (as the parser's diagnostics are). */
function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

function relativeTo(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}

