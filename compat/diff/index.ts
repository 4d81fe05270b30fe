/** The schema differ's public face: compare two schema files (or two loaded schemas) under a mode. */
import { relative, resolve } from 'node:path';
import { SourceLocator } from '../../registry/locate.js';
import { DiskSource, MemorySource } from '../sources.js';
import { sortFindings } from '../findings.js';
import { diffSchemas, type DiffOptions, type DiffResult } from './modes.js';
import { compareWithHistory } from './history.js';
import { SchemaResolver, type TextSource } from './resolver.js';

export {
  MODES,
  DEFAULT_MODE,
  directionsOf,
  isTransitive,
  diffSchemas,
  type CompatibilityMode,
  type DiffOptions,
  type DiffResult,
} from './modes.js';
export { POLICIES, RULES, DIFF_RULE_IDS, isCompatibleChange, type DiffRuleId, type Policy } from './rules.js';
export { SchemaResolver, type SchemaNode, type TextSource } from './resolver.js';
export { compareWithHistory, type VersionedSchema, type HistoryResult } from './history.js';

/**
 * Compares the schema in `oldFile` with the one in `newFile`. Files are shown as given; other
 * files reached by `$ref` are shown relative to the working directory.
 */
export function diffSchemaFiles(
  oldFile: string,
  newFile: string,
  options: DiffOptions,
  source?: TextSource,
): DiffResult {
  const shown = new Map([
    [resolve(oldFile), oldFile],
    [resolve(newFile), newFile],
  ]);
  const display = (path: string): string => {
    const given = shown.get(path);
    if (given !== undefined) return given;
    const rel = relative(process.cwd(), path);
    return rel.startsWith('..') ? path : rel.split('\\').join('/');
  };
  const text = source ?? new DiskSource(display);
  // Separate resolution scopes: the old and the new document may keep the same $id (a file and its
  // edited copy), and each must resolve its $refs against itself.
  const oldRoot = new SchemaResolver(text, display).rootNode(resolve(oldFile));
  const newRoot = new SchemaResolver(text, display).rootNode(resolve(newFile));
  // Every $ref must resolve, even where the diff would not need to look.
  oldRoot.doc.owner.closure(oldRoot.doc);
  newRoot.doc.owner.closure(newRoot.doc);
  const result = diffSchemas(new SourceLocator(), oldRoot, newRoot, options);
  return { ...result, findings: sortFindings(result.findings) };
}

/**
 * Compares schema values (no files): the history is `versions[0..n-2]`, the candidate the last one.
 * With two versions this is a plain diff. Extra documents (for cross-file `$ref`s) go in `files`,
 * keyed by absolute path; the versions live at /schemas/v<N>.json.
 */
export function diffSchemaValues(
  versions: readonly unknown[],
  options: DiffOptions,
  files: Record<string, unknown> = {},
): DiffResult {
  const source = new MemorySource();
  for (const [path, value] of Object.entries(files)) source.set(path, JSON.stringify(value, null, 2));
  versions.forEach((value, index) => source.set(`/schemas/v${index + 1}.json`, JSON.stringify(value, null, 2)));
  const resolver = new SchemaResolver(source, (path) => path.replace(/^.*\/schemas\//, ''));
  const history = versions.map((_, index) => ({
    version: index + 1,
    schema: resolver.rootNode(`/schemas/v${index + 1}.json`),
  }));
  const candidate = history.pop();
  if (!candidate) return { compatible: true, findings: [], comparisons: 0 };
  const result = compareWithHistory(new SourceLocator(), history, candidate, options);
  return { compatible: result.compatible, findings: sortFindings(result.findings), comparisons: 0 };
}
