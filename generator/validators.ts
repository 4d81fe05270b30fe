/**
 * Ahead-of-time validators: each event version's payload schema compiled by ajv into standalone
 * ESM code (draft-07, all errors, ajv-formats, strict mode off: the registry module lints
 * strictness), so nothing compiles a schema at run time.
 */
import type { Ajv, AnySchemaObject, ValidateFunction } from 'ajv';
import * as ajvStandalone from 'ajv/dist/standalone/index.js';
import { ValidatorCompileError } from './errors.js';
import type { EventVersionModel, RegistryModel } from './model.js';
import { createSchemaAjv, forAjv, unknownFormats } from '../registry/ajv.js';
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
    // `pattern`/`patternProperties` match with RE2 semantics: linear in the input (docs/security.md).
    code: { source: true, esm: true, lines: true, regExp: linearRegExp },
    ...(options.passFormats && { passFormats: options.passFormats }),
  });
}

const passFormatsCache = new WeakMap<object, string[]>();

/** Standalone ESM source of the validator for one event version (exports `validate`). */
export function compileStandaloneValidator(model: RegistryModel, version: EventVersionModel): string {
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
    // ESM modules are strict already; a directive after the imports would be a stray expression.
    return standaloneCode(ajv, validate).replace(/^"use strict";\n?/, '');
  } catch (error) {
    throw new ValidatorCompileError(version.schemaFile, (error as Error).message, { cause: error });
  }
}
