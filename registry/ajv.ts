/**
 * ajv for the user's schemas: draft-07, all errors, ajv-formats, strict mode off (valid draft-07
 * that ajv's strict mode dislikes still generates); strictness is a lint (`lintSchemas`), fatal
 * only with `--strict`. A format ajv-formats does not know passes every value, with a warning.
 */
import { Ajv, type AnySchemaObject, type Options, type ValidateFunction } from 'ajv';
import * as ajvFormats from 'ajv-formats';
import type { RegistryDiagnostic } from './diagnostics.js';
import { displayPath } from './diagnostics.js';
import type { RegistryModel } from './model.js';
import { forEachSubschema, isObject, RegistryProblem } from './schemas.js';
import { getAtPointer } from './pointer.js';
import { linearRegExp } from '../generator/guard/patterns.js';

// ajv-formats is CommonJS (`module.exports = fn`): under NodeNext its function is the namespace's `default`.
const addFormats = ajvFormats.default as unknown as (ajv: Ajv) => Ajv;

export interface SchemaAjvOptions {
  /** Check schemas against the draft-07 meta-schema when added (default true). */
  validateSchema?: boolean;
  /** ajv strict mode (default false: a lint, see `lintSchemas`). */
  strict?: boolean;
  /** Keep generated source for standalone code (the generator). */
  code?: Options['code'];
  /** Formats to accept without checking (those ajv-formats does not know). */
  passFormats?: Iterable<string>;
  /** Keywords to accept as annotations (the top-level keys of documents that hold schemas, not are one). */
  annotations?: Iterable<string>;
}

export function createSchemaAjv(options: SchemaAjvOptions = {}): Ajv {
  const ajv = new Ajv({
    validateSchema: options.validateSchema ?? true,
    allErrors: true,
    // Presence checks use own properties only: `{}` has no 'constructor' property for a schema.
    ownProperties: true,
    strict: options.strict ?? false,
    // Not a lint: the validators refuse NaN and ±Infinity (which no JSON carries) as numbers.
    strictNumbers: true,
    // Registry schemas carry `examples`, `x-*` annotations may appear in extensions; tuples are rare.
    strictTuples: false,
    ...(options.strict && { allowUnionTypes: true }),
    logger: false,
    // `pattern`/`patternProperties` on RE2 semantics everywhere a registry schema is compiled (docs/security.md).
    code: { regExp: linearRegExp, ...options.code },
  });
  addFormats(ajv);
  // draft-07 has no `id` keyword (draft-04's name for `$id`): an annotation like any unknown one.
  ajv.removeKeyword('id');
  for (const keyword of options.annotations ?? []) if (!ajv.getKeyword(keyword)) ajv.addKeyword(keyword);
  for (const format of options.passFormats ?? []) if (!isKnownFormat(ajv, format)) ajv.addFormat(format, true);
  return ajv;
}

let formatProbe: Ajv | undefined;

function isKnownFormat(ajv: Ajv, format: string): boolean {
  return Object.hasOwn(ajv.formats, format);
}

/** Formats the registry's schemas use that ajv-formats does not check. */
export function unknownFormats(model: RegistryModel): Map<string, { file: string; pointer: string }> {
  formatProbe ??= createSchemaAjv({ validateSchema: false });
  const unknown = new Map<string, { file: string; pointer: string }>();
  for (const { file, pointer, schema } of schemaRoots(model)) {
    forEachSubschema(schema, (subschema, at) => {
      const format = subschema.format;
      if (typeof format === 'string' && !isKnownFormat(formatProbe!, format) && !unknown.has(format)) {
        unknown.set(format, { file, pointer: `${pointer}${at}/format` });
      }
    });
  }
  return unknown;
}

/** Every schema file loaded, and every payload written inside the AsyncAPI document. */
export function schemaRoots(model: RegistryModel): Array<{ file: string; pointer: string; schema: unknown }> {
  const roots = model.store.loadedFiles().map(({ file, schema }) => ({ file, pointer: '', schema: schema as unknown }));
  for (const version of model.events.flatMap((event) => event.versions)) {
    if (version.payload.file === model.file) roots.push({ file: model.file, pointer: version.payload.pointer, schema: version.payload.schema });
  }
  return roots;
}

/**
 * For the generator (decision 0166): compile each payload in a fresh ajv with the generator's
 * code options, strictly, and hand over what compiled; `compiled` gets the ajv right after its one
 * compile, as the generator's own fresh compile would leave it.
 */
export interface KeepCompiled {
  code: NonNullable<Options['code']>;
  compiled: (model: RegistryModel, schemaId: string, ajv: Ajv, validate: ValidateFunction) => void;
}

/**
 * The schema checks every consumer shares: the draft-07 meta-schema, ajv compiling each payload
 * (errors), ajv's strict mode (warnings; errors with `strict`), formats passed through (warnings).
 * With `keep`, when every `$id` names one schema only (so that a payload compiles
 * the same alone as beside the others), the payloads are compiled one per fresh ajv, strictly,
 * and handed to `keep.compiled`. When all of them compile so, the shared strict compile below
 * would find nothing and is skipped; else it runs as without `keep`.
 */
export function checkSchemas(model: RegistryModel, options: { strict?: boolean; keep?: KeepCompiled } = {}): RegistryDiagnostic[] {
  const diagnostics: RegistryDiagnostic[] = [];
  const at = (file: string, pointer: string) => ({ file: displayPath(file), pointer, ...model.store.locate(file, pointer) });
  const formats = unknownFormats(model);
  for (const [format, where] of formats) {
    diagnostics.push({
      ...at(where.file, where.pointer),
      code: 'unknown-format',
      message: `format "${format}" is not checked: every string passes`,
      hint: 'use a format ajv-formats knows (date-time, email, uri, uuid, …) or a pattern',
      severity: 'warning',
    });
  }
  const meta = createSchemaAjv({ validateSchema: false });
  for (const { file, pointer, schema } of schemaRoots(model)) {
    if (!(isObject(schema) || typeof schema === 'boolean')) continue;
    if (!meta.validateSchema(schema as AnySchemaObject)) {
      diagnostics.push({
        ...at(file, pointer),
        code: 'schema-invalid',
        message: `not a valid draft-07 schema: ${meta.errorsText(meta.errors)}`,
        hint: 'fix the keyword the message names (see json-schema.org draft-07)',
      });
    }
  }
  if (diagnostics.some((d) => d.severity !== 'warning')) return diagnostics;
  const annotations = containerKeys(model);
  const versions = model.events.flatMap((event) => event.versions.map((version) => ({ event, version })));
  if (options.keep && idsNameOneSchema(model)) {
    let all = true;
    for (const { version } of versions) {
      const { payload } = version;
      if (payload.form === 'none') continue;
      try {
        const ajv = createSchemaAjv({ validateSchema: false, strict: true, passFormats: formats.keys(), annotations, code: options.keep.code });
        for (const file of model.store.reachableFiles(payload.file, payload.pointer)) {
          ajv.addSchema(forAjv(model.store.load(file)) as AnySchemaObject, model.store.idOf(file));
        }
        const validate = ajv.getSchema(payload.schemaId);
        if (validate) options.keep.compiled(model, payload.schemaId, ajv, validate);
        else all = false;
      } catch {
        all = false;
      }
    }
    if (all) return diagnostics;
  }
  /** Compiles the payloads of `entries` with one ajv; the findings, and the entries that failed. */
  const compile = (strict: boolean, entries: typeof versions): { found: RegistryDiagnostic[]; failed: typeof versions } => {
    // Compiled only to find what ajv refuses: its code is never run, so it is not optimised.
    const ajv = createSchemaAjv({ validateSchema: false, strict, passFormats: formats.keys(), annotations, code: { optimize: false } });
    const added = new Set<string>();
    const found: RegistryDiagnostic[] = [];
    const failed: typeof versions = [];
    for (const entry of entries) {
      const { event, version } = entry;
      const { payload } = version;
      try {
        for (const file of model.store.reachableFiles(payload.file, payload.pointer)) {
          const id = model.store.idOf(file);
          if (added.has(id)) continue;
          added.add(id);
          ajv.addSchema(forAjv(model.store.load(file)) as AnySchemaObject, id);
        }
        if (payload.form === 'none') continue;
        ajv.getSchema(payload.schemaId);
      } catch (error) {
        failed.push(entry);
        if (error instanceof RegistryProblem) {
          found.push(error.diagnostic);
          continue;
        }
        const message = (error as Error).message;
        found.push({
          ...at(payload.file, payload.pointer),
          code: strict ? 'schema-strict' : 'schema-compile',
          message: strict ? `ajv strict mode: ${message}` : `ajv cannot compile the payload of ${event.eventType} v${version.version}: ${message}`,
          ...(strict && !options.strict && { severity: 'warning' as const }),
          hint: strict ? 'valid draft-07, but ajv\'s strict mode would refuse it; fix it, or ignore this warning (fatal with --strict)' : 'fix the schema the message names',
        });
      }
    }
    return { found, failed };
  };
  // Strict mode only adds refusals to what ajv compiles, so a payload that compiles strictly
  // compiles: the plain compile runs for the ones strict mode refused (one compile per payload,
  // not two). Strict findings count only when nothing failed to compile.
  const lint = compile(true, versions);
  const errors = lint.failed.length === 0 ? [] : compile(false, lint.failed).found;
  diagnostics.push(...errors);
  if (!errors.some((d) => d.severity !== 'warning')) diagnostics.push(...lint.found);
  return diagnostics;
}

/**
 * Whether every `$id` in the registry's files names one schema: the files' effective ids are
 * distinct and no file holds an embedded `$id` or an anchor (looked for anywhere, data included:
 * a false alarm only costs the shared compile). Then ajv resolves a payload's references the same
 * in an ajv holding only the files it reaches as in one holding every file.
 */
function idsNameOneSchema(model: RegistryModel): boolean {
  const ids = new Set<string>();
  const files = [model.file, ...model.store.loadedFiles().map(({ file }) => file)];
  for (const file of files) {
    const id = model.store.idOf(file);
    if (ids.has(id)) return false;
    ids.add(id);
    let data: unknown;
    try {
      data = model.store.load(file);
    } catch {
      return false;
    }
    const stack: unknown[] = [data];
    while (stack.length > 0) {
      const value = stack.pop();
      if (value === null || typeof value !== 'object') continue;
      if (Array.isArray(value)) {
        for (const item of value) stack.push(item);
        continue;
      }
      const object = value as Record<string, unknown>;
      if ((value !== data && Object.hasOwn(object, '$id')) || Object.hasOwn(object, '$anchor') || Object.hasOwn(object, '$dynamicAnchor') || Object.hasOwn(object, '$recursiveAnchor')) return false;
      for (const key of Object.keys(object)) stack.push(object[key]);
    }
  }
  return true;
}

/** Keywords kept beside a `$ref`: annotations and the containers other `$ref`s point into. */
const KEPT_BESIDE_REF = new Set(['$ref', 'title', 'description', 'examples', 'default', '$comment', 'deprecated', 'readOnly', 'writeOnly', 'definitions', '$defs']);

const ajvCopies = new WeakMap<object, unknown>();

/**
 * The document as ajv should see it: draft-07 ignores every keyword beside a `$ref` (ajv 8
 * applies them), so validation keywords there are dropped. The same object when there is none.
 */
export function forAjv(document: unknown): unknown {
  if (document === null || typeof document !== 'object') return document;
  const cached = ajvCopies.get(document);
  if (cached !== undefined) return cached;
  const strip = (value: unknown, root: boolean): unknown => {
    if (Array.isArray(value)) {
      const items = value.map((item) => strip(item, false));
      return items.some((item, index) => item !== value[index]) ? items : value;
    }
    if (!isObject(value)) return value;
    let changed = false;
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (typeof value.$ref === 'string' && !KEPT_BESIDE_REF.has(key) && !(root && key === '$id') && key !== 'examples' && !key.startsWith('x-')) {
        changed = true;
        continue;
      }
      // Values of annotations are data, not schemas.
      const next = ['examples', 'default', 'const', 'enum'].includes(key) ? item : strip(item, false);
      if (next !== item) changed = true;
      copy[key] = next;
    }
    return changed ? copy : value;
  };
  const result = strip(document, true);
  ajvCopies.set(document, result);
  return result;
}

/**
 * Top-level keys of documents that hold schemas rather than being one (the AsyncAPI document, a
 * YAML file of named schemas): ajv compiles such a root when a payload points into it, and its
 * keys are not keywords to lint.
 */
export function containerKeys(model: RegistryModel): Set<string> {
  const keys = new Set<string>();
  const containers = new Set<string>([model.file]);
  for (const version of model.events.flatMap((event) => event.versions)) {
    if (version.payload.pointer !== '') containers.add(version.payload.file);
  }
  for (const file of containers) {
    let data: unknown;
    try {
      data = model.store.load(file);
    } catch {
      continue;
    }
    if (isObject(data) && !['type', 'properties', '$schema', 'definitions', 'allOf', 'anyOf', 'oneOf', '$ref'].some((key) => Object.hasOwn(data as object, key))) {
      for (const key of Object.keys(data)) keys.add(key);
    }
  }
  return keys;
}

export { getAtPointer };
