/**
 * The bounds a registry must stay within before any parser, resolver or compiler sees it
 * (docs/security.md explains what each one defends). Every refusal names the file and the
 * JSON pointer, and carries a stable code.
 */
import { GeneratorError, formatDiagnostic, type RegistryDiagnostic } from '../errors.js';

export interface RegistryLimits {
  /** Bytes of one file (asyncapi.yaml or a schema file). */
  readonly maxFileBytes: number;
  /** Bytes of every file the registry reaches, together. */
  readonly maxTotalBytes: number;
  /** Files the registry reaches through `$ref`s, the AsyncAPI document included. */
  readonly maxFiles: number;
  /** `$ref`s in all those files together. */
  readonly maxRefs: number;
  /** Nesting of objects and arrays in one file. */
  readonly maxDepth: number;
  /** Nested `anyOf`/`oneOf`/`allOf`/`not`/`if`/`then`/`else` in one file (the AsyncAPI parser is exponential in it). */
  readonly maxCombinatorDepth: number;
  /** YAML alias nodes (`*name`) in one document; also bounds their expansion. */
  readonly maxYamlAliases: number;
}

export const DEFAULT_REGISTRY_LIMITS: RegistryLimits = Object.freeze({
  maxFileBytes: 1024 * 1024,
  maxTotalBytes: 16 * 1024 * 1024,
  maxFiles: 2000,
  maxRefs: 20_000,
  maxDepth: 64,
  maxCombinatorDepth: 10,
  maxYamlAliases: 100,
});

export type RegistryGuardCode =
  | 'file-too-large'
  | 'registry-too-large'
  | 'too-many-files'
  | 'too-many-refs'
  | 'too-deep'
  | 'combinators-too-deep'
  | 'yaml-aliases'
  | 'remote-ref'
  | 'ref-outside-root'
  | 'bad-ref'
  | 'ref-cycle'
  | 'pattern-unsupported';

/** The registry is refused before parsing: it is hostile or beyond the limits. */
export class RegistryGuardError extends GeneratorError {
  readonly diagnostic: RegistryDiagnostic;
  readonly guardCode: RegistryGuardCode;

  constructor(diagnostic: RegistryDiagnostic & { code: RegistryGuardCode }) {
    super('REGISTRY_REFUSED', formatDiagnostic(diagnostic));
    this.diagnostic = diagnostic;
    this.guardCode = diagnostic.code;
  }
}

export function isRegistryGuardError(error: unknown): error is RegistryGuardError {
  return error instanceof RegistryGuardError;
}
