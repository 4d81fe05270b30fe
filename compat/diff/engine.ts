/**
 * The comparison of one (original, update) pair of schemas, after Confluent's SchemaDiff.
 * Every pair of schema objects is compared once (memoized by identity), and a pair met again
 * while it is still being compared is a recursive cycle, taken as compatible, so recursive and
 * heavily shared `$ref` graphs cost O(pairs) instead of blowing up exponentially.
 * Locations are absolute (file + pointer of the schema that holds the change), so memoized
 * differences need no rebasing and a change inside a shared definition is reported once, where it is.
 */
import { isJsonObject } from '../json.js';
import { compareArray } from './array.js';
import { compareCombinators, compareIntoCombinator, compareOutOfCombinator } from './combined.js';
import {
  acceptsEverything,
  combinatorsOf,
  hasOwnAssertions,
  locate,
  type DiffContext,
  type Difference,
} from './context.js';
import { compareObject } from './object.js';
import { isCompatibleChange, type Policy } from './rules.js';
import {
  admits,
  compareEnum,
  compareMetadata,
  compareNot,
  compareNumber,
  compareString,
  compareTypes,
  typeSetOf,
} from './scalar.js';
import type { SchemaNode } from './resolver.js';

/**
 * Pairs nested deeper than this are compared later, from the top, instead of on the call stack:
 * a chain of a thousand distinct definitions (A.children → B → C → …) would otherwise overflow it
 * (600 nested pairs measured fine). Past this depth the verdict is approximate (see compareRoots).
 */
const MAX_DEPTH = 400;

export class DiffEngine implements DiffContext {
  private readonly memo = new Map<object, Map<object, Difference[]>>();
  private readonly inProgress = new Map<object, Set<object>>();
  private readonly deferred: Array<[SchemaNode, SchemaNode]> = [];
  private depth = 0;
  /** Pairs actually compared (not served from the memo): a measure of the work done. */
  comparisons = 0;

  constructor(readonly policy: Policy) {}

  isCompatible(differences: readonly Difference[]): boolean {
    return differences.every((difference) => isCompatibleChange(difference.rule, this.policy));
  }

  child(node: SchemaNode, ...tokens: Array<string | number>): SchemaNode | undefined {
    return node.doc.owner.child(node, ...tokens);
  }

  deref(node: SchemaNode): SchemaNode {
    return node.doc.owner.deref(node);
  }

  /**
   * The whole comparison of two root schemas: `compare`, then every pair deferred for depth,
   * until none is left. A deferred pair counts as compatible where an enclosing decision
   * (a oneOf match, a partially open content model, `not`) needed its verdict, like a cycle does.
   */
  compareRoots(original: SchemaNode, update: SchemaNode): Difference[] {
    let out = this.compare(original, update);
    while (this.deferred.length > 0) {
      const [o, u] = this.deferred.shift()!;
      if (isJsonObject(o.value) && isJsonObject(u.value) && this.memo.get(o.value)?.has(u.value)) continue;
      out = out.concat(this.compare(o, u));
    }
    return unique(out);
  }

  compare(original: SchemaNode | undefined, update: SchemaNode | undefined): Difference[] {
    if (!original && !update) return [];
    if (!original) return [{ rule: 'SCHEMA_ADDED', update: locate(update!) }];
    if (!update) return [{ rule: 'SCHEMA_REMOVED', original: locate(original) }];
    const o = this.deref(original);
    const u = this.deref(update);
    const oKey = isJsonObject(o.value) ? o.value : undefined;
    const uKey = isJsonObject(u.value) ? u.value : undefined;
    if (!oKey || !uKey) return this.comparePair(o, u);

    const cached = this.memo.get(oKey)?.get(uKey);
    if (cached) return cached;
    let open = this.inProgress.get(oKey);
    if (open?.has(uKey)) return []; // recursive cycle: compatible unless something else says otherwise
    if (this.depth >= MAX_DEPTH) {
      this.deferred.push([o, u]);
      return [];
    }
    if (!open) this.inProgress.set(oKey, (open = new Set()));
    open.add(uKey);
    this.depth += 1;
    try {
      // Shared definitions reach a pair by many paths: keep each difference once, so result sizes
      // stay bounded by the distinct differences instead of multiplying with the paths.
      const result = unique(this.comparePair(o, u));
      let row = this.memo.get(oKey);
      if (!row) this.memo.set(oKey, (row = new Map()));
      row.set(uKey, result);
      return result;
    } finally {
      this.depth -= 1;
      open.delete(uKey);
    }
  }

  private comparePair(original: SchemaNode, update: SchemaNode): Difference[] {
    this.comparisons += 1;
    const ov = original.value;
    const uv = update.value;
    const out: Difference[] = isJsonObject(ov) && isJsonObject(uv) ? compareMetadata(original, update) : [];
    // A writer that could send nothing, or a reader that accepts anything, never breaks.
    if (ov === false || acceptsEverything(uv)) return out;
    if (uv === false) return [...out, { rule: 'TYPE_CHANGED', original: locate(original), update: locate(update) }];

    const oCombinators = combinatorsOf(ov);
    const uCombinators = combinatorsOf(uv);
    if (uCombinators.length > 0 && oCombinators.length === 0 && !hasOwnAssertions(uv)) {
      return [...out, ...compareIntoCombinator(this, original, update)];
    }
    if (oCombinators.length > 0 && uCombinators.length === 0 && !hasOwnAssertions(ov)) {
      return [...out, ...compareOutOfCombinator(this, original, update)];
    }

    const typeDifference = compareTypes(original, update);
    if (typeDifference) {
      out.push(typeDifference);
      if (typeDifference.rule === 'TYPE_CHANGED') return out;
    }
    const oTypes = typeSetOf(ov);
    const uTypes = typeSetOf(uv);
    const both = (family: 'string' | 'number' | 'object' | 'array'): boolean =>
      admits(oTypes, family) && admits(uTypes, family);
    if (both('string')) out.push(...compareString(original, update));
    if (both('number')) out.push(...compareNumber(original, update));
    if (both('object')) out.push(...compareObject(this, original, update));
    if (both('array')) out.push(...compareArray(this, original, update));
    out.push(...compareEnum(original, update));
    out.push(...compareNot(this, original, update));
    if (oCombinators.length > 0 || uCombinators.length > 0) out.push(...compareCombinators(this, original, update));
    return out;
  }
}

/** Drops repeated difference objects (the same memoized result reached along several paths). */
function unique(differences: Difference[]): Difference[] {
  if (differences.length < 2) return differences;
  return [...new Set(differences)];
}
