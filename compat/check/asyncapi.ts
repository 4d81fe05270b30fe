/**
 * (a) asyncapi.yaml is a valid AsyncAPI document and its payload schemas compile: the registry
 * module's @asyncapi/parser validation and schema checks, as findings with file, line, column
 * and JSON pointer.
 */
import { relative, resolve } from 'node:path';
import { checkSchemas, validateAsyncApi as validateDocument, type RegistryModel } from '../../registry/index.js';
import type { Finding } from '../findings.js';
import type { TextSource } from '../diff/resolver.js';
import { ASYNCAPI_FILE, registryDisplayName } from './registry.js';

/** `file`: the registry document, absolute or relative to `root` (default asyncapi.yaml). */
export async function validateAsyncApi(
  root: string,
  text: string,
  source: TextSource,
  model?: RegistryModel,
  file: string = ASYNCAPI_FILE,
): Promise<Finding[]> {
  const absolute = resolve(root, file);
  const shown = registryDisplayName(root, absolute);
  const diagnostics = (await validateDocument(absolute, text, source)).filter((d) => d.severity !== 'warning');
  if (diagnostics.length === 0 && model) diagnostics.push(...checkSchemas(model).filter((d) => d.severity !== 'warning'));
  return diagnostics.map((diagnostic) => {
    const where = relative(root, resolve(diagnostic.file)).split('\\').join('/') || shown;
    return {
      file: where.startsWith('..') ? diagnostic.file : where,
      line: diagnostic.line ?? 1,
      column: diagnostic.column ?? 1,
      rule: diagnostic.code.startsWith('schema-') ? 'SCHEMA_INVALID' : 'ASYNCAPI_INVALID',
      message: `${diagnostic.message} [${diagnostic.code}]`,
      pointer: diagnostic.pointer ?? '',
      compatible: false,
    };
  });
}
