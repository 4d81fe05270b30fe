/**
 * `generate()`: the programmatic entry of the generator (the CLI's `generate` verb and the
 * compatibility check call it). parse → model → validators → render (laid out) → write or check.
 */
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildModel, type EventVersionModel, type RegistryModel } from './model.js';
import { GENERATED_HEADER, renderFiles } from './render.js';
import { compileStandaloneValidator, keepStandaloneSources } from './validators.js';
import { avroDefinitionPath, avroVersionExtension, serializeAvroSchema } from './avro/index.js';
import { loadRegistryWhileParsing } from '../registry/load.js';
import { RegistryError, RegistryProblem, type RegistryDiagnostic, type RegistryModel as Registry, type RegistrySource } from '../registry/index.js';
import { assertOutputPath, guardRegistry } from './guard/index.js';
import { escapeControlCharacters } from './guard/text.js';
import { renderWireDocument, WIRE_DOCUMENT_FILE } from './wire.js';

export * from './errors.js';
export type { RegistryModel, EventTypeModel, EventVersionModel, NamedDefinitionModel } from './model.js';
export { buildModel } from './model.js';
export { guardRegistry, RegistryGuardError, isRegistryGuardError, DEFAULT_REGISTRY_LIMITS, OutputPathError } from './guard/index.js';

export const DEFAULT_INPUT = 'asyncapi.yaml';
export const DEFAULT_OUT = 'generated';
export const DEFAULT_RUNTIME_IMPORT = '../runtime/index.js';

export interface GenerateOptions {
  /** AsyncAPI document; default 'asyncapi.yaml'. */
  input?: string;
  /** Output directory; default 'generated'. */
  out?: string;
  /** Folder every `$ref` must stay inside (docs/security.md); default the input's folder. */
  root?: string;
  /** Compare with what is on disk and write nothing. */
  check?: boolean;
  /** Module specifier generated code imports the runtime from; default '../runtime/index.js'. */
  runtimeImport?: string;
  /** Emit `EventPublisher`/`EventSubscriber` bound to the catalog (default true; the runtime must export those classes). */
  bindRuntimeClasses?: boolean;
  /**
   * Extra catalog fields per event version (e.g. `{ avroSchema }`), written as literals into the
   * version's catalog entry. Must be deterministic.
   */
  extendVersion?: (version: EventVersionModel, model: RegistryModel) => Record<string, unknown> | undefined;
  /**
   * Convert the versions of every event whose channel binding asks for a Pub/Sub schema
   * (`bindings.googlepubsub.schemaSettings`) to Avro: written to `avro/<type>/<n>.avsc` and to
   * the catalog's `avroSchema` (default true). There, a schema Avro cannot represent is an error;
   * elsewhere Avro plays no part.
   */
  avro?: boolean;
  /** ajv strict-mode findings in the payload schemas are errors (default: warnings). */
  strict?: boolean;
  /** Where the registry's files are read from (default: the disk). */
  source?: RegistrySource;
}

export interface GenerateResult {
  /** Every generated file, relative to `out`, sorted. */
  files: string[];
  /** Files written (or, with `check`, that would be): new or changed. */
  written: string[];
  /** With `check`: files missing, different or no longer generated. Without: files removed. */
  stale: string[];
  /** Registry findings that did not stop generation (ajv strict-mode lint, unknown formats, …). */
  warnings: RegistryDiagnostic[];
}

/** Renders the SDK for a registry as `relative path → formatted source`, writing nothing. */
export async function renderRegistry(
  options: Pick<GenerateOptions, 'input' | 'root' | 'out' | 'runtimeImport' | 'bindRuntimeClasses' | 'extendVersion' | 'avro' | 'strict' | 'source'> & {
    /** An already loaded registry (skips loading). */
    registry?: Registry;
  } = {},
): Promise<Map<string, string>> {
  if (!options.registry) return (await loadGuardedRegistry(options, (registry) => renderRegistry({ ...options, registry }))).value;
  const registry = options.registry;
  try {
    return await renderModel(buildModel(registry), options);
  } catch (error) {
    // A problem only the generator's walk reaches (e.g. a $ref no payload compiles through).
    if (error instanceof RegistryProblem) throw new RegistryError(error.diagnostic.file, [error.diagnostic]);
    throw error;
  }
}

/**
 * Hostile input is refused before the parser or any resolver runs (docs/security.md): the guard
 * reads the files on disk, so it runs for the disk source (a memory source is the caller's own).
 */
async function loadGuardedRegistry<T>(
  options: Pick<GenerateOptions, 'input' | 'root' | 'strict' | 'source'>,
  /** Run on the loaded registry; while @asyncapi/parser works when it can (decision 0165). */
  render: (registry: Registry) => T,
): Promise<{ model: Registry; value: T }> {
  const file = options.input ?? DEFAULT_INPUT;
  if (!options.source) guardRegistry(file, options.root !== undefined ? { root: options.root } : {});
  return loadRegistryWhileParsing({ file, ...(options.source && { source: options.source }), strict: options.strict === true }, render, keepStandaloneSources);
}

async function renderModel(
  model: RegistryModel,
  options: Pick<GenerateOptions, 'out' | 'runtimeImport' | 'bindRuntimeClasses' | 'extendVersion' | 'avro'>,
): Promise<Map<string, string>> {
  const standaloneCode = new Map<string, string>();
  const avroFiles = new Map<string, string>();
  const avroExtension = options.avro === false ? undefined : avroVersionExtension();
  const refs = { rootDir: model.rootDir, loadRef: (uri: string) => model.store.findById(uri) };
  for (const event of model.events) {
    // Avro only where the binding asks for a Pub/Sub schema; without one the topic carries plain JSON.
    const toAvro = event.pubsubSchema ? avroExtension : undefined;
    if (!toAvro) event.payloadEncoding = 'json';
    for (const version of event.versions) {
      standaloneCode.set(version.schemaKey, compileStandaloneValidator(model, version));
      if (toAvro) {
        const { avroSchema } = toAvro({ ...version, schema: version.schema }, refs);
        version.extras.avroSchema = avroSchema;
        avroFiles.set(avroDefinitionPath(version.eventType, version.version), serializeAvroSchema(avroSchema));
      }
      const extras = options.extendVersion?.(version, model);
      if (extras) Object.assign(version.extras, extras);
    }
  }
  const rendered = renderFiles(model, {
    runtimeImport: options.runtimeImport ?? DEFAULT_RUNTIME_IMPORT,
    bindRuntimeClasses: options.bindRuntimeClasses ?? true,
    standaloneCode,
  });
  // The templates and the code builder write laid-out code (decision 0130): no formatter runs.
  // ajv's standalone modules under validators/ keep ajv's own layout (`code.lines`, decision 0021).
  const formatted = new Map<string, string>(rendered);
  for (const [file, definition] of avroFiles) formatted.set(file, definition);
  // The wire contract for consumers without the SDK (decision 0090).
  formatted.set(
    WIRE_DOCUMENT_FILE,
    renderWireDocument({
      // Where plain-JSON payload schemas are, seen from the output folder (the wire document's home).
      // Without `out` (rendering only), the conventional layout: the output folder beside the registry.
      schemaBase:
        options.out === undefined
          ? '..'
          : path.relative(path.resolve(options.out), path.resolve(model.rootDir)).split(path.sep).join('/') || '.',
      title: model.title,
      version: model.version,
      events: model.events.map((event) => ({
        eventType: event.eventType,
        aggregateType: event.aggregateType,
        topic: event.topic,
        orderingKey: event.orderingKey,
        payloadEncoding: event.payloadEncoding,
        channelId: event.channelId,
        ...(event.title !== undefined && { title: event.title }),
        ...(event.description !== undefined && { description: event.description }),
        versions: event.versions.map((version) => ({
          version: version.version,
          messageId: version.messageId,
          schemaId: version.schemaId,
          schemaFile: version.schemaFile,
          ...(version.extras.avroSchema !== undefined && {
            avroSchema: version.extras.avroSchema,
            avroFile: avroDefinitionPath(version.eventType, version.version),
          }),
        })),
      })),
    }),
  );
  // Generated files stay text: control and bidi characters from schema text become \uXXXX.
  for (const [file, source] of formatted) formatted.set(file, escapeControlCharacters(source));
  return new Map([...formatted].sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0)));
}

export async function generate(options: GenerateOptions = {}): Promise<GenerateResult> {
  const out = path.resolve(options.out ?? DEFAULT_OUT);
  const { model: registry, value: rendering } = await loadGuardedRegistry(options, (loaded) => renderRegistry({ ...options, registry: loaded }));
  const files = await rendering;
  const warnings = registry.warnings;
  const existing = await listGeneratedFiles(out);
  const written: string[] = [];
  // Every path is checked to lie under `out` before anything is read or written.
  for (const file of files.keys()) assertOutputPath(out, file);
  for (const [file, source] of files) {
    const current = await readFile(path.join(out, file), 'utf8').catch(() => undefined);
    if (current !== source) written.push(file);
  }
  const extra = existing.filter((file) => !files.has(file));
  if (options.check) {
    return { files: [...files.keys()], written, stale: [...written, ...extra].sort(), warnings };
  }
  for (const file of written) {
    const target = assertOutputPath(out, file);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, files.get(file)!);
  }
  for (const file of extra) await rm(assertOutputPath(out, file));
  return { files: [...files.keys()], written, stale: extra, warnings };
}

/**
 * Files under `out` that the generator owns: sources carrying the generated header, and the
 * Avro definitions under avro/. Anything else a user put there is left alone (and not reported).
 */
async function listGeneratedFiles(out: string): Promise<string[]> {
  const entries = await readdir(out, { recursive: true, withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const absolute = path.join(entry.parentPath, entry.name);
    const relative = path.relative(out, absolute).split(path.sep).join('/');
    if ((relative.startsWith('avro/') && relative.endsWith('.avsc')) || relative === WIRE_DOCUMENT_FILE) {
      files.push(relative);
      continue;
    }
    if (!entry.name.endsWith('.ts')) continue;
    const head = await readFile(absolute, 'utf8').then((text) => text.slice(0, GENERATED_HEADER.length));
    if (head === GENERATED_HEADER) files.push(relative);
  }
  return files.sort();
}
