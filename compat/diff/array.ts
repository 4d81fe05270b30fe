/**
 * Array keywords: items (one schema, or a tuple via array `items` / `prefixItems`),
 * additionalItems (or `items` beside `prefixItems`) and unevaluatedItems under the content-model
 * rules, contains with min/maxContains, min/maxItems and uniqueItems.
 */
import { acceptsEverything, has, locate, objectOf, type DiffContext, type Difference } from './context.js';
import { compareBound, compareBoundValues, keywordDifference } from './scalar.js';
import type { DiffRuleId } from './rules.js';
import type { SchemaNode } from './resolver.js';

interface ArrayView {
  /** Schema every item must match (non-tuple form). */
  items: SchemaNode | undefined;
  tuple: SchemaNode[];
  /** Where extra tuple items are described: `additionalItems`, or `items` next to `prefixItems`. */
  extraKeyword: 'additionalItems' | 'items';
  extra: SchemaNode | undefined;
}

function viewOf(ctx: DiffContext, node: SchemaNode): ArrayView {
  const object = objectOf(node);
  const tupleKeyword = Array.isArray(object.prefixItems)
    ? 'prefixItems'
    : Array.isArray(object.items)
      ? 'items'
      : undefined;
  const tuple: SchemaNode[] = [];
  if (tupleKeyword) {
    const list = object[tupleKeyword] as unknown[];
    list.forEach((_, index) => {
      const child = ctx.child(node, tupleKeyword, index);
      if (child) tuple.push(child);
    });
  }
  if (!tupleKeyword && typeof object.items === 'boolean') {
    // `items: true|false` alone: an empty tuple whose extra items are allowed or not (Confluent's view).
    return { items: undefined, tuple, extraKeyword: 'items', extra: ctx.child(node, 'items') };
  }
  const extraKeyword = tupleKeyword === 'prefixItems' ? 'items' : 'additionalItems';
  const items = tupleKeyword ? undefined : ctx.child(node, 'items');
  return { items, tuple, extraKeyword, extra: ctx.child(node, extraKeyword) };
}

type ItemsModel = { permits: boolean; schema: SchemaNode | undefined };

function extraModel(ctx: DiffContext, view: ArrayView): ItemsModel {
  if (!view.extra) return { permits: true, schema: undefined };
  const resolved = ctx.deref(view.extra);
  if (resolved.value === false) return { permits: false, schema: undefined };
  if (acceptsEverything(resolved.value)) return { permits: true, schema: undefined };
  return { permits: true, schema: view.extra };
}

/**
 * What an item beyond the tuple may be (Confluent's content model): the additionalItems schema,
 * or with additionalItems absent the unevaluatedItems one; `false` in either closes the array.
 */
function hasTupleForm(node: SchemaNode): boolean {
  return Array.isArray(objectOf(node).prefixItems) || Array.isArray(objectOf(node).items);
}

/**
 * What an item beyond the tuple must match, as validators read it: with a tuple, additionalItems
 * (or items beside prefixItems); with `items` as one schema, that schema (every item must match
 * it); with neither, anything (draft-07: additionalItems does nothing without a tuple).
 */
function effectiveExtra(ctx: DiffContext, node: SchemaNode, view: ArrayView): ItemsModel {
  const tupleForm = hasTupleForm(node);
  if (!tupleForm && view.items) {
    const resolved = ctx.deref(view.items);
    if (resolved.value === false) return { permits: false, schema: undefined };
    if (!acceptsEverything(resolved.value)) return { permits: true, schema: view.items };
  }
  return tupleForm || view.extraKeyword === 'items' ? extraModel(ctx, view) : { permits: true, schema: undefined };
}

function itemsModel(ctx: DiffContext, node: SchemaNode, view: ArrayView): ItemsModel {
  const extra = effectiveExtra(ctx, node, view);
  if (!extra.permits || extra.schema) return extra;
  const rest = ctx.child(node, 'unevaluatedItems');
  if (!rest) return extra;
  const resolved = ctx.deref(rest);
  if (resolved.value === false) return { permits: false, schema: undefined };
  if (acceptsEverything(resolved.value)) return extra;
  return { permits: true, schema: rest };
}

export function compareArray(ctx: DiffContext, original: SchemaNode, update: SchemaNode): Difference[] {
  const out: Difference[] = [];
  const o = viewOf(ctx, original);
  const u = viewOf(ctx, update);
  const bothTuples = o.tuple.length > 0 || u.tuple.length > 0;
  if (o.items || u.items) out.push(...ctx.compare(o.items, u.items));
  if (bothTuples) compareTuple(ctx, original, update, o, u, out);
  if (bothTuples || o.extra || u.extra) compareExtra(ctx, original, update, o, u, out);
  compareUnevaluatedItems(ctx, original, update, out);
  compareContains(ctx, original, update, out);
  compareBound(out, original, update, 'maxItems', 'MAX_ITEMS');
  compareBound(out, original, update, 'minItems', 'MIN_ITEMS');
  const oUnique = objectOf(original).uniqueItems === true;
  const uUnique = objectOf(update).uniqueItems === true;
  if (oUnique !== uUnique)
    out.push(
      keywordDifference(oUnique ? 'UNIQUE_ITEMS_REMOVED' : 'UNIQUE_ITEMS_ADDED', original, update, 'uniqueItems'),
    );
  return out;
}

function compareTuple(
  ctx: DiffContext,
  original: SchemaNode,
  update: SchemaNode,
  o: ArrayView,
  u: ArrayView,
  out: Difference[],
): void {
  const shared = Math.min(o.tuple.length, u.tuple.length);
  for (let index = 0; index < shared; index += 1) out.push(...ctx.compare(o.tuple[index], u.tuple[index]));
  for (let index = shared; index < o.tuple.length; index += 1) {
    const removed = o.tuple[index]!;
    const model = itemsModel(ctx, update, u);
    const at = { subject: String(index), original: locate(removed) };
    if (model.permits && !model.schema) out.push({ rule: 'ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL', ...at });
    else if (model.schema) {
      const sub = ctx.compare(removed, model.schema);
      const covered = ctx.isCompatible(sub);
      out.push(...sub, {
        rule: covered
          ? 'ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'
          : 'ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
        ...at,
      });
    } else if (ctx.deref(removed).value === false)
      out.push({ rule: 'ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL', ...at });
    else out.push({ rule: 'ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL', ...at });
  }
  for (let index = shared; index < u.tuple.length; index += 1) {
    const added = u.tuple[index]!;
    const model = itemsModel(ctx, original, o);
    const at = { subject: String(index), update: locate(added) };
    if (model.permits && !model.schema) {
      const empty = acceptsEverything(ctx.deref(added).value);
      out.push({
        rule: empty ? 'ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL' : 'ITEM_ADDED_TO_OPEN_CONTENT_MODEL',
        ...at,
      });
    } else if (model.schema) {
      const sub = ctx.compare(model.schema, added);
      const covered = ctx.isCompatible(sub);
      out.push(...sub, {
        rule: covered
          ? 'ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'
          : 'ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
        ...at,
      });
    } else out.push({ rule: 'ITEM_ADDED_TO_CLOSED_CONTENT_MODEL', ...at });
  }
}

function compareExtra(
  ctx: DiffContext,
  original: SchemaNode,
  update: SchemaNode,
  o: ArrayView,
  u: ArrayView,
  out: Difference[],
): void {
  // Neither side a tuple: compare the keywords as written (Confluent does, so `additionalItems`
  // true → false alone is ADDITIONAL_ITEMS_REMOVED). Otherwise what each side lets through.
  const asWritten = !hasTupleForm(original) && !hasTupleForm(update);
  const before = asWritten ? extraModel(ctx, o) : effectiveExtra(ctx, original, o);
  const after = asWritten ? extraModel(ctx, u) : effectiveExtra(ctx, update, u);
  const note = (rule: DiffRuleId): void => {
    const difference: Difference = { rule, subject: u.extraKeyword };
    // Without a tuple, `items` (one schema) is what constrained every item.
    const oAt = o.extra ?? (asWritten ? undefined : o.items);
    const uAt = u.extra ?? (asWritten ? undefined : u.items);
    if (oAt) difference.original = locate(oAt);
    if (uAt) difference.update = locate(uAt);
    if (!difference.original && !difference.update) difference.update = locate(update);
    out.push(difference);
  };
  if (before.permits !== after.permits) note(before.permits ? 'ADDITIONAL_ITEMS_REMOVED' : 'ADDITIONAL_ITEMS_ADDED');
  else if (!before.schema && after.schema) note('ADDITIONAL_ITEMS_NARROWED');
  else if (before.schema && !after.schema) note('ADDITIONAL_ITEMS_EXTENDED');
  else if (before.schema && after.schema) out.push(...ctx.compare(before.schema, after.schema));
}

/** After Confluent's compareUnevaluatedItems: `false` is the closed end, `true`/`{}` the open one. */
function compareUnevaluatedItems(ctx: DiffContext, original: SchemaNode, update: SchemaNode, out: Difference[]): void {
  const o = ctx.child(original, 'unevaluatedItems');
  const u = ctx.child(update, 'unevaluatedItems');
  if (!o && !u) return;
  const kind = (node: SchemaNode | undefined): 'absent' | 'false' | 'true' | 'schema' => {
    if (!node) return 'absent';
    const value = ctx.deref(node).value;
    if (value === false) return 'false';
    return acceptsEverything(value) ? 'true' : 'schema';
  };
  const before = kind(o);
  const after = kind(u);
  const note = (rule: DiffRuleId): void => {
    out.push(keywordDifference(rule, original, update, 'unevaluatedItems'));
  };
  if (before === 'absent') note(after === 'false' ? 'UNEVALUATED_ITEMS_REMOVED' : 'UNEVALUATED_ITEMS_NARROWED');
  else if (after === 'absent') note(before === 'false' ? 'UNEVALUATED_ITEMS_ADDED' : 'UNEVALUATED_ITEMS_EXTENDED');
  else if (before === 'false' && after !== 'false') note('UNEVALUATED_ITEMS_ADDED');
  else if (before !== 'false' && after === 'false') note('UNEVALUATED_ITEMS_REMOVED');
  else if (before === 'true' && after !== 'true') note('UNEVALUATED_ITEMS_NARROWED');
  else if (before !== 'true' && after === 'true') note('UNEVALUATED_ITEMS_EXTENDED');
  else if (before === 'schema') out.push(...ctx.compare(o, u));
}

/**
 * `contains` (extension: compared as any subschema, a new one refuses old data) and
 * `minContains` / `maxContains` (Confluent's rules). With `contains` present, an absent
 * `minContains` is its default, 1.
 */
function compareContains(ctx: DiffContext, original: SchemaNode, update: SchemaNode, out: Difference[]): void {
  const o = ctx.child(original, 'contains');
  const u = ctx.child(update, 'contains');
  if (!o || !u) {
    // A `contains` that appears or disappears says it all: its bounds come and go with it.
    if (u) out.push(keywordDifference('CONTAINS_ADDED', original, update, 'contains'));
    else if (o) out.push(keywordDifference('CONTAINS_REMOVED', original, update, 'contains'));
    return;
  }
  out.push(...ctx.compare(o, u));
  const minContains = (node: SchemaNode): number => {
    const value = objectOf(node).minContains;
    return typeof value === 'number' ? value : 1;
  };
  const maxContains = (node: SchemaNode): number | undefined => {
    const value = objectOf(node).maxContains;
    return typeof value === 'number' ? value : undefined;
  };
  compareBoundValues(out, original, update, 'maxContains', 'MAX_CONTAINS', maxContains(original), maxContains(update));
  compareBoundValues(out, original, update, 'minContains', 'MIN_CONTAINS', minContains(original), minContains(update));
}
