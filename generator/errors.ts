import { EventBusError } from '../runtime/errors.js';

/** One finding about the registry: where it is and what is wrong (buf's shape). */
export interface RegistryDiagnostic {
  /** File the finding is in, relative to the working directory when possible. */
  file: string;
  /** JSON pointer into that file ('' for the root), when known. */
  pointer?: string;
  /** 1-based line and column, when known. */
  line?: number;
  column?: number;
  /** Rule or check id, e.g. the parser's 'asyncapi-document-resolved'. */
  code: string;
  message: string;
}

/** Base of every generator failure. */
export class GeneratorError extends EventBusError {}

/** The AsyncAPI document does not parse or does not validate; carries the parser's diagnostics. */
export class RegistryParseError extends GeneratorError {
  constructor(
    readonly file: string,
    readonly diagnostics: readonly RegistryDiagnostic[],
  ) {
    super(
      'REGISTRY_PARSE_FAILED',
      `${file} is not a valid AsyncAPI document (${diagnostics.length} error${diagnostics.length === 1 ? '' : 's'}):\n` +
        diagnostics.map(formatDiagnostic).join('\n'),
    );
  }
}

/** The document parses, but something the generator relies on is missing or inconsistent. */
export class RegistryModelError extends GeneratorError {
  constructor(readonly diagnostic: RegistryDiagnostic) {
    super('REGISTRY_INVALID', formatDiagnostic(diagnostic));
  }
}

/** A name derived from schema text cannot become an identifier, even after fixing. */
export class NamingError extends GeneratorError {
  constructor(
    readonly source: string,
    reason: string,
  ) {
    super('NAMING_FAILED', `Cannot derive an identifier from ${JSON.stringify(source)}: ${reason}`);
  }
}

/** ajv refused a schema while compiling its validator. */
export class ValidatorCompileError extends GeneratorError {
  constructor(
    readonly schemaFile: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super('VALIDATOR_COMPILE_FAILED', `${schemaFile}: cannot compile validator: ${reason}`, options);
  }
}

/** `file:line:col: message` when a position is known, `file#pointer: message` otherwise. */
export function formatDiagnostic(diagnostic: RegistryDiagnostic): string {
  const where =
    diagnostic.line !== undefined
      ? `${diagnostic.file}:${diagnostic.line}:${diagnostic.column ?? 1}`
      : diagnostic.pointer !== undefined
        ? `${diagnostic.file}#${diagnostic.pointer}`
        : diagnostic.file;
  const pointer = diagnostic.line !== undefined && diagnostic.pointer ? ` (at ${diagnostic.pointer})` : '';
  return `${where}: ${diagnostic.message}${pointer} [${diagnostic.code}]`;
}
