/**
 * Validation of the AsyncAPI document with @asyncapi/parser 3 (loaded on first use: Spectral's
 * start-up costs about a second, and the runtime entry must not pull it in). Files are read
 * through the registry's source; remote (`http(s)`) references are never fetched.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { displayPath, type RegistryDiagnostic } from './diagnostics.js';
import { toPointer } from './pointer.js';
import type { RegistrySource } from './source.js';

import type { Parser } from '@asyncapi/parser';

let loading: Promise<{ parser: Parser; error: number }> | undefined;

/** Every error and warning @asyncapi/parser reports for the document at `file`. */
export async function validateAsyncApi(file: string, text: string, source: RegistrySource): Promise<RegistryDiagnostic[]> {
  loading ??= import('@asyncapi/parser').then((parser) => ({ parser: new parser.Parser(), error: parser.DiagnosticSeverity.Error }));
  const { parser: sharedParser, error: ERROR } = await loading;
  const absolute = path.resolve(file);
  const readFile = (uri: { toString(): string }): string => source.readText(fileURLToPath(uri.toString()));
  // A remote reference reads as an empty document: the registry reader reports it ("remote-ref").
  const offline = (): string => '{}';
  let parsed: Awaited<ReturnType<Parser['parse']>>;
  try {
    parsed = await sharedParser.parse(text, {
    source: absolute,
    __unstable: {
      resolver: {
        resolvers: [
          { schema: 'file', order: 1, read: readFile },
          { schema: 'http', order: 1, read: offline },
          { schema: 'https', order: 1, read: offline },
        ],
      },
    },
    });
  } catch (error) {
    // The parser itself failed (e.g. on a '__proto__' key): one finding, not a crash.
    return [{ file: displayPath(absolute), pointer: '', code: 'parser-failed', message: `@asyncapi/parser failed: ${(error as Error).message}` }];
  }
  const { diagnostics } = parsed;
  return diagnostics
    // Information and hints (e.g. "a newer AsyncAPI version exists") are advice, not findings.
    .filter((diagnostic) => diagnostic.severity <= ERROR + 1)
    // Findings inside a remote document (never fetched: read as '{}'); the reader reports the reference.
    .filter((diagnostic) => !/^https?:/i.test(String(diagnostic.source ?? '')))
    .filter((diagnostic) => !/FetchError|ENOTFOUND|remote/i.test(diagnostic.message) || diagnostic.severity !== ERROR)
    .map((diagnostic) => {
      const where = diagnostic.source ? String(diagnostic.source) : absolute;
      const sourceFile = where.startsWith('file:') ? fileURLToPath(where) : where;
      return {
        file: displayPath(sourceFile),
        pointer: toPointer(diagnostic.path.map(String)),
        line: diagnostic.range.start.line + 1,
        column: diagnostic.range.start.character + 1,
        code: String(diagnostic.code),
        message: diagnostic.message,
        ...(diagnostic.severity !== ERROR && { severity: 'warning' as const }),
      };
    });
}
