/**
 * (a) asyncapi.yaml is a valid AsyncAPI document and its payload schemas compile: the registry
 * module's @asyncapi/parser validation and schema checks, as findings with file, line, column
 * and JSON pointer.
 */
import { relative, resolve } from 'node:path';
import { checkSchemas, validateAsyncApi as validateDocument, type RegistryModel } from '../../registry/index.js';
import type { Finding } from '../findings.js';
import type { TextSource } from '../diff/resolver.js';
import { ASYNCAPI_FILE } from './registry.js';

export async function validateAsyncApi(root: string, text: string, source: TextSource, model?: RegistryModel): Promise<Finding[]> {
  const absolute = resolve(root, ASYNCAPI_FILE);
  const diagnostics = (await validateDocument(absolute, text, source)).filter((d) => d.severity !== 'warning');
  if (diagnostics.length === 0 && model) diagnostics.push(...checkSchemas(model).filter((d) => d.severity !== 'warning'));
  return diagnostics.map((diagnostic) => {
    const file = relative(root, resolve(diagnostic.file)).split('\\').join('/') || ASYNCAPI_FILE;
    return {
      file: file.startsWith('..') ? diagnostic.file : file,
      line: diagnostic.line ?? 1,
      column: diagnostic.column ?? 1,
      rule: diagnostic.code.startsWith('schema-') ? 'SCHEMA_INVALID' : 'ASYNCAPI_INVALID',
      message: `${diagnostic.message} [${diagnostic.code}]`,
      pointer: diagnostic.pointer ?? '',
      compatible: false,
    };
  });
}
