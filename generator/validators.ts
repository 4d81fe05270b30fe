/**
 * Ahead-of-time validators: each event version's payload schema compiled by ajv into standalone
 * ESM code (draft-07, all errors, ajv-formats, strict mode off: the registry module lints
 * strictness), so nothing compiles a schema at run time.
 */
import type { Ajv, AnySchemaObject, ValidateFunction } from 'ajv';
import * as ajvStandalone from 'ajv/dist/standalone/index.js';
import { ValidatorCompileError } from './errors.js';
import type { EventVersionModel, RegistryModel } from './model.js';
import { createSchemaAjv, forAjv, unknownFormats, type KeepCompiled } from '../registry/ajv.js';
import { linearRegExp } from './guard/patterns.js';

// ajv's standalone module is CommonJS (`module.exports = fn`): under NodeNext its function is the namespace's `default`.
const standaloneCode = ajvStandalone.default as unknown as (ajv: Ajv, validate: ValidateFunction) => string;

/**
 * The ajv options every generated validator is compiled with (recorded in docs/generator.md).
 * `validateSchema: false` skips the meta-schema check per instance (it compiled the draft-07
 * meta-schema every time, most of the cost): the registry loader runs it once per file instead.
 */
export function createAjv(options: { validateSchema?: boolean; passFormats?: Iterable<string> } = {}): Ajv {
  return createSchemaAjv({
    validateSchema: options.validateSchema ?? true,
    code: STANDALONE_CODE,
    ...(options.passFormats && { passFormats: options.passFormats }),
  });
}

/** `pattern`/`patternProperties` match with RE2 semantics: linear in the input (docs/security.md). */
const STANDALONE_CODE = { source: true, esm: true, lines: true, regExp: linearRegExp } as const;

/** Standalone sources the registry's schema checks compiled (decision 0166), by registry and payload `$id`. */
const kept = new WeakMap<object, Map<string, string>>();

/**
 * For `loadRegistry`'s schema checks: compile each payload once, strictly, with these code
 * options, and keep its standalone source. ajv's strict mode only refuses schemas; what it
 * compiles, it compiles to the same code as without it (the generator tests and `generated/` pin
 * the bytes), so the source is the one `compileStandaloneValidator` would write.
 */
export const keepStandaloneSources: KeepCompiled = {
  code: STANDALONE_CODE,
  compiled(registry, schemaId, ajv, validate) {
    let sources = kept.get(registry);
    if (!sources) kept.set(registry, (sources = new Map()));
    sources.set(schemaId, standaloneSource(ajv, validate));
  },
};

/** Whether the checks kept the source of this payload (for the tests). */
export function keptStandaloneSource(registry: object, schemaId: string): boolean {
  return kept.get(registry)?.has(schemaId) === true;
}

// ESM modules are strict already; a directive after the imports would be a stray expression.
const standaloneSource = (ajv: Ajv, validate: ValidateFunction): string => standaloneCode(ajv, validate).replace(/^"use strict";\n?/, '');

const passFormatsCache = new WeakMap<object, string[]>();

/** Standalone ESM source of the validator for one event version (exports `validate`). */
export function compileStandaloneValidator(model: RegistryModel, version: EventVersionModel): string {
  const compiled = version.payloadForm === 'none' ? undefined : kept.get(model.registry)?.get(version.schemaId);
  return compiled ?? compileStandaloneValidatorAfresh(model, version);
}

/** The same source, compiled in a fresh ajv here (what happens when the checks kept none). */
export function compileStandaloneValidatorAfresh(model: RegistryModel, version: EventVersionModel): string {
  let passFormats = passFormatsCache.get(model.registry);
  if (!passFormats) passFormatsCache.set(model.registry, (passFormats = [...unknownFormats(model.registry).keys()]));
  const ajv = createAjv({ validateSchema: false, passFormats });
  try {
    let validate: ValidateFunction | undefined;
    if (version.payloadForm === 'none') {
      validate = ajv.compile(true);
    } else {
      // Only the files this payload reaches: validators stay independent of unrelated schemas.
      for (const file of model.store.reachableFiles(version.schemaPath, version.schemaPointer)) {
        ajv.addSchema(forAjv(model.store.load(file)) as AnySchemaObject, model.store.idOf(file));
      }
      validate = ajv.getSchema(version.schemaId);
    }
    if (!validate) throw new Error(`ajv does not know $id ${version.schemaId}`);
    return standaloneSource(ajv, validate);
  } catch (error) {
    throw new ValidatorCompileError(version.schemaFile, (error as Error).message, { cause: error });
  }
}
