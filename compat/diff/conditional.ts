/**
 * `if` / `then` / `else` (an extension: Confluent's checker does not compare them). With the same
 * condition on both sides, `then` and `else` are compared as subschemas (a branch that appears is
 * SCHEMA_ADDED, one that disappears SCHEMA_REMOVED); a condition that appears, or changes, may
 * refuse old data and is reported as such; one that disappears only loosens.
 */
import { canonicalJson } from '../json.js';
import { acceptsEverything, type DiffContext, type Difference } from './context.js';
import { keywordDifference } from './scalar.js';
import type { SchemaNode } from './resolver.js';

export function compareConditional(ctx: DiffContext, original: SchemaNode, update: SchemaNode): Difference[] {
  const oIf = ctx.child(original, 'if');
  const uIf = ctx.child(update, 'if');
  if (!oIf && !uIf) return [];
  // Without `then` and `else` (or with both accepting everything) a condition asserts nothing.
  const asserts = (node: SchemaNode): boolean =>
    ['then', 'else'].some((keyword) => {
      const branch = ctx.child(node, keyword);
      return branch !== undefined && !acceptsEverything(ctx.deref(branch).value);
    });
  const oAsserts = oIf !== undefined && asserts(original);
  const uAsserts = uIf !== undefined && asserts(update);
  if (!oAsserts && !uAsserts) return [];
  if (!uAsserts) return [keywordDifference('CONDITION_REMOVED', original, update, 'if')];
  if (!oAsserts) return [keywordDifference('CONDITION_ADDED', original, update, 'if')];
  if (canonicalJson(ctx.deref(oIf!).value) !== canonicalJson(ctx.deref(uIf!).value)) {
    return [keywordDifference('CONDITION_CHANGED', original, update, 'if')];
  }
  return [
    ...ctx.compare(ctx.child(original, 'then'), ctx.child(update, 'then')),
    ...ctx.compare(ctx.child(original, 'else'), ctx.child(update, 'else')),
  ];
}
