/** Metadata, types, string and number keywords, enum/const and not. */
import { canonicalJson, isJsonObject, jsonEquals, type JsonObject, type JsonValue } from '../json.js';
import { has, hasOwnAssertions, locate, objectOf, type DiffContext, type Difference } from './context.js';
import type { DiffRuleId } from './rules.js';
import type { SchemaNode } from './resolver.js';

const METADATA: ReadonlyArray<[keyword: string, rule: DiffRuleId]> = [
  ['$id', 'ID_CHANGED'],
  ['title', 'TITLE_CHANGED'],
  ['description', 'DESCRIPTION_CHANGED'],
  ['default', 'DEFAULT_CHANGED'],
  ['examples', 'EXAMPLES_CHANGED'],
  ['$comment', 'COMMENT_CHANGED'],
];

export function compareMetadata(original: SchemaNode, update: SchemaNode): Difference[] {
  const o = objectOf(original);
  const u = objectOf(update);
  const out: Difference[] = [];
  for (const [keyword, rule] of METADATA) {
    if (jsonEquals(o[keyword], u[keyword])) continue;
    out.push(keywordDifference(rule, original, update, keyword));
  }
  return out;
}

/** A difference about one keyword, located on each side that has it. */
export function keywordDifference(
  rule: DiffRuleId,
  original: SchemaNode,
  update: SchemaNode,
  keyword: string,
  subject: string = keyword,
): Difference {
  const o = objectOf(original);
  const u = objectOf(update);
  const difference: Difference = { rule, subject };
  if (has(o, keyword)) {
    difference.original = locate(original, keyword);
    difference.originalValue = o[keyword];
  }
  if (has(u, keyword)) {
    difference.update = locate(update, keyword);
    difference.updateValue = u[keyword];
  }
  if (!difference.original && !difference.update) difference.update = locate(update);
  return difference;
}

// ---- types ---------------------------------------------------------------------------------

export type TypeSet = ReadonlySet<string> | 'any';
const PRIMITIVES = new Set(['array', 'boolean', 'integer', 'null', 'number', 'object', 'string']);

export function typeSetOf(value: JsonValue): TypeSet {
  if (!isJsonObject(value)) return 'any';
  const declared = value.type;
  let types: string[];
  if (typeof declared === 'string') types = [declared];
  else if (Array.isArray(declared)) types = declared.filter((item): item is string => typeof item === 'string');
  else return 'any';
  // OpenAPI-style `nullable: true` widens a declared type with null.
  if (value.nullable === true) types.push('null');
  return new Set(types.filter((type) => PRIMITIVES.has(type)));
}

function covers(set: ReadonlySet<string>, type: string): boolean {
  return set.has(type) || (type === 'integer' && set.has('number'));
}

function subset(inner: ReadonlySet<string>, outer: ReadonlySet<string>): boolean {
  return [...inner].every((type) => covers(outer, type));
}

/** Does the type set let instances of this family through (so its keywords matter)? */
export function admits(types: TypeSet, family: 'string' | 'number' | 'object' | 'array'): boolean {
  if (types === 'any') return true;
  if (family === 'number') return types.has('number') || types.has('integer');
  return types.has(family);
}

/** Returns the type difference, if any; TYPE_CHANGED means the two schemas share no common ground. */
export function compareTypes(original: SchemaNode, update: SchemaNode): Difference | undefined {
  const o = typeSetOf(original.value);
  const u = typeSetOf(update.value);
  let rule: DiffRuleId | undefined;
  if (o === 'any' && u === 'any') rule = undefined;
  else if (o === 'any') rule = 'TYPE_NARROWED';
  else if (u === 'any') rule = 'TYPE_EXTENDED';
  else {
    // A type array is a union of types (Confluent's anyOf of one schema per type): more types in a
    // union is SUM_TYPE_EXTENDED, fewer (still a union) SUM_TYPE_NARROWED.
    const widened = subset(o, u);
    const narrowed = subset(u, o);
    if (widened && narrowed) rule = undefined;
    else if (widened) rule = u.size >= 2 && u.size > o.size ? 'SUM_TYPE_EXTENDED' : 'TYPE_EXTENDED';
    else if (narrowed) rule = o.size > u.size && u.size >= 2 ? 'SUM_TYPE_NARROWED' : 'TYPE_NARROWED';
    else rule = 'TYPE_CHANGED';
  }
  if (!rule) return undefined;
  const difference = keywordDifference(rule, original, update, 'type');
  const ov = objectOf(original);
  const uv = objectOf(update);
  if (ov.nullable === true || uv.nullable === true) {
    difference.originalValue = o === 'any' ? undefined : [...o].sort();
    difference.updateValue = u === 'any' ? undefined : [...u].sort();
  }
  return difference;
}

// ---- bounds ----------------------------------------------------------------------------------

interface BoundRules {
  added: DiffRuleId;
  removed: DiffRuleId;
  increased: DiffRuleId;
  decreased: DiffRuleId;
}

function bound(
  out: Difference[],
  original: SchemaNode,
  update: SchemaNode,
  keyword: string,
  rules: BoundRules,
  o: number | undefined,
  u: number | undefined,
): void {
  if (o === u) return;
  let rule: DiffRuleId;
  if (o === undefined) rule = rules.added;
  else if (u === undefined) rule = rules.removed;
  else rule = o < u ? rules.increased : rules.decreased;
  out.push(keywordDifference(rule, original, update, keyword));
}

function numberAt(object: JsonObject, keyword: string): number | undefined {
  const value = object[keyword];
  return typeof value === 'number' ? value : undefined;
}

const ruleSet = (prefix: string): BoundRules => ({
  added: `${prefix}_ADDED` as DiffRuleId,
  removed: `${prefix}_REMOVED` as DiffRuleId,
  increased: `${prefix}_INCREASED` as DiffRuleId,
  decreased: `${prefix}_DECREASED` as DiffRuleId,
});

/** Applies a bound family (minLength, maxItems, ...) with the right rule prefix. */
export function compareBound(
  out: Difference[],
  original: SchemaNode,
  update: SchemaNode,
  keyword: string,
  prefix: string,
): void {
  bound(
    out,
    original,
    update,
    keyword,
    ruleSet(prefix),
    numberAt(objectOf(original), keyword),
    numberAt(objectOf(update), keyword),
  );
}

/** A bound family with values read by the caller (defaults applied). */
export function compareBoundValues(
  out: Difference[],
  original: SchemaNode,
  update: SchemaNode,
  keyword: string,
  prefix: string,
  o: number | undefined,
  u: number | undefined,
): void {
  bound(out, original, update, keyword, ruleSet(prefix), o, u);
}

export function compareString(original: SchemaNode, update: SchemaNode): Difference[] {
  const out: Difference[] = [];
  compareBound(out, original, update, 'maxLength', 'MAX_LENGTH');
  compareBound(out, original, update, 'minLength', 'MIN_LENGTH');
  for (const [keyword, prefix] of [
    ['pattern', 'PATTERN'],
    ['format', 'FORMAT'],
  ] as const) {
    const o = objectOf(original)[keyword];
    const u = objectOf(update)[keyword];
    if (o === u) continue;
    const rule = o === undefined ? `${prefix}_ADDED` : u === undefined ? `${prefix}_REMOVED` : `${prefix}_CHANGED`;
    out.push(keywordDifference(rule as DiffRuleId, original, update, keyword));
  }
  return out;
}

/** Draft-04 wrote exclusive bounds as booleans next to maximum/minimum; read both spellings. */
function numericBounds(
  object: JsonObject,
): Record<'maximum' | 'minimum' | 'exclusiveMaximum' | 'exclusiveMinimum', number | undefined> {
  let maximum = numberAt(object, 'maximum');
  let minimum = numberAt(object, 'minimum');
  let exclusiveMaximum = numberAt(object, 'exclusiveMaximum');
  let exclusiveMinimum = numberAt(object, 'exclusiveMinimum');
  if (object.exclusiveMaximum === true && maximum !== undefined) [exclusiveMaximum, maximum] = [maximum, undefined];
  if (object.exclusiveMinimum === true && minimum !== undefined) [exclusiveMinimum, minimum] = [minimum, undefined];
  return { maximum, minimum, exclusiveMaximum, exclusiveMinimum };
}

function isWholeMultiple(value: number, of: number): boolean {
  const ratio = value / of;
  return Math.abs(ratio - Math.round(ratio)) < 1e-9;
}

export function compareNumber(original: SchemaNode, update: SchemaNode): Difference[] {
  const out: Difference[] = [];
  const o = numericBounds(objectOf(original));
  const u = numericBounds(objectOf(update));
  bound(out, original, update, 'maximum', ruleSet('MAXIMUM'), o.maximum, u.maximum);
  bound(out, original, update, 'minimum', ruleSet('MINIMUM'), o.minimum, u.minimum);
  bound(
    out,
    original,
    update,
    'exclusiveMaximum',
    ruleSet('EXCLUSIVE_MAXIMUM'),
    o.exclusiveMaximum,
    u.exclusiveMaximum,
  );
  bound(
    out,
    original,
    update,
    'exclusiveMinimum',
    ruleSet('EXCLUSIVE_MINIMUM'),
    o.exclusiveMinimum,
    u.exclusiveMinimum,
  );
  // A bound that moved between the draft-04 and the later spelling lands on a keyword absent on one side.
  for (const difference of out) {
    if (!difference.original && !difference.update) difference.update = locate(update);
  }
  const om = numberAt(objectOf(original), 'multipleOf');
  const um = numberAt(objectOf(update), 'multipleOf');
  if (om !== um) {
    let rule: DiffRuleId;
    if (om === undefined) rule = 'MULTIPLE_OF_ADDED';
    else if (um === undefined) rule = 'MULTIPLE_OF_REMOVED';
    else if (isWholeMultiple(um, om)) rule = 'MULTIPLE_OF_EXPANDED';
    else if (isWholeMultiple(om, um)) rule = 'MULTIPLE_OF_REDUCED';
    else rule = 'MULTIPLE_OF_CHANGED';
    out.push(keywordDifference(rule, original, update, 'multipleOf'));
  }
  return out;
}

// ---- enum and const ----------------------------------------------------------------------------

/** The allowed values, by canonical JSON; `const` is an enum of one. Undefined: no restriction. */
function allowedValues(object: JsonObject): { keyword: string; values: Set<string> } | undefined {
  if (has(object, 'const')) return { keyword: 'const', values: new Set([canonicalJson(object.const)]) };
  if (Array.isArray(object.enum))
    return { keyword: 'enum', values: new Set(object.enum.map((value) => canonicalJson(value))) };
  return undefined;
}

/** Does the schema assert anything beside `keyword` (so that keyword is one conjunct of several)? */
function assertsBesides(object: JsonObject, keyword: string): boolean {
  return hasOwnAssertions(Object.fromEntries(Object.entries(object).filter(([key]) => key !== keyword)));
}

export function compareEnum(original: SchemaNode, update: SchemaNode): Difference[] {
  const o = allowedValues(objectOf(original));
  const u = allowedValues(objectOf(update));
  if (!o && !u) return [];
  if (o && !u && assertsBesides(objectOf(original), o.keyword)) {
    // Confluent reads `{"type": …, "enum": […]}` as allOf[type, enum]: dropping the enum drops a conjunct.
    return [keywordDifference('PRODUCT_TYPE_NARROWED', original, update, o.keyword)];
  }
  let rule: DiffRuleId | undefined;
  if (!o) rule = 'ENUM_ARRAY_NARROWED';
  else if (!u) rule = 'ENUM_ARRAY_EXTENDED';
  else {
    const widened = [...o.values].every((value) => u.values.has(value));
    const narrowed = [...u.values].every((value) => o.values.has(value));
    if (widened && narrowed) rule = undefined;
    else if (widened) rule = 'ENUM_ARRAY_EXTENDED';
    else if (narrowed) rule = 'ENUM_ARRAY_NARROWED';
    else rule = 'ENUM_ARRAY_CHANGED';
  }
  if (!rule) return [];
  const keyword = u?.keyword ?? o?.keyword ?? 'enum';
  const difference = keywordDifference(rule, original, update, keyword);
  if (o && u && o.keyword !== u.keyword) {
    difference.original = locate(original, o.keyword);
    difference.originalValue = objectOf(original)[o.keyword];
  } else if (o && !u) {
    difference.original = locate(original, o.keyword);
    difference.originalValue = objectOf(original)[o.keyword];
  }
  return [difference];
}

// ---- not ---------------------------------------------------------------------------------------

export function compareNot(ctx: DiffContext, original: SchemaNode, update: SchemaNode): Difference[] {
  const o = ctx.child(original, 'not');
  const u = ctx.child(update, 'not');
  if (!o && !u) return [];
  let rule: DiffRuleId;
  if (!o) rule = 'NOT_TYPE_EXTENDED';
  else if (!u) rule = 'NOT_TYPE_NARROWED';
  else {
    // Reversed: the update may exclude less, never more, than the original excluded.
    const reversed = ctx.compare(u, o);
    if (reversed.length === 0) return [];
    rule = ctx.isCompatible(reversed) ? 'NOT_TYPE_NARROWED' : 'NOT_TYPE_EXTENDED';
  }
  return [keywordDifference(rule, original, update, 'not')];
}
