/**
 * Step 1 of the flow: parse and validate the AsyncAPI document with @asyncapi/parser (once:
 * Spectral start-up costs about a second). Error diagnostics become one typed error.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Parser, DiagnosticSeverity, type AsyncAPIDocumentInterface, type Diagnostic } from '@asyncapi/parser';
import { RegistryParseError, type RegistryDiagnostic } from './errors.js';

export interface ParsedRegistry {
  /** Absolute path of the AsyncAPI document. */
  inputFile: string;
  /** The parser's model, with $refs resolved. */
  document: AsyncAPIDocumentInterface;
  /** The document as written (YAML/JSON data, $refs not resolved), to read payload $ref paths. */
  raw: unknown;
  /** Warnings and hints the parser reported (errors throw instead). */
  warnings: RegistryDiagnostic[];
}

let sharedParser: Parser | undefined;

export async function parseRegistry(inputFile: string): Promise<ParsedRegistry> {
  const absolute = path.resolve(inputFile);
  let source: string;
  try {
    source = await readFile(absolute, 'utf8');
  } catch (error) {
    throw new RegistryParseError(displayPath(absolute), [
      { file: displayPath(absolute), code: 'unreadable', message: (error as Error).message },
    ]);
  }
  sharedParser ??= new Parser();
  const { document, diagnostics, extras } = await sharedParser.parse(source, { source: absolute });
  const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error).map((d) => toDiagnostic(d, absolute));
  if (errors.length > 0 || document === undefined) {
    throw new RegistryParseError(
      displayPath(absolute),
      errors.length > 0 ? errors : [{ file: displayPath(absolute), code: 'no-document', message: 'the parser returned no document' }],
    );
  }
  return {
    inputFile: absolute,
    document,
    raw: extras?.document.data,
    warnings: diagnostics.filter((d) => d.severity !== DiagnosticSeverity.Error).map((d) => toDiagnostic(d, absolute)),
  };
}

function toDiagnostic(diagnostic: Diagnostic, inputFile: string): RegistryDiagnostic {
  const file = diagnostic.source ? sourceToPath(String(diagnostic.source)) : inputFile;
  return {
    file: displayPath(file),
    pointer: toJsonPointer(diagnostic.path),
    line: diagnostic.range.start.line + 1,
    column: diagnostic.range.start.character + 1,
    code: String(diagnostic.code),
    message: diagnostic.message,
  };
}

function sourceToPath(source: string): string {
  return source.startsWith('file://') ? new URL(source).pathname : source;
}

/** RFC 6901: '~' → '~0', '/' → '~1'. */
export function toJsonPointer(segments: ReadonlyArray<string | number>): string {
  return segments.map((segment) => '/' + String(segment).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** Paths inside the working directory are shown relative to it, others absolute. */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}
