/**
 * `event-bus.config.json`: the settings `generate` and `check` share (decision 0092), so that a
 * consumer project that generates with its own output folder and runtime import gets a `check`
 * that compares against the same. Flags win over the file; the file wins over the defaults.
 *
 *   { "registry": "asyncapi.yaml", "out": "src/events", "runtimeImport": "@clone/event-bus/runtime" }
 *
 * Paths in the file are relative to the file. Unknown keys and wrong types are usage errors.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const PROJECT_CONFIG_FILE = 'event-bus.config.json';

export const DEFAULT_REGISTRY = 'asyncapi.yaml';
export const DEFAULT_OUT = 'generated';
export const DEFAULT_RUNTIME_IMPORT = '../runtime/index.js';
export const DEFAULT_LOCK = 'registry.lock.json';

/** The file's shape: every key optional. */
export interface ProjectConfigFile {
  /** The AsyncAPI document (its folder is the registry root holding schemas/ and the lock). */
  registry?: string;
  /** Output folder of `generate`, compared by `check`. */
  out?: string;
  /** Module specifier the generated code imports the runtime from, e.g. '@clone/event-bus/runtime'. */
  runtimeImport?: string;
  /** Released-versions lock, relative to the file (default: registry.lock.json beside the registry). */
  lock?: string;
  /** Convert payload schemas to Avro (default true). */
  avro?: boolean;
  /** Emit the runtime classes bound to the catalog (default true). */
  runtimeClasses?: boolean;
}

/** Settings resolved to absolute paths (what both verbs use). */
export interface ProjectSettings {
  /** The config file read, if any. */
  readonly file: string | undefined;
  readonly registry: string;
  readonly out: string;
  readonly runtimeImport: string;
  readonly lock: string;
  readonly avro: boolean;
  readonly runtimeClasses: boolean;
}

export class ProjectConfigError extends Error {
  readonly code = 'INVALID_PROJECT_CONFIG';
}

const KEYS: Readonly<Record<keyof ProjectConfigFile, 'string' | 'boolean'>> = {
  registry: 'string',
  out: 'string',
  runtimeImport: 'string',
  lock: 'string',
  avro: 'boolean',
  runtimeClasses: 'boolean',
};

/** Reads and checks a config file; throws ProjectConfigError naming the file and key. */
export function readProjectConfigFile(file: string): ProjectConfigFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ProjectConfigError(`${file}: cannot read it as JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ProjectConfigError(`${file}: must be a JSON object`);
  }
  for (const [key, value] of Object.entries(parsed)) {
    const expected = Object.hasOwn(KEYS, key) ? KEYS[key as keyof ProjectConfigFile] : undefined;
    if (expected === undefined) {
      throw new ProjectConfigError(`${file}: unknown key '${key}' (known: ${Object.keys(KEYS).join(', ')})`);
    }
    if (typeof value !== expected || (expected === 'string' && (value as string).trim() === '')) {
      throw new ProjectConfigError(`${file}: '${key}' must be a ${expected === 'string' ? 'non-empty string' : 'boolean'}`);
    }
  }
  return parsed as ProjectConfigFile;
}

/** Flags a verb was given; undefined = not given on the command line. */
export interface ProjectFlags {
  config?: string;
  registry?: string;
  out?: string;
  runtimeImport?: string;
  lock?: string;
  avro?: boolean;
  runtimeClasses?: boolean;
}

/**
 * Resolves the settings: `--config <file>` or `event-bus.config.json` in `cwd` (when it exists),
 * then flags over it. Flag paths are relative to `cwd`, file paths to the file.
 */
export function resolveProjectSettings(flags: ProjectFlags, cwd: string = process.cwd()): ProjectSettings {
  const explicit = flags.config !== undefined ? path.resolve(cwd, flags.config) : undefined;
  if (explicit !== undefined && !existsSync(explicit)) throw new ProjectConfigError(`${explicit}: no such config file`);
  const implicit = path.join(cwd, PROJECT_CONFIG_FILE);
  const file = explicit ?? (existsSync(implicit) ? implicit : undefined);
  const config = file ? readProjectConfigFile(file) : {};
  const base = file ? path.dirname(file) : cwd;
  const pick = (flag: string | undefined, key: 'registry' | 'out' | 'lock', fallback: string): string | undefined =>
    flag !== undefined ? path.resolve(cwd, flag) : config[key] !== undefined ? path.resolve(base, config[key]) : fallback;
  const registry = pick(flags.registry, 'registry', path.resolve(base, DEFAULT_REGISTRY))!;
  return {
    file,
    registry,
    out: pick(flags.out, 'out', path.resolve(base, DEFAULT_OUT))!,
    runtimeImport: flags.runtimeImport ?? config.runtimeImport ?? DEFAULT_RUNTIME_IMPORT,
    lock: pick(flags.lock, 'lock', path.join(path.dirname(registry), DEFAULT_LOCK))!,
    avro: flags.avro ?? config.avro ?? true,
    runtimeClasses: flags.runtimeClasses ?? config.runtimeClasses ?? true,
  };
}

/**
 * The settings of the verbs that take no `--config` of ours (`infra`, `schemas`, `docs`: their
 * `--config` is another file or absent): `event-bus.config.json` in `cwd` when it exists, else the
 * defaults. So every verb reads the registry the config names, whatever the file is called.
 */
export function implicitProjectSettings(cwd: string = process.cwd()): ProjectSettings {
  return resolveProjectSettings({}, cwd);
}
