/**
 * Compatibility modes (Confluent's names) on top of the pair comparison. BACKWARD compares
 * (original = old, update = new): a consumer on the new schema reads old events. FORWARD swaps
 * the arguments, FULL does both, *_TRANSITIVE checks against every earlier version instead of
 * the previous one only, NONE reports the differences and accepts them all.
 */
import type { Finding } from '../findings.js';
import type { SourceLocator } from '../../registry/locate.js';
import type { Difference } from './context.js';
import { DiffEngine } from './engine.js';
import { isCompatibleChange, type Policy } from './rules.js';
import { describeDifference, type Roles } from './sentences.js';
import type { SchemaNode } from './resolver.js';

export const MODES = [
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
  'NONE',
] as const;
export type CompatibilityMode = (typeof MODES)[number];
export const DEFAULT_MODE: CompatibilityMode = 'BACKWARD';

export type Direction = 'backward' | 'forward';

export function directionsOf(mode: CompatibilityMode): Direction[] {
  if (mode.startsWith('FULL')) return ['backward', 'forward'];
  if (mode.startsWith('FORWARD')) return ['forward'];
  return ['backward'];
}

export function isTransitive(mode: CompatibilityMode): boolean {
  return mode.endsWith('_TRANSITIVE');
}

export interface DiffOptions {
  mode: CompatibilityMode;
  policy: Policy;
}

export interface DiffResult {
  compatible: boolean;
  findings: Finding[];
  /** Pairs of subschemas compared (memo misses), for the benchmark. */
  comparisons: number;
}

const ROLES: Record<Direction, Roles> = {
  backward: { original: 'old', update: 'new' },
  forward: { original: 'new', update: 'old' },
};

const IMPACT: Record<Direction, string> = {
  backward: 'consumers on the new schema cannot read every event written with the old one',
  forward: 'consumers still on the old schema cannot read every event written with the new one',
};

/** Compares two schemas under a mode and returns every difference as a finding. */
export function diffSchemas(
  locator: SourceLocator,
  oldSchema: SchemaNode,
  newSchema: SchemaNode,
  options: DiffOptions,
): DiffResult {
  const findings: Finding[] = [];
  let comparisons = 0;
  const resolvers = [...new Set([oldSchema.doc.owner, newSchema.doc.owner])];
  const textOf = (file: string): string | undefined => {
    for (const resolver of resolvers) {
      const text = resolver.textOf(file);
      if (text !== undefined) return text;
    }
    return undefined;
  };
  for (const direction of directionsOf(options.mode)) {
    const engine = new DiffEngine(options.policy);
    const differences =
      direction === 'backward' ? engine.compareRoots(oldSchema, newSchema) : engine.compareRoots(newSchema, oldSchema);
    comparisons += engine.comparisons;
    for (const difference of differences) {
      findings.push(toFinding(textOf, locator, difference, direction, options));
    }
  }
  return { compatible: findings.every((finding) => finding.compatible), findings, comparisons };
}

function toFinding(
  textOf: (file: string) => string | undefined,
  locator: SourceLocator,
  difference: Difference,
  direction: Direction,
  options: DiffOptions,
): Finding {
  const [oldAt, newAt] =
    direction === 'backward' ? [difference.original, difference.update] : [difference.update, difference.original];
  const [oldValue, newValue] =
    direction === 'backward'
      ? [difference.originalValue, difference.updateValue]
      : [difference.updateValue, difference.originalValue];
  const at = newAt ?? oldAt ?? { file: '', pointer: '' };
  const compatible = options.mode === 'NONE' || isCompatibleChange(difference.rule, options.policy);
  const sentence = describeDifference(difference, ROLES[direction]);
  const message = compatible ? sentence : `${sentence.replace(/\.$/, '')}: ${IMPACT[direction]}.`;
  const text = textOf(at.file);
  const { line, column } = text === undefined ? { line: 1, column: 1 } : locator.locate(text, at.pointer);
  const finding: Finding = {
    file: at.file,
    line,
    column,
    rule: difference.rule,
    message,
    pointer: at.pointer,
    compatible,
    direction,
  };
  if (oldValue !== undefined) finding.oldValue = oldValue;
  if (newValue !== undefined) finding.newValue = newValue;
  return finding;
}
