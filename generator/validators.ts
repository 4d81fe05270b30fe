/**
 * Ahead-of-time validators: each event version's payload schema compiled by ajv into standalone
 * ESM code (draft-07, all errors, ajv-formats), so nothing compiles a schema at run time.
 */
import { Ajv, type AnySchemaObject, type ValidateFunction } from 'ajv';
import * as ajvFormats from 'ajv-formats';
import * as ajvStandalone from 'ajv/dist/standalone/index.js';
import { ValidatorCompileError } from './errors.js';
import type { EventVersionModel, RegistryModel } from './model.js';
import { linearRegExp } from './guard/patterns.js';

// ajv-formats and ajv's standalone module are CommonJS (`module.exports = fn`): under NodeNext
// their function is the namespace's `default`.
const addFormats = ajvFormats.default as unknown as (ajv: Ajv) => Ajv;
const standaloneCode = ajvStandalone.default as unknown as (ajv: Ajv, validate: ValidateFunction) => string;

/**
 * The ajv options every generated validator is compiled with (recorded in docs/generator.md).
 * `validateSchema: false` skips the meta-schema check per instance (it compiled the draft-07
 * meta-schema every time, most of the cost): `checkSchemaFiles` runs it once per file instead.
 */
export function createAjv(options: { validateSchema?: boolean } = {}): Ajv {
  const ajv = new Ajv({
    validateSchema: options.validateSchema ?? true,
    allErrors: true,
    // Presence checks use own properties only: `{}` has no 'constructor' property for a schema.
    ownProperties: true,
    strict: true,
    // Registry schemas carry `examples`, `x-*` annotations may appear in extensions; tuples are rare.
    strictTuples: false,
    // `pattern`/`patternProperties` match with RE2 semantics: linear in the input (docs/security.md).
    code: { source: true, esm: true, lines: true, regExp: linearRegExp },
  });
  addFormats(ajv);
  return ajv;
}

/** Checks every loaded schema file against the draft-07 meta-schema, once, with one ajv. */
export function checkSchemaFiles(model: RegistryModel): void {
  const ajv = createAjv();
  for (const { relativeFile, schema } of model.store.loadedFiles()) {
    if (!ajv.validateSchema(schema as AnySchemaObject)) {
      throw new ValidatorCompileError(relativeFile, `not a valid draft-07 schema: ${ajv.errorsText(ajv.errors)}`);
    }
  }
}

/** Standalone ESM source of the validator for one event version (exports `validate`); run `checkSchemaFiles` first. */
export function compileStandaloneValidator(model: RegistryModel, version: EventVersionModel): string {
  const ajv = createAjv({ validateSchema: false });
  try {
    // Only the files this payload reaches: validators stay independent of unrelated schemas.
    for (const schema of model.store.reachableFiles(version.schemaPath)) ajv.addSchema(schema as AnySchemaObject);
    const validate = ajv.getSchema(version.schemaId);
    if (!validate) throw new Error(`ajv does not know $id ${version.schemaId}`);
    // ESM modules are strict already; a directive after the imports would be a stray expression.
    return standaloneCode(ajv, validate).replace(/^"use strict";\n?/, '');
  } catch (error) {
    throw new ValidatorCompileError(version.schemaFile, (error as Error).message, { cause: error });
  }
}
