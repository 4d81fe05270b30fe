/**
 * A candidate version against the versions before it: the previous one, or every one of them
 * for the *_TRANSITIVE modes (Confluent's semantics).
 */
import type { Finding } from '../findings.js';
import type { SourceLocator } from '../../registry/locate.js';
import { diffSchemas, isTransitive, type DiffOptions } from './modes.js';
import type { SchemaNode } from './resolver.js';

export interface VersionedSchema {
  version: number;
  schema: SchemaNode;
}

export interface HistoryResult {
  compatible: boolean;
  findings: Finding[];
  /** The earlier versions the candidate was compared with. */
  comparedWith: number[];
}

export function compareWithHistory(
  locator: SourceLocator,
  earlier: readonly VersionedSchema[],
  candidate: VersionedSchema,
  options: DiffOptions,
): HistoryResult {
  const before = [...earlier].filter((item) => item.version < candidate.version).sort((a, b) => a.version - b.version);
  const targets = isTransitive(options.mode) ? before : before.slice(-1);
  const findings: Finding[] = [];
  for (const target of targets) {
    const result = diffSchemas(locator, target.schema, candidate.schema, options);
    for (const finding of result.findings) findings.push({ ...finding, version: candidate.version });
  }
  return {
    compatible: findings.every((finding) => finding.compatible),
    findings,
    comparedWith: targets.map((item) => item.version),
  };
}
