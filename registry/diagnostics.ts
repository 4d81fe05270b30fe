/**
 * Findings about a registry, all of one shape (buf's): file, line, column, JSON pointer, rule id,
 * message and a hint saying how to fix it. The loader collects every finding before it fails.
 */
import path from 'node:path';
import { EventBusError } from '../runtime/errors.js';

export type Severity = 'error' | 'warning';

export interface RegistryDiagnostic {
  /** File the finding is in, relative to the working directory when possible. */
  file: string;
  /** JSON pointer into that file ('' for the root), when known. */
  pointer?: string;
  /** 1-based line and column, when known. */
  line?: number;
  column?: number;
  /** Rule or check id, e.g. the parser's 'asyncapi-document-resolved' or 'topic-id'. */
  code: string;
  message: string;
  /** How to fix it. */
  hint?: string;
  /** Default 'error'. */
  severity?: Severity;
}

/** `file:line:col: message (at pointer) [code]`, then the hint on its own line. */
export function formatDiagnostic(diagnostic: RegistryDiagnostic): string {
  const where =
    diagnostic.line !== undefined
      ? `${diagnostic.file}:${diagnostic.line}:${diagnostic.column ?? 1}`
      : diagnostic.pointer !== undefined
        ? `${diagnostic.file}#${diagnostic.pointer}`
        : diagnostic.file;
  const pointer = diagnostic.line !== undefined && diagnostic.pointer ? ` (at ${diagnostic.pointer})` : '';
  const severity = diagnostic.severity === 'warning' ? 'warning: ' : '';
  const hint = diagnostic.hint ? `\n  hint: ${diagnostic.hint}` : '';
  return `${where}: ${severity}${diagnostic.message}${pointer} [${diagnostic.code}]${hint}`;
}

export const isError = (diagnostic: RegistryDiagnostic): boolean => diagnostic.severity !== 'warning';

/** Sorted by file, line, column, pointer; duplicates removed. */
export function sortDiagnostics(diagnostics: readonly RegistryDiagnostic[]): RegistryDiagnostic[] {
  const seen = new Set<string>();
  const unique = diagnostics.filter((d) => {
    const key = `${d.file}\0${d.pointer ?? ''}\0${d.code}\0${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort(
    (a, b) =>
      compare(a.file, b.file) || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0) || compare(a.pointer ?? '', b.pointer ?? ''),
  );
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The registry is not usable: every error found, at once. */
export class RegistryError extends EventBusError {
  readonly diagnostics: readonly RegistryDiagnostic[];

  constructor(
    readonly file: string,
    diagnostics: readonly RegistryDiagnostic[],
    code = 'REGISTRY_INVALID',
  ) {
    const errors = diagnostics.filter(isError);
    super(
      code,
      `${file}: ${errors.length} problem${errors.length === 1 ? '' : 's'} in the registry:\n` +
        errors.map(formatDiagnostic).join('\n'),
    );
    this.diagnostics = errors;
  }

  /** The first error (for callers that show one). */
  get diagnostic(): RegistryDiagnostic {
    return this.diagnostics[0]!;
  }
}

/** Paths inside the working directory are shown relative to it, others absolute. */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}
