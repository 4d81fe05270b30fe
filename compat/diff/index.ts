/** The schema differ's public face: compare two schema files (or two loaded schemas) under a mode. */
import { resolve } from 'node:path';
import { SourceLocator } from '../locate.js';
import { DiskSource } from '../sources.js';
import { sortFindings } from '../findings.js';
import { diffSchemas, type DiffOptions, type DiffResult } from './modes.js';
import { SchemaResolver, type TextSource } from './resolver.js';

export { MODES, DEFAULT_MODE, directionsOf, isTransitive, diffSchemas, type CompatibilityMode, type DiffOptions, type DiffResult } from './modes.js';
export { POLICIES, RULES, DIFF_RULE_IDS, isCompatibleChange, type DiffRuleId, type Policy } from './rules.js';
export { SchemaResolver, type SchemaNode, type TextSource } from './resolver.js';

/**
 * Compares the schema in `oldFile` with the one in `newFile`. Files are shown as given; other
 * files reached by `$ref` are shown relative to the working directory.
 */
export function diffSchemaFiles(oldFile: string, newFile: string, options: DiffOptions, source?: TextSource): DiffResult {
  const shown = new Map([
    [resolve(oldFile), oldFile],
    [resolve(newFile), newFile],
  ]);
  const display = (path: string): string => shown.get(path) ?? path;
  const resolver = new SchemaResolver(source ?? new DiskSource(display), display);
  const oldRoot = resolver.rootNode(resolve(oldFile));
  const newRoot = resolver.rootNode(resolve(newFile));
  const result = diffSchemas(resolver, new SourceLocator(), oldRoot, newRoot, options);
  return { ...result, findings: sortFindings(result.findings) };
}
