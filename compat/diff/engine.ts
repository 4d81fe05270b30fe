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
import { compareConditional } from './conditional.js';
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

type PairMap = Map<object, Map<object, Difference[]>>;

export class DiffEngine implements DiffContext {
  /** This pass's results that rest on an assumption (a cycle or a deferred pair): redone next pass. */
  private memo: PairMap = new Map();
  /** Results that rest on no open assumption: valid in every pass, kept across them. */
  private exact: PairMap = new Map();
  /** Pairs being compared, with their depth on the stack. */
  private readonly inProgress = new Map<object, Map<object, number>>();
  /**
   * Per open pair, the shallowest depth of an assumption its comparison rests on so far
   * (Infinity: none; -1: one that cannot be pinned to an open pair).
   */
  private readonly leans: number[] = [];
  private deferred: Array<[SchemaNode, SchemaNode]> = [];
  private depth = 0;
  /** Pairs known incompatible from the previous pass, with their differences (see compareRoots). */
  private seed: PairMap = new Map();
  /** Whether this pass took a cycle (or a deferred pair) as compatible without knowing. */
  private optimistic = false;
  /** Whether a decision (a oneOf match, a partially open model, `not`) used a verdict this pass. */
  private decided = false;
  /** Pairs actually compared (not served from the memo): a measure of the work done. */
  comparisons = 0;
  /** Passes run by the last compareRoots (1 unless an optimistic assumption proved wrong). */
  passes = 0;

  constructor(readonly policy: Policy) {}

  isCompatible(differences: readonly Difference[]): boolean {
    this.decided = true;
    return differences.every((difference) => isCompatibleChange(difference.rule, this.policy));
  }

  child(node: SchemaNode, ...tokens: Array<string | number>): SchemaNode | undefined {
    return node.doc.owner.child(node, ...tokens);
  }

  deref(node: SchemaNode): SchemaNode {
    return node.doc.owner.deref(node);
  }

  /**
   * The whole comparison of two root schemas, iterated to a greatest fixed point (as Confluent's
   * SchemaDiff.compare does). A pair met again while it is being compared is a cycle and is taken
   * as compatible; a pair compared meanwhile may then be memoized as compatible on that
   * assumption, and a sibling oneOf match reusing it would mask a real incompatibility. So when a
   * pass was optimistic, the pairs it found incompatible seed the next pass, where a cycle that
   * re-enters one of them gets its real differences; the seed only grows, bounded by the pairs,
   * and a pass that assumed nothing (the common, non-recursive case) is exact and final.
   */
  compareRoots(original: SchemaNode, update: SchemaNode): Difference[] {
    this.passes = 0;
    this.exact = new Map();
    this.seed = new Map();
    for (;;) {
      this.passes += 1;
      this.memo = new Map();
      this.deferred = [];
      this.optimistic = false;
      this.decided = false;
      const out = this.onePass(original, update);
      // Without a decision the differences are a plain union: an optimistic pair's own
      // differences are in it anyway, so nothing can have been masked.
      if (!this.optimistic || !this.decided) return out;
      // The seed only grows (a pair found incompatible stays so), so this ends.
      if (!this.growSeed()) return out;
    }
  }

  /** `compare`, then every pair deferred for depth, until none is left. */
  private onePass(original: SchemaNode, update: SchemaNode): Difference[] {
    let out = this.compare(original, update);
    while (this.deferred.length > 0) {
      const [o, u] = this.deferred.shift()!;
      if (isJsonObject(o.value) && isJsonObject(u.value) && this.known(o.value, u.value)) continue;
      out = out.concat(this.compare(o, u));
    }
    return sameContentOnce(out);
  }

  private known(oKey: object, uKey: object): Difference[] | undefined {
    return this.exact.get(oKey)?.get(uKey) ?? this.memo.get(oKey)?.get(uKey);
  }

  /** Adds this pass's incompatible (provisional) pairs to the seed; false when none was new. */
  private growSeed(): boolean {
    let grew = false;
    for (const [o, row] of this.memo) {
      for (const [u, differences] of row) {
        if (differences.every((difference) => isCompatibleChange(difference.rule, this.policy))) continue;
        let target = this.seed.get(o);
        if (!target) this.seed.set(o, (target = new Map()));
        if (!target.has(u)) grew = true;
        target.set(u, differences);
      }
    }
    return grew;
  }

  /** The innermost open comparison now rests on an assumption about the pair at `depth`. */
  private lean(depth: number): void {
    const top = this.leans.length - 1;
    if (top >= 0 && depth < this.leans[top]!) this.leans[top] = depth;
  }

  /** A pair whose verdict is not known here: its seeded differences, or compatible by assumption. */
  private assumed(oKey: object, uKey: object, depth: number): Difference[] {
    this.lean(depth);
    const seeded = this.seed.get(oKey)?.get(uKey);
    if (seeded) return seeded;
    this.optimistic = true;
    return [];
  }

  compare(original: SchemaNode | undefined, update: SchemaNode | undefined): Difference[] {
    if (!original && !update) return [];
    if (!original) return [{ rule: 'SCHEMA_ADDED', update: locate(update!) }];
    if (!update) return [{ rule: 'SCHEMA_REMOVED', original: locate(original) }];
    const oSplit = splitRef(original);
    const uSplit = splitRef(update);
    if (oSplit || uSplit) return this.compareConjunction(original, update, oSplit, uSplit);
    const o = this.deref(original);
    const u = this.deref(update);
    const oKey = isJsonObject(o.value) ? o.value : undefined;
    const uKey = isJsonObject(u.value) ? u.value : undefined;
    if (!oKey || !uKey) return this.comparePair(o, u);

    const exact = this.exact.get(oKey)?.get(uKey);
    if (exact) return exact;
    const cached = this.memo.get(oKey)?.get(uKey);
    if (cached) {
      this.lean(-1);
      return cached;
    }
    let open = this.inProgress.get(oKey);
    // Recursive cycle: compatible unless a previous pass proved otherwise.
    const openAt = open?.get(uKey);
    if (openAt !== undefined) return this.assumed(oKey, uKey, openAt);
    if (this.depth >= MAX_DEPTH) {
      this.deferred.push([o, u]);
      return this.assumed(oKey, uKey, -1);
    }
    if (!open) this.inProgress.set(oKey, (open = new Map()));
    const depth = this.depth;
    open.set(uKey, depth);
    this.depth += 1;
    this.leans.push(Infinity);
    let leaning = Infinity;
    try {
      // Shared definitions reach a pair by many paths: keep each difference once, so result sizes
      // stay bounded by the distinct differences instead of multiplying with the paths.
      const result = unique(this.comparePair(o, u));
      leaning = this.leans[this.leans.length - 1]!;
      // Exact when it rests on nothing still open: no assumption, or only about this very pair and
      // borne out (compatible). Otherwise provisional, and so is whatever used it.
      const isExact =
        leaning > depth ||
        (leaning === depth && result.every((difference) => isCompatibleChange(difference.rule, this.policy)));
      const store = isExact ? this.exact : this.memo;
      let row = store.get(oKey);
      if (!row) store.set(oKey, (row = new Map()));
      row.set(uKey, result);
      if (!isExact) leaning = leaning === depth ? -1 : leaning;
      else leaning = Infinity;
      return result;
    } finally {
      this.depth -= 1;
      this.leans.pop();
      if (leaning !== Infinity) this.lean(leaning);
      open.delete(uKey);
    }
  }

  /**
   * 2019-09 / 2020-12: `$ref` beside other assertions is one conjunct of several. A reader that is a
   * conjunction must accept old data under each conjunct; a writer that was one is read when one of
   * its conjuncts is; both sides split compare conjunct with conjunct (a sufficient condition).
   */
  private compareConjunction(
    original: SchemaNode,
    update: SchemaNode,
    oSplit: Conjuncts | undefined,
    uSplit: Conjuncts | undefined,
  ): Difference[] {
    if (oSplit && uSplit) return [...this.compare(oSplit.ref, uSplit.ref), ...this.compare(oSplit.rest, uSplit.rest)];
    if (uSplit) {
      // The keywords beside the `$ref` stating no type do not widen the type the `$ref` states.
      const typed = isJsonObject(uSplit.rest.value) && uSplit.rest.value.type !== undefined;
      const rest = this.compare(original, uSplit.rest).filter(
        (difference) => typed || difference.rule !== 'TYPE_EXTENDED',
      );
      return [...this.compare(original, uSplit.ref), ...rest];
    }
    const viaRef = this.compare(oSplit!.ref, update);
    if (this.isCompatible(viaRef)) return viaRef;
    const viaRest = this.compare(oSplit!.rest, update);
    return this.isCompatible(viaRest) ? viaRest : viaRef;
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
    out.push(...compareConditional(this, original, update));
    if (oCombinators.length > 0 || uCombinators.length > 0) out.push(...compareCombinators(this, original, update));
    return out;
  }
}

interface Conjuncts {
  /** The `$ref` alone. */
  ref: SchemaNode;
  /** The keywords beside it, at the same place. */
  rest: SchemaNode;
}

const conjuncts = new WeakMap<object, Conjuncts | null>();
const MODERN_DRAFT = /json-schema\.org\/draft\/(2019-09|2020-12)\//;
const ANNOTATIONS_BESIDE_REF = new Set(['$ref', '$defs', 'definitions', '$id', '$anchor', '$schema', '$comment']);

/**
 * A 2019-09 / 2020-12 schema holding `$ref` and assertions beside it, split into its two conjuncts
 * (draft-07 ignores keywords beside `$ref`, and so does this for draft-07 documents).
 */
function splitRef(node: SchemaNode): Conjuncts | undefined {
  const value = node.value;
  if (!isJsonObject(value) || typeof value.$ref !== 'string') return undefined;
  const known = conjuncts.get(value);
  if (known !== undefined) return known ?? undefined;
  const root = node.doc.root;
  const draft = isJsonObject(root) && typeof root.$schema === 'string' ? root.$schema : '';
  let split: Conjuncts | null = null;
  if (MODERN_DRAFT.test(draft)) {
    const rest = Object.fromEntries(Object.entries(value).filter(([key]) => !ANNOTATIONS_BESIDE_REF.has(key)));
    if (hasOwnAssertions(rest) || combinatorsOf(rest).length > 0) {
      split = {
        ref: { ...node, value: { $ref: value.$ref } },
        rest: { ...node, value: rest },
      };
    }
  }
  conjuncts.set(value, split);
  return split ?? undefined;
}

/** Drops differences equal in content (a seeded result from an earlier pass meets its recomputation). */
function sameContentOnce(differences: Difference[]): Difference[] {
  const seen = new Set<string>();
  return unique(differences).filter((difference) => {
    const key = JSON.stringify([
      difference.rule,
      difference.original?.file,
      difference.original?.pointer,
      difference.update?.file,
      difference.update?.pointer,
      difference.subject,
    ]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Drops repeated difference objects (the same memoized result reached along several paths). */
function unique(differences: Difference[]): Difference[] {
  if (differences.length < 2) return differences;
  return [...new Set(differences)];
}
