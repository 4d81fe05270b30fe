/**
 * `loadRegistry()`: the one way to read a registry. Validates the AsyncAPI document with
 * @asyncapi/parser, reads the model (`read.ts`), checks the payload schemas with ajv, and either
 * returns the model or throws one `RegistryError` carrying every problem found.
 */
import path from 'node:path';
import { isError, RegistryError, sortDiagnostics, displayPath, type RegistryDiagnostic } from './diagnostics.js';
import { checkSchemas, type KeepCompiled } from './ajv.js';
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

function validateCached(
  model: RegistryModel,
  file: string,
  text: string,
  source: RegistrySource,
  /** A parse of the same `file` and `text` started before the reader ran (see `earlyParse`). */
  early?: Promise<RegistryDiagnostic[]>,
): Promise<RegistryDiagnostic[]> {
  const key = [file, text, ...model.store.loadedFiles().map((loaded) => `${loaded.file}\0${model.store.text(loaded.file)}`)].join('\0\0');
  let result = validated.get(key);
  if (!result) {
    result = early ?? validateAsyncApi(file, text, source);
    validated.set(key, result);
    if (validated.size > 64) validated.delete(validated.keys().next().value!);
    documentsValidated.add(`${file}\0${text}`);
  }
  return result;
}

/** `file\0text` of the documents in `validated` (or once were): their next parse is likely served from it. */
const documentsValidated = new Set<string>();

/**
 * For a registry on disk, whose parse runs in the worker thread (decision 0165): the document is
 * read and sent to the parser before the reader runs, so that the parse overlaps the reader too.
 * `validateCached` uses it only when the reader then loads the same text; a document parsed
 * before in this process (likely served from the cache) is not sent. Guarded callers run the
 * guard before `loadRegistry`, so nothing reaches the parser before the guard has passed it.
 */
function earlyParse(file: string, source: RegistrySource): { text: string; parse: Promise<RegistryDiagnostic[]> } | undefined {
  if ((source.constructor as unknown) !== DiskSource) return undefined;
  let text: string;
  try {
    text = source.readText(file);
  } catch {
    return undefined;
  }
  if (documentsValidated.has(`${file}\0${text}`)) return undefined;
  const parse = validateAsyncApi(file, text, source);
  parse.catch(() => undefined);
  return { text, parse };
}

/** Everything the loader finds, without throwing for registry problems. */
export async function inspectRegistry(options: LoadOptions = {}): Promise<InspectResult> {
  return (await inspectWhileParsing(options, () => undefined)).result;
}

/**
 * `inspectRegistry`, running `meanwhile` on the model while @asyncapi/parser works (in its worker
 * thread for a registry on disk, decision 0165). The ajv checks run during the parse too. Both
 * only start when the reader found no error, and what they give counts only when the parser
 * finds none either: the findings are those of the steps one after another (reader, parser,
 * schema checks), and `meanwhile` sees a registry that would have loaded. Its value (or what it
 * threw) is held until then; `ran` says whether it counts.
 */
async function inspectWhileParsing<T>(options: LoadOptions, meanwhile: (model: RegistryModel) => T, keep?: KeepCompiled): Promise<{ result: InspectResult; ran: boolean; value?: T; failure?: { error: unknown } }> {
  const file = path.resolve(options.file ?? DEFAULT_REGISTRY_FILE);
  const source = options.source ?? new DiskSource();
  const early = options.validate !== false ? earlyParse(file, source) : undefined;
  const { model, diagnostics } = readRegistry({ file, source });
  const found = [...diagnostics];
  const readable = !found.some((d) => d.code === 'file-unreadable' && d.file === displayPath(file));
  let parsing: Promise<RegistryDiagnostic[]> | undefined;
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
      parsing = validateCached(model, file, text, source, early?.text === text ? early.parse : undefined).then((findings) =>
        findings.filter((d) => {
          const where = `${d.file}\0${d.pointer ?? ''}`;
          return !known.has(where) && !remote.some((prefix) => where.startsWith(prefix));
        }),
      );
      // Settled below; a rejection is not unhandled while the checks run.
      parsing.catch(() => undefined);
    }
  }
  // Meanwhile (what the parser's findings decide below): the schema checks, then `meanwhile`.
  const speculate = !found.some(isError);
  const runSchemaChecks = (): RegistryDiagnostic[] => checkSchemas(model, { strict: options.strict === true, ...(keep && { keep }) });
  const schemaFindings = speculate && options.schemas !== false ? attempt(runSchemaChecks) : undefined;
  let outcome: { value?: T; failure?: { error: unknown } } | undefined;
  if (speculate && !(schemaFindings && (schemaFindings.failure || schemaFindings.value!.some(isError)))) {
    // Warnings as far as known now; the final list replaces them below.
    model.warnings = sortDiagnostics([...found, ...(schemaFindings?.value ?? [])]).filter((d) => !isError(d));
    outcome = attempt(() => meanwhile(model));
    if (outcome.value instanceof Promise) outcome.value.catch(() => undefined);
  }
  if (parsing) found.push(...(await parsing));
  let ran = false;
  if (!found.some(isError)) {
    if (schemaFindings) {
      if (schemaFindings.failure) throw schemaFindings.failure.error;
      found.push(...schemaFindings.value!);
    } else if (options.schemas !== false) {
      found.push(...runSchemaChecks());
    }
    ran = outcome !== undefined && !found.some(isError);
  }
  const sorted = sortDiagnostics(found);
  const errors = sorted.filter(isError);
  const warnings = sorted.filter((d) => !isError(d));
  model.warnings = warnings;
  return { result: { model, diagnostics: sorted, errors, warnings }, ran, ...(ran && outcome) };
}

function attempt<T>(action: () => T): { value?: T; failure?: { error: unknown } } {
  try {
    return { value: action() };
  } catch (error) {
    return { failure: { error } };
  }
}

/** The registry model; throws `RegistryError` listing every error when there is any. */
export async function loadRegistry(options: LoadOptions = {}): Promise<RegistryModel> {
  return (await loadRegistryWhileParsing(options, () => undefined)).model;
}

/**
 * `loadRegistry`, with `meanwhile(model)` run while the parser works (see `inspectWhileParsing`):
 * it runs only when the registry loads, and gives the same value or throws the same error as when
 * run after `loadRegistry` returned — except that when the registry has errors, `RegistryError`
 * is thrown whatever `meanwhile` did.
 */
export async function loadRegistryWhileParsing<T>(
  options: LoadOptions,
  meanwhile: (model: RegistryModel) => T,
  /** The generator's: keep each payload's strict compile for its standalone validator (decision 0166). */
  keep?: KeepCompiled,
): Promise<{ model: RegistryModel; value: T }> {
  const { result, ran, value, failure } = await inspectWhileParsing(options, meanwhile, keep);
  if (result.errors.length > 0) throw new RegistryError(displayPath(path.resolve(options.file ?? DEFAULT_REGISTRY_FILE)), result.errors);
  if (!ran) return { model: result.model, value: meanwhile(result.model) };
  if (failure) throw failure.error;
  return { model: result.model, value: value as T };
}
