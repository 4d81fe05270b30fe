/**
 * `loadRegistry()`: the one way to read a registry. Validates the AsyncAPI document with
 * @asyncapi/parser, reads the model (`read.ts`), checks the payload schemas with ajv, and either
 * returns the model or throws one `RegistryError` carrying every problem found.
 */
import path from 'node:path';
import { isError, RegistryError, sortDiagnostics, displayPath, type RegistryDiagnostic } from './diagnostics.js';
import { checkSchemas } from './ajv.js';
import type { RegistryModel } from './model.js';
import { readRegistry } from './read.js';
import { DiskSource, type RegistrySource } from './source.js';
import { validateAsyncApi } from './validate.js';

export const DEFAULT_REGISTRY_FILE = 'asyncapi.yaml';

export interface LoadOptions {
  /** The AsyncAPI document; default 'asyncapi.yaml'. */
  file?: string;
  /** Where files are read from; default the disk. */
  source?: RegistrySource;
  /** Validate with @asyncapi/parser (default true). */
  validate?: boolean;
  /** Check the payload schemas with ajv (default true). */
  schemas?: boolean;
  /** ajv strict-mode findings are errors, not warnings. */
  strict?: boolean;
}

export interface InspectResult {
  model: RegistryModel;
  /** Errors and warnings, sorted. */
  diagnostics: RegistryDiagnostic[];
  errors: RegistryDiagnostic[];
  warnings: RegistryDiagnostic[];
}

/**
 * The parser's findings depend only on the texts of the files it reads (the ones the reader
 * loaded): the same texts are validated once per process.
 */
const validated = new Map<string, Promise<RegistryDiagnostic[]>>();

function validateCached(model: RegistryModel, file: string, text: string, source: RegistrySource): Promise<RegistryDiagnostic[]> {
  const key = [file, text, ...model.store.loadedFiles().map((loaded) => `${loaded.file}\0${model.store.text(loaded.file)}`)].join('\0\0');
  let result = validated.get(key);
  if (!result) {
    result = validateAsyncApi(file, text, source);
    validated.set(key, result);
    if (validated.size > 64) validated.delete(validated.keys().next().value!);
  }
  return result;
}

/** Everything the loader finds, without throwing for registry problems. */
export async function inspectRegistry(options: LoadOptions = {}): Promise<InspectResult> {
  const file = path.resolve(options.file ?? DEFAULT_REGISTRY_FILE);
  const source = options.source ?? new DiskSource();
  const { model, diagnostics } = readRegistry({ file, source });
  const found = [...diagnostics];
  const readable = !found.some((d) => d.code === 'file-unreadable' && d.file === displayPath(file));
  if (readable && options.validate !== false) {
    let text: string | undefined;
    try {
      text = model.store.text(file);
    } catch {
      text = undefined;
    }
    if (text !== undefined) {
      // The parser's view of a problem the reader already reported (e.g. a broken $ref) is a duplicate.
      const known = new Set(found.map((d) => `${d.file}\0${d.pointer ?? ''}`));
      // What the parser says about a payload whose remote reference was not fetched is noise.
      const remote = found.filter((d) => d.code === 'remote-ref').map((d) => `${d.file}\0${(d.pointer ?? '').replace(/(\/schema)?\/\$ref$/, '')}`);
      const parserFindings = (await validateCached(model, file, text, source)).filter((d) => {
        const where = `${d.file}\0${d.pointer ?? ''}`;
        return !known.has(where) && !remote.some((prefix) => where.startsWith(prefix));
      });
      found.push(...parserFindings);
    }
  }
  if (options.schemas !== false && !found.some(isError)) found.push(...checkSchemas(model, { strict: options.strict === true }));
  const sorted = sortDiagnostics(found);
  const errors = sorted.filter(isError);
  const warnings = sorted.filter((d) => !isError(d));
  model.warnings = warnings;
  return { model, diagnostics: sorted, errors, warnings };
}

/** The registry model; throws `RegistryError` listing every error when there is any. */
export async function loadRegistry(options: LoadOptions = {}): Promise<RegistryModel> {
  const result = await inspectRegistry(options);
  if (result.errors.length > 0) throw new RegistryError(displayPath(path.resolve(options.file ?? DEFAULT_REGISTRY_FILE)), result.errors);
  return result.model;
}
