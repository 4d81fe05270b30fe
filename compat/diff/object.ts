/**
 * Object keywords: required, properties under Confluent's content models, patternProperties,
 * dependencies, additionalProperties and min/maxProperties.
 *
 * Content model of an object (after Confluent): open = no patternProperties, additionalProperties
 * absent or true; closed = additionalProperties false and no pattern covers the name; partially
 * open = a pattern or an additionalProperties schema says what an undeclared property must be.
 */
import { isJsonObject, type JsonObject } from '../json.js';
import { acceptsEverything, has, locate, objectOf, type DiffContext, type Difference } from './context.js';
import { compareBound, keywordDifference } from './scalar.js';
import type { DiffRuleId } from './rules.js';
import type { SchemaNode } from './resolver.js';

type ContentModel = { kind: 'open' } | { kind: 'closed' } | { kind: 'partial'; schema: SchemaNode };

function propertiesOf(object: JsonObject): JsonObject {
  return isJsonObject(object.properties) ? object.properties : {};
}

function requiredOf(object: JsonObject): string[] {
  return Array.isArray(object.required)
    ? object.required.filter((name): name is string => typeof name === 'string')
    : [];
}

function patternKeys(object: JsonObject): string[] {
  return isJsonObject(object.patternProperties) ? Object.keys(object.patternProperties) : [];
}

function matches(pattern: string, name: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(name);
  } catch {
    return false;
  }
}

/** `additionalProperties`: permitted at all, and the schema undeclared properties must match (if any). */
function additional(ctx: DiffContext, node: SchemaNode): { permits: boolean; schema: SchemaNode | undefined } {
  const child = ctx.child(node, 'additionalProperties');
  if (!child) return { permits: true, schema: undefined };
  const resolved = ctx.deref(child);
  if (resolved.value === false) return { permits: false, schema: undefined };
  if (acceptsEverything(resolved.value)) return { permits: true, schema: undefined };
  return { permits: true, schema: child };
}

/**
 * `unevaluatedProperties` (2019-09 / 2020-12) when it is a real schema: absent, `true`/`{}` count as
 * absent (open), `false` as closed; after Confluent, it only matters when `additionalProperties`
 * is absent or true.
 */
function unevaluated(
  ctx: DiffContext,
  node: SchemaNode,
): { present: boolean; permits: boolean; schema: SchemaNode | undefined } {
  const child = ctx.child(node, 'unevaluatedProperties');
  if (!child) return { present: false, permits: true, schema: undefined };
  const resolved = ctx.deref(child);
  if (resolved.value === false) return { present: true, permits: false, schema: undefined };
  if (acceptsEverything(resolved.value)) return { present: true, permits: true, schema: undefined };
  return { present: true, permits: true, schema: child };
}

/**
 * The content model that applies to a property named `name` that the schema does not declare
 * (Confluent's): open when nothing constrains undeclared properties; partially open when a
 * matching pattern, the `additionalProperties` schema or (with additionalProperties absent) the
 * `unevaluatedProperties` schema says what it must be; closed otherwise.
 */
function contentModelFor(ctx: DiffContext, node: SchemaNode, name: string | undefined): ContentModel {
  const object = objectOf(node);
  const patterns = patternKeys(object);
  const extra = additional(ctx, node);
  const rest = unevaluated(ctx, node);
  const open = extra.permits && !extra.schema;
  if (patterns.length === 0 && open && rest.permits && !rest.schema) return { kind: 'open' };
  for (const pattern of patterns) {
    if (name !== undefined && matches(pattern, name)) {
      const schema = ctx.child(node, 'patternProperties', pattern);
      if (schema) return { kind: 'partial', schema };
    }
  }
  if (extra.schema) return { kind: 'partial', schema: extra.schema };
  if (open && rest.schema) return { kind: 'partial', schema: rest.schema };
  return extra.permits && rest.permits ? { kind: 'open' } : { kind: 'closed' };
}

function hasDefault(ctx: DiffContext, node: SchemaNode | undefined): boolean {
  if (!node) return false;
  return has(objectOf(node), 'default') || has(objectOf(ctx.deref(node)), 'default');
}

function isFalse(ctx: DiffContext, node: SchemaNode | undefined): boolean {
  return node !== undefined && ctx.deref(node).value === false;
}

export function compareObject(ctx: DiffContext, original: SchemaNode, update: SchemaNode): Difference[] {
  const out: Difference[] = [];
  compareRequired(ctx, original, update, out);
  compareProperties(ctx, original, update, out);
  comparePatternProperties(ctx, original, update, out);
  compareDependencies(ctx, original, update, out);
  compareAdditionalProperties(ctx, original, update, out);
  compareUnevaluatedProperties(ctx, original, update, out);
  comparePropertyNames(ctx, original, update, out);
  compareBound(out, original, update, 'maxProperties', 'MAX_PROPERTIES');
  compareBound(out, original, update, 'minProperties', 'MIN_PROPERTIES');
  return out;
}

function compareRequired(ctx: DiffContext, original: SchemaNode, update: SchemaNode, out: Difference[]): void {
  const o = objectOf(original);
  const u = objectOf(update);
  const oProps = propertiesOf(o);
  const uProps = propertiesOf(u);
  const oRequired = requiredOf(o);
  const uRequired = requiredOf(u);
  const names = new Set([...oRequired, ...uRequired]);
  for (const name of [...names].sort()) {
    // A property declared on one side only is judged by the content-model rules instead.
    if (has(oProps, name) !== has(uProps, name)) continue;
    const wasRequired = oRequired.includes(name);
    const isRequired = uRequired.includes(name);
    if (wasRequired === isRequired) continue;
    if (wasRequired) {
      out.push({
        rule: 'REQUIRED_ATTRIBUTE_REMOVED',
        subject: name,
        original: locate(original, 'required', oRequired.indexOf(name)),
        update: has(uProps, name) ? locate(update, 'properties', name) : locate(update),
      });
    } else {
      const withDefault = has(uProps, name) && hasDefault(ctx, ctx.child(update, 'properties', name));
      out.push({
        rule: withDefault ? 'REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED' : 'REQUIRED_ATTRIBUTE_ADDED',
        subject: name,
        update: locate(update, 'required', uRequired.indexOf(name)),
      });
    }
  }
}

function compareProperties(ctx: DiffContext, original: SchemaNode, update: SchemaNode, out: Difference[]): void {
  const oProps = propertiesOf(objectOf(original));
  const uProps = propertiesOf(objectOf(update));
  const uRequired = requiredOf(objectOf(update));
  const names = [...new Set([...Object.keys(oProps), ...Object.keys(uProps)])].sort();
  for (const name of names) {
    const o = has(oProps, name) ? ctx.child(original, 'properties', name) : undefined;
    const u = has(uProps, name) ? ctx.child(update, 'properties', name) : undefined;
    if (o && u) {
      out.push(...ctx.compare(o, u));
    } else if (o) {
      out.push(...propertyRemoved(ctx, name, o, update, 'PROPERTY'));
    } else if (u) {
      const required = uRequired.includes(name) ? (hasDefault(ctx, u) ? 'withDefault' : 'yes') : 'no';
      out.push(...propertyAdded(ctx, name, original, u, required, 'PROPERTY'));
    }
  }
}

type Subject = 'PROPERTY' | 'PATTERN_PROPERTY';

/** The original declared `name`, the update does not: may the update still read it? */
function propertyRemoved(
  ctx: DiffContext,
  name: string,
  removed: SchemaNode,
  update: SchemaNode,
  subject: Subject,
): Difference[] {
  const model = contentModelFor(ctx, update, subject === 'PROPERTY' ? name : undefined);
  const at = { subject: name, original: locate(removed) };
  if (model.kind === 'open')
    return subject === 'PROPERTY' ? [{ rule: 'PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL', ...at }] : [];
  if (model.kind === 'partial') {
    const sub = ctx.compare(removed, model.schema);
    const covered = ctx.isCompatible(sub);
    if (subject === 'PATTERN_PROPERTY' && covered) return sub;
    return [
      ...sub,
      {
        rule: `${subject}_REMOVED_${covered ? 'IS' : 'NOT'}_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL` as DiffRuleId,
        ...at,
      },
    ];
  }
  if (subject === 'PROPERTY' && isFalse(ctx, removed))
    return [{ rule: 'PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL', ...at }];
  return [{ rule: `${subject}_REMOVED_FROM_CLOSED_CONTENT_MODEL` as DiffRuleId, ...at }];
}

/** The update declares `name`, the original did not: could old data hold something else under it? */
function propertyAdded(
  ctx: DiffContext,
  name: string,
  original: SchemaNode,
  added: SchemaNode,
  required: 'yes' | 'no' | 'withDefault',
  subject: Subject,
): Difference[] {
  const model = contentModelFor(ctx, original, subject === 'PROPERTY' ? name : undefined);
  const at = { subject: name, update: locate(added) };
  if (subject === 'PATTERN_PROPERTY') {
    // Only what may refuse old data is reported (Confluent does not judge patterns at all).
    if (model.kind === 'open') return [{ rule: 'PATTERN_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL', ...at }];
    if (model.kind === 'closed') return [];
    const sub = ctx.compare(model.schema, added);
    if (ctx.isCompatible(sub)) return sub;
    return [...sub, { rule: 'PATTERN_PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', ...at }];
  }
  if (model.kind === 'open') {
    // An empty schema accepts whatever old data held there, but a required one still needs it present.
    if (required === 'no' && acceptsEverything(ctx.deref(added).value))
      return [{ rule: 'PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL', ...at }];
    const rule: DiffRuleId =
      required === 'yes'
        ? 'REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL'
        : required === 'withDefault'
          ? 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL'
          : 'OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL';
    return [{ rule, ...at }];
  }
  const out: Difference[] = [];
  if (model.kind === 'partial') {
    const sub = ctx.compare(model.schema, added);
    const covered = ctx.isCompatible(sub);
    out.push(...sub, {
      rule: covered
        ? 'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'
        : 'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
      ...at,
    });
  }
  // Closed and partially open alike: old data never had it, so a reader may only require it with a default.
  const rule: DiffRuleId =
    required === 'yes'
      ? 'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL'
      : required === 'withDefault'
        ? 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL'
        : 'OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL';
  out.push({ rule, ...at });
  return out;
}

function comparePatternProperties(ctx: DiffContext, original: SchemaNode, update: SchemaNode, out: Difference[]): void {
  const oPatterns = patternKeys(objectOf(original));
  const uPatterns = patternKeys(objectOf(update));
  for (const pattern of [...new Set([...oPatterns, ...uPatterns])].sort()) {
    const o = oPatterns.includes(pattern) ? ctx.child(original, 'patternProperties', pattern) : undefined;
    const u = uPatterns.includes(pattern) ? ctx.child(update, 'patternProperties', pattern) : undefined;
    if (o && u) out.push(...ctx.compare(o, u));
    else if (o) out.push(...propertyRemoved(ctx, pattern, o, update, 'PATTERN_PROPERTY'));
    else if (u) out.push(...propertyAdded(ctx, pattern, original, u, 'no', 'PATTERN_PROPERTY'));
  }
}

/** `dependencies` (draft-07) and `dependentRequired` / `dependentSchemas` (2019-09) in one view. */
function dependenciesOf(
  ctx: DiffContext,
  node: SchemaNode,
): { arrays: Map<string, { names: string[]; at: SchemaNode }>; schemas: Map<string, SchemaNode> } {
  const arrays = new Map<string, { names: string[]; at: SchemaNode }>();
  const schemas = new Map<string, SchemaNode>();
  const object = objectOf(node);
  for (const keyword of ['dependencies', 'dependentRequired', 'dependentSchemas']) {
    const map = object[keyword];
    if (!isJsonObject(map)) continue;
    for (const [name, value] of Object.entries(map)) {
      const at = ctx.child(node, keyword, name);
      if (!at) continue;
      if (Array.isArray(value))
        arrays.set(name, { names: value.filter((item): item is string => typeof item === 'string'), at });
      else schemas.set(name, at);
    }
  }
  return { arrays, schemas };
}

function compareDependencies(ctx: DiffContext, original: SchemaNode, update: SchemaNode, out: Difference[]): void {
  const o = dependenciesOf(ctx, original);
  const u = dependenciesOf(ctx, update);
  for (const name of [...new Set([...o.arrays.keys(), ...u.arrays.keys()])].sort()) {
    const before = o.arrays.get(name);
    const after = u.arrays.get(name);
    let rule: DiffRuleId | undefined;
    if (!after) rule = 'DEPENDENCY_ARRAY_REMOVED';
    else if (!before) rule = 'DEPENDENCY_ARRAY_ADDED';
    else {
      const widened = before.names.every((item) => after.names.includes(item));
      const narrowed = after.names.every((item) => before.names.includes(item));
      if (widened && narrowed) rule = undefined;
      else if (widened) rule = 'DEPENDENCY_ARRAY_EXTENDED';
      else if (narrowed) rule = 'DEPENDENCY_ARRAY_NARROWED';
      else rule = 'DEPENDENCY_ARRAY_CHANGED';
    }
    if (!rule) continue;
    out.push({
      rule,
      subject: name,
      ...(before ? { original: locate(before.at), originalValue: before.names } : {}),
      ...(after ? { update: locate(after.at), updateValue: after.names } : {}),
    });
  }
  for (const name of [...new Set([...o.schemas.keys(), ...u.schemas.keys()])].sort()) {
    const before = o.schemas.get(name);
    const after = u.schemas.get(name);
    if (before && after) out.push(...ctx.compare(before, after));
    else if (before) out.push({ rule: 'DEPENDENCY_SCHEMA_REMOVED', subject: name, original: locate(before) });
    else if (after) out.push({ rule: 'DEPENDENCY_SCHEMA_ADDED', subject: name, update: locate(after) });
  }
}

function compareAdditionalProperties(
  ctx: DiffContext,
  original: SchemaNode,
  update: SchemaNode,
  out: Difference[],
): void {
  const o = additional(ctx, original);
  const u = additional(ctx, update);
  const note = (rule: DiffRuleId): void => {
    out.push(keywordDifference(rule, original, update, 'additionalProperties'));
  };
  if (o.permits !== u.permits) note(u.permits ? 'ADDITIONAL_PROPERTIES_ADDED' : 'ADDITIONAL_PROPERTIES_REMOVED');
  else if (!o.schema && u.schema) note('ADDITIONAL_PROPERTIES_NARROWED');
  else if (o.schema && !u.schema) note('ADDITIONAL_PROPERTIES_EXTENDED');
  else if (o.schema && u.schema) out.push(...ctx.compare(o.schema, u.schema));
}

/** After Confluent's compareUnevaluatedProperties: `false` is the closed end, `true`/`{}` the open one. */
function compareUnevaluatedProperties(
  ctx: DiffContext,
  original: SchemaNode,
  update: SchemaNode,
  out: Difference[],
): void {
  const o = ctx.child(original, 'unevaluatedProperties');
  const u = ctx.child(update, 'unevaluatedProperties');
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
    out.push(keywordDifference(rule, original, update, 'unevaluatedProperties'));
  };
  if (before === 'absent')
    note(after === 'false' ? 'UNEVALUATED_PROPERTIES_REMOVED' : 'UNEVALUATED_PROPERTIES_NARROWED');
  else if (after === 'absent')
    note(before === 'false' ? 'UNEVALUATED_PROPERTIES_ADDED' : 'UNEVALUATED_PROPERTIES_EXTENDED');
  else if (before === 'false' && after !== 'false') note('UNEVALUATED_PROPERTIES_ADDED');
  else if (before !== 'false' && after === 'false') note('UNEVALUATED_PROPERTIES_REMOVED');
  else if (before === 'true' && after !== 'true') note('UNEVALUATED_PROPERTIES_NARROWED');
  else if (before !== 'true' && after === 'true') note('UNEVALUATED_PROPERTIES_EXTENDED');
  else if (before === 'schema') out.push(...ctx.compare(o, u));
}

/** `propertyNames` (extension): every name old data used must still be a valid name. */
function comparePropertyNames(ctx: DiffContext, original: SchemaNode, update: SchemaNode, out: Difference[]): void {
  const o = ctx.child(original, 'propertyNames');
  const u = ctx.child(update, 'propertyNames');
  if (!o && !u) return;
  const free = (node: SchemaNode | undefined): boolean => !node || acceptsEverything(ctx.deref(node).value);
  if (free(o) && free(u)) return;
  if (free(o)) out.push(keywordDifference('PROPERTY_NAMES_ADDED', original, update, 'propertyNames'));
  else if (free(u)) out.push(keywordDifference('PROPERTY_NAMES_REMOVED', original, update, 'propertyNames'));
  else out.push(...ctx.compare(o, u));
}
