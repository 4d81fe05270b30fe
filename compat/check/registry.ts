/**
 * The registry as the check sees it, read through the registry module (registry/) on any source
 * (working tree or git ref): event types, their compatibility mode (`x-compatibility`, default
 * BACKWARD) and reason, and their versions with the payload schema file. Every problem the
 * registry module finds is a finding; the AsyncAPI parser and the schema lint run separately
 * (`asyncapi.ts`).
 */
import { relative, resolve } from 'node:path';
import { readRegistry, type RegistryDiagnostic, type RegistryModel } from '../../registry/index.js';
import type { TextSource } from '../diff/resolver.js';

export const ASYNCAPI_FILE = 'asyncapi.yaml';

export interface RegistryVersion {
  version: number;
  /** Registry-relative path of the payload schema. */
  file: string;
  /** Pointer of the message in asyncapi.yaml. */
  pointer: string;
}

export interface RegistryEventType {
  type: string;
  /** `x-compatibility` as written (validated by the check), default BACKWARD. */
  mode: string;
  modeDeclared: boolean;
  reason: string | undefined;
  /** `x-compatibility-policy` as written (STRICT or LENIENT), default STRICT. */
  policy: string;
  /** Pointer of the channel in asyncapi.yaml. */
  pointer: string;
  versions: RegistryVersion[];
}

export interface RegistryProblem {
  pointer: string;
  rule: 'REGISTRY_ENTRY_INVALID';
  message: string;
  /** Registry-relative file the problem is in (the registry document when absent). */
  file?: string;
  line?: number;
  column?: number;
}

export interface RegistryIndex {
  text: string;
  eventTypes: RegistryEventType[];
  problems: RegistryProblem[];
  /** Versions the schema diff cannot compare (payload not a schema file of its own). */
  skipped: string[];
  model: RegistryModel;
}

/**
 * Reads the registry document (`file`, absolute or relative to `root`; default asyncapi.yaml, any
 * name allowed); throws CompatInputError (file missing) from the source.
 */
export function readRegistryIndex(source: TextSource, root: string, file: string = ASYNCAPI_FILE): RegistryIndex {
  const asyncapiPath = resolve(root, file);
  const text = source.readText(asyncapiPath);
  const { model, diagnostics } = readRegistry({ file: asyncapiPath, source });
  const shown = registryDisplayName(root, asyncapiPath);
  const problems = diagnostics.filter((d) => d.severity !== 'warning').map((d) => toProblem(root, d, shown));
  const skipped: string[] = [];
  const eventTypes = model.events.map((event) => ({
    type: event.eventType,
    mode: event.compatibility.mode,
    modeDeclared: event.compatibility.declared,
    reason: event.compatibility.reason,
    policy: event.compatibility.policy,
    pointer: event.location.pointer,
    versions: event.versions.flatMap((version) => {
      if (version.payload.form !== 'file') {
        skipped.push(`${event.eventType} v${version.version}: not compared (its payload is written inside ${version.payload.schemaFile.split('#')[0]})`);
        return [];
      }
      return [{ version: version.version, file: version.payload.schemaFile, pointer: version.location.pointer }];
    }),
  }));
  eventTypes.sort((a, b) => a.type.localeCompare(b.type));
  return { text, eventTypes, problems, skipped, model };
}

/** How findings name the registry document: relative to the root (absolute when outside it). */
export function registryDisplayName(root: string, file: string): string {
  const rel = relative(root, resolve(root, file)).split('\\').join('/');
  return rel.startsWith('..') ? resolve(root, file) : rel;
}

function toProblem(root: string, diagnostic: RegistryDiagnostic, registryFile: string): RegistryProblem {
  const file = relative(root, resolve(diagnostic.file)).split('\\').join('/');
  return {
    pointer: diagnostic.pointer ?? '',
    rule: 'REGISTRY_ENTRY_INVALID',
    message: `${diagnostic.message} [${diagnostic.code}]${diagnostic.hint ? ` (hint: ${diagnostic.hint})` : ''}`,
    ...(file !== registryFile && { file: file.startsWith('..') ? diagnostic.file : file }),
    ...(diagnostic.line !== undefined && { line: diagnostic.line, column: diagnostic.column ?? 1 }),
  };
}
