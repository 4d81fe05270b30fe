/**
 * oneOf / anyOf / allOf after Confluent's CombinedSchemaDiff: a criterion may only loosen
 * (allOf/oneOf → anyOf, singletons → anything), the branch count moves SUM/PRODUCT types, and
 * every branch on the smaller side must match a distinct compatible branch on the other side
 * (maximum bipartite matching), otherwise COMBINED_TYPE_SUBSCHEMAS_CHANGED.
 */
import { canonicalJson } from '../json.js';
import { combinatorsOf, locate, objectOf, type Combinator, type DiffContext, type Difference } from './context.js';
import type { DiffRuleId } from './rules.js';
import type { SchemaNode } from './resolver.js';

/** Branch lists by the array that holds them (one place in one document, so always the same). */
const branchCache = new WeakMap<object, SchemaNode[]>();

function branchesOf(ctx: DiffContext, node: SchemaNode, keyword: Combinator): SchemaNode[] {
  const list = objectOf(node)[keyword];
  if (!Array.isArray(list)) return [];
  const cached = branchCache.get(list);
  if (cached) return cached;
  const out = distinctBranches(ctx, node, keyword, list);
  branchCache.set(list, out);
  return out;
}

function distinctBranches(ctx: DiffContext, node: SchemaNode, keyword: Combinator, list: unknown[]): SchemaNode[] {
  // Identical branches count once (Confluent collapses them through a set).
  const seen = new Set<string>();
  const out: SchemaNode[] = [];
  list.forEach((value, index) => {
    const key = canonicalJson(value);
    if (seen.has(key)) return;
    seen.add(key);
    const child = ctx.child(node, keyword, index);
    if (child) out.push(child);
  });
  return out;
}

/**
 * Confluent's compareCriteria: a criterion may loosen to anyOf, a singleton may become anything
 * but allOf of several, and an allOf may become a singleton of any kind; the rest is a change.
 */
function criterionChange(from: Combinator, to: Combinator, fromSize: number, toSize: number): DiffRuleId | undefined {
  if (from === to) return undefined;
  if (to === 'anyOf') return 'COMBINED_TYPE_EXTENDED';
  if (fromSize === 1 && (toSize === 1 || to === 'oneOf')) return 'COMBINED_TYPE_EXTENDED';
  if (toSize === 1 && from === 'allOf') return 'COMBINED_TYPE_EXTENDED';
  return 'COMBINED_TYPE_CHANGED';
}

/** Both sides carry combinators: compare them keyword by keyword. */
export function compareCombinators(ctx: DiffContext, original: SchemaNode, update: SchemaNode): Difference[] {
  const oKeys = combinatorsOf(original.value);
  const uKeys = combinatorsOf(update.value);
  const out: Difference[] = [];
  if (oKeys.length === 1 && uKeys.length === 1 && oKeys[0] !== uKeys[0]) {
    const from = oKeys[0]!;
    const to = uKeys[0]!;
    const oBranches = branchesOf(ctx, original, from);
    const uBranches = branchesOf(ctx, update, to);
    const rule = criterionChange(from, to, oBranches.length, uBranches.length)!;
    out.push({ rule, subject: to, original: locate(original, from), update: locate(update, to) });
    if (rule !== 'COMBINED_TYPE_CHANGED')
      out.push(...matchBranches(ctx, original, update, from, to, oBranches, uBranches));
    return out;
  }
  for (const keyword of new Set([...oKeys, ...uKeys])) {
    const inOriginal = oKeys.includes(keyword);
    const inUpdate = uKeys.includes(keyword);
    if (inOriginal && inUpdate) {
      out.push(
        ...matchBranches(
          ctx,
          original,
          update,
          keyword,
          keyword,
          branchesOf(ctx, original, keyword),
          branchesOf(ctx, update, keyword),
        ),
      );
    } else if (inUpdate) {
      // A new constraint beside the old ones: the reader may reject what the writer sent.
      out.push({ rule: 'COMBINED_TYPE_CHANGED', subject: keyword, update: locate(update, keyword) });
    } else {
      out.push({ rule: 'COMBINED_TYPE_EXTENDED', subject: keyword, original: locate(original, keyword) });
    }
  }
  return out;
}

function matchBranches(
  ctx: DiffContext,
  original: SchemaNode,
  update: SchemaNode,
  from: Combinator,
  to: Combinator,
  oBranches: SchemaNode[],
  uBranches: SchemaNode[],
): Difference[] {
  const out: Difference[] = [];
  const at = {
    original: locate(original, from),
    update: locate(update, to),
    originalValue: oBranches.length,
    updateValue: uBranches.length,
  };
  // More branches: judged by the new criterion (more conjuncts, or more alternatives); fewer: by the
  // old one (an allOf that lost conjuncts asks less, a oneOf/anyOf that lost alternatives offers less).
  if (oBranches.length < uBranches.length)
    out.push({ rule: to === 'allOf' ? 'PRODUCT_TYPE_EXTENDED' : 'SUM_TYPE_EXTENDED', subject: to, ...at });
  if (oBranches.length > uBranches.length)
    out.push({ rule: from === 'allOf' ? 'PRODUCT_TYPE_NARROWED' : 'SUM_TYPE_NARROWED', subject: from, ...at });

  // Compatible edges between original and update branches, each with its differences.
  const edges = oBranches.map((o) =>
    uBranches.map((u) => {
      const differences = ctx.compare(o, u);
      return ctx.isCompatible(differences) ? differences : undefined;
    }),
  );
  const matchOfUpdate = new Array<number>(uBranches.length).fill(-1);
  const augment = (i: number, visited: boolean[]): boolean => {
    for (let j = 0; j < uBranches.length; j += 1) {
      if (!edges[i]![j] || visited[j]) continue;
      visited[j] = true;
      if (matchOfUpdate[j] === -1 || augment(matchOfUpdate[j]!, visited)) {
        matchOfUpdate[j] = i;
        return true;
      }
    }
    return false;
  };
  // Identical-in-effect pairs first (no differences at all), so that two copies of one oneOf pair
  // branch with branch instead of crosswise; augmenting paths then reroute them only if needed.
  const exact = (i: number, j: number): boolean => edges[i]![j]?.length === 0;
  let matched = 0;
  for (let i = 0; i < oBranches.length; i += 1) {
    const j = uBranches.findIndex((_, k) => exact(i, k) && matchOfUpdate[k] === -1);
    if (j >= 0) {
      matchOfUpdate[j] = i;
      matched += 1;
    }
  }
  const matchedOriginal = new Set(matchOfUpdate.filter((i) => i >= 0));
  for (let i = 0; i < oBranches.length; i += 1)
    if (!matchedOriginal.has(i) && augment(i, new Array<boolean>(uBranches.length).fill(false))) matched += 1;
  matchOfUpdate.forEach((i, j) => {
    if (i >= 0) out.push(...edges[i]![j]!);
  });
  if (matched < Math.min(oBranches.length, uBranches.length)) {
    out.push({ rule: 'COMBINED_TYPE_SUBSCHEMAS_CHANGED', subject: to, ...at });
  }
  return out;
}

/** Only the update is a pure oneOf/anyOf/allOf: the original must fit its branches. */
export function compareIntoCombinator(ctx: DiffContext, original: SchemaNode, update: SchemaNode): Difference[] {
  const keys = combinatorsOf(update.value);
  if (keys.length !== 1) return [{ rule: 'TYPE_CHANGED', update: locate(update), original: locate(original) }];
  const keyword = keys[0]!;
  const branches = branchesOf(ctx, update, keyword);
  if (branches.length === 1) return ctx.compare(original, branches[0]);
  if (keyword === 'allOf') {
    // Old data must satisfy every conjunct of the reader.
    return branches.flatMap((branch) => ctx.compare(original, branch));
  }
  for (const branch of branches) {
    const differences = ctx.compare(original, branch);
    if (ctx.isCompatible(differences)) {
      return [
        ...differences,
        { rule: 'SUM_TYPE_EXTENDED', subject: keyword, original: locate(original), update: locate(update, keyword) },
      ];
    }
  }
  return [{ rule: 'TYPE_CHANGED', subject: keyword, original: locate(original), update: locate(update, keyword) }];
}

/** Only the original is a pure oneOf/anyOf/allOf: the update must read each of its branches. */
export function compareOutOfCombinator(ctx: DiffContext, original: SchemaNode, update: SchemaNode): Difference[] {
  const keys = combinatorsOf(original.value);
  if (keys.length !== 1) return [{ rule: 'TYPE_CHANGED', update: locate(update), original: locate(original) }];
  const keyword = keys[0]!;
  const branches = branchesOf(ctx, original, keyword);
  if (branches.length === 1) return ctx.compare(branches[0], update);
  if (keyword === 'allOf') {
    // Data that met every conjunct meets any one of them: one conjunct the update reads is enough.
    for (const branch of branches) {
      const differences = ctx.compare(branch, update);
      if (ctx.isCompatible(differences)) return differences;
    }
    return [{ rule: 'TYPE_CHANGED', subject: keyword, original: locate(original, keyword), update: locate(update) }];
  }
  return branches.flatMap((branch) => ctx.compare(branch, update));
}
