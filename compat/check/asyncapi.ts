/**
 * (a) asyncapi.yaml is a valid AsyncAPI document: @asyncapi/parser 3's error diagnostics become
 * findings with file, line, column and JSON pointer. The parser is built once per process
 * (Spectral's start-up is the expensive part).
 */
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import type { Finding } from '../findings.js';
import { joinPointer } from '../json.js';
import { ASYNCAPI_FILE } from './registry.js';

let sharedParser: Parser | undefined;

export async function validateAsyncApi(root: string, text: string): Promise<Finding[]> {
  sharedParser ??= new Parser();
  const absolute = resolve(root, ASYNCAPI_FILE);
  const { diagnostics } = await sharedParser.parse(text, { source: absolute });
  return diagnostics
    .filter((diagnostic) => diagnostic.severity === DiagnosticSeverity.Error)
    .map((diagnostic) => {
      const source = diagnostic.source ? String(diagnostic.source) : absolute;
      const path = source.startsWith('file:') ? fileURLToPath(source) : source;
      const file = relative(root, path).split('\\').join('/') || ASYNCAPI_FILE;
      return {
        file: file.startsWith('..') ? path : file,
        line: diagnostic.range.start.line + 1,
        column: diagnostic.range.start.character + 1,
        rule: 'ASYNCAPI_INVALID',
        message: `${diagnostic.message} [${String(diagnostic.code)}]`,
        pointer: joinPointer('', ...diagnostic.path.map(String)),
        compatible: false,
      };
    });
}
