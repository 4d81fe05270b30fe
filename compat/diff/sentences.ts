/**
 * One human sentence per difference. The sentence names the two schemas by the role they play in
 * the direction checked ("old"/"new" for BACKWARD, the other way round for FORWARD).
 */
import type { JsonValue } from '../json.js';
import type { Difference } from './context.js';

export interface Roles {
  /** Name of the writer's schema in this direction ("old" for BACKWARD). */
  original: string;
  /** Name of the reader's schema ("new" for BACKWARD). */
  update: string;
}

function show(value: JsonValue | undefined, absent = 'absent'): string {
  if (value === undefined) return absent;
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

const KEYWORD_OF: Record<string, string> = {
  MAX_LENGTH: 'maxLength',
  MIN_LENGTH: 'minLength',
  PATTERN: 'pattern',
  FORMAT: 'format',
  MAXIMUM: 'maximum',
  MINIMUM: 'minimum',
  EXCLUSIVE_MAXIMUM: 'exclusiveMaximum',
  EXCLUSIVE_MINIMUM: 'exclusiveMinimum',
  MULTIPLE_OF: 'multipleOf',
  MAX_PROPERTIES: 'maxProperties',
  MIN_PROPERTIES: 'minProperties',
  MAX_ITEMS: 'maxItems',
  MIN_ITEMS: 'minItems',
  UNIQUE_ITEMS: 'uniqueItems',
  MAX_CONTAINS: 'maxContains',
  MIN_CONTAINS: 'minContains',
};

const FIXED: Record<string, (d: Difference, r: Roles) => string> = {
  ID_CHANGED: (d, r) =>
    `$id is ${show(d.originalValue)} in the ${r.original} schema and ${show(d.updateValue)} in the ${r.update} schema (metadata only).`,
  TITLE_CHANGED: (d, r) =>
    `title is ${show(d.originalValue)} in the ${r.original} schema and ${show(d.updateValue)} in the ${r.update} schema (metadata only).`,
  DESCRIPTION_CHANGED: (_d, r) =>
    `description differs between the ${r.original} and the ${r.update} schema (metadata only).`,
  DEFAULT_CHANGED: (d, r) =>
    `default is ${show(d.originalValue)} in the ${r.original} schema and ${show(d.updateValue)} in the ${r.update} schema (metadata only).`,
  EXAMPLES_CHANGED: (_d, r) => `examples differ between the ${r.original} and the ${r.update} schema (metadata only).`,
  COMMENT_CHANGED: (_d, r) => `$comment differs between the ${r.original} and the ${r.update} schema (metadata only).`,
  SCHEMA_ADDED: (_d, r) => `The ${r.update} schema constrains a place the ${r.original} schema left unconstrained.`,
  SCHEMA_REMOVED: (_d, r) =>
    `The ${r.update} schema no longer constrains a place the ${r.original} schema constrained.`,
  TYPE_EXTENDED: (d, r) =>
    `type is ${show(d.originalValue, 'any')} in the ${r.original} schema and ${show(d.updateValue, 'any')} in the ${r.update} schema, which is wider.`,
  TYPE_NARROWED: (d, r) =>
    `type is ${show(d.originalValue, 'any')} in the ${r.original} schema and ${show(d.updateValue, 'any')} in the ${r.update} schema, which is narrower.`,
  TYPE_CHANGED: (d, r) =>
    `type is ${show(d.originalValue, 'any')} in the ${r.original} schema and ${show(d.updateValue, 'any')} in the ${r.update} schema, which has no common ground with it.`,
  PATTERN_CHANGED: (d, r) =>
    `pattern is ${show(d.originalValue)} in the ${r.original} schema and ${show(d.updateValue)} in the ${r.update} schema.`,
  FORMAT_CHANGED: (d, r) =>
    `format is ${show(d.originalValue)} in the ${r.original} schema and ${show(d.updateValue)} in the ${r.update} schema.`,
  MULTIPLE_OF_EXPANDED: (d, r) =>
    `multipleOf is ${show(d.originalValue)} in the ${r.original} schema and ${show(d.updateValue)} in the ${r.update} schema, which admits fewer numbers.`,
  MULTIPLE_OF_REDUCED: (d, r) =>
    `multipleOf is ${show(d.originalValue)} in the ${r.original} schema and ${show(d.updateValue)} in the ${r.update} schema, which admits more numbers.`,
  MULTIPLE_OF_CHANGED: (d, r) =>
    `multipleOf is ${show(d.originalValue)} in the ${r.original} schema and ${show(d.updateValue)} in the ${r.update} schema.`,
  REQUIRED_ATTRIBUTE_ADDED: (d, r) =>
    `Property "${d.subject}" is optional in the ${r.original} schema and required in the ${r.update} schema.`,
  REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED: (d, r) =>
    `Property "${d.subject}" is optional in the ${r.original} schema and required with a default in the ${r.update} schema.`,
  REQUIRED_ATTRIBUTE_REMOVED: (d, r) =>
    `Property "${d.subject}" is required in the ${r.original} schema and optional in the ${r.update} schema.`,
  ADDITIONAL_PROPERTIES_ADDED: (_d, r) =>
    `The ${r.update} schema allows additional properties, which the ${r.original} schema forbade.`,
  ADDITIONAL_PROPERTIES_REMOVED: (_d, r) =>
    `The ${r.update} schema forbids additional properties, which the ${r.original} schema allowed.`,
  ADDITIONAL_PROPERTIES_EXTENDED: (_d, r) =>
    `The ${r.update} schema lets additional properties be anything; the ${r.original} schema constrained them.`,
  ADDITIONAL_PROPERTIES_NARROWED: (_d, r) =>
    `The ${r.update} schema constrains additional properties, which the ${r.original} schema left free.`,
  DEPENDENCY_ARRAY_ADDED: (d, r) =>
    `The ${r.update} schema declares a dependency of "${d.subject}" on ${show(d.updateValue)}.`,
  DEPENDENCY_ARRAY_REMOVED: (d, r) =>
    `The dependency of "${d.subject}" on ${show(d.originalValue)} in the ${r.original} schema is absent from the ${r.update} schema.`,
  DEPENDENCY_ARRAY_EXTENDED: (d, r) =>
    `"${d.subject}" depends on more properties in the ${r.update} schema (${show(d.updateValue)}) than in the ${r.original} schema (${show(d.originalValue)}).`,
  DEPENDENCY_ARRAY_NARROWED: (d, r) =>
    `"${d.subject}" depends on fewer properties in the ${r.update} schema (${show(d.updateValue)}) than in the ${r.original} schema (${show(d.originalValue)}).`,
  DEPENDENCY_ARRAY_CHANGED: (d, r) =>
    `The dependencies of "${d.subject}" change from ${show(d.originalValue)} in the ${r.original} schema to ${show(d.updateValue)} in the ${r.update} schema.`,
  DEPENDENCY_SCHEMA_ADDED: (d, r) => `The ${r.update} schema declares a schema dependency for "${d.subject}".`,
  DEPENDENCY_SCHEMA_REMOVED: (d, r) =>
    `The schema dependency for "${d.subject}" in the ${r.original} schema is absent from the ${r.update} schema.`,
  REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL: (d, r) =>
    `The ${r.update} schema declares required property "${d.subject}" on an object that is open in the ${r.original} schema.`,
  REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL: (d, r) =>
    `The ${r.update} schema declares required property "${d.subject}" (with a default) on an object that is open in the ${r.original} schema, where it may hold anything.`,
  OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL: (d, r) =>
    `The ${r.update} schema declares optional property "${d.subject}" on an object that is open in the ${r.original} schema, where it may hold anything.`,
  PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL: (d, r) =>
    `The ${r.update} schema declares property "${d.subject}" with an empty schema on an open object.`,
  REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL: (d, r) =>
    `The ${r.update} schema declares required property "${d.subject}", which data written with the ${r.original} schema never has.`,
  REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL: (d, r) =>
    `The ${r.update} schema declares required property "${d.subject}" with a default, absent from the closed object of the ${r.original} schema.`,
  OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL: (d, r) =>
    `The ${r.update} schema declares optional property "${d.subject}" on an object that is closed in the ${r.original} schema.`,
  PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL: (d, r) =>
    `Property "${d.subject}" of the ${r.original} schema is not declared in the ${r.update} schema, whose open object still accepts it.`,
  PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL: (d, r) =>
    `Property "${d.subject}", forbidden (false) in the ${r.original} schema, is not declared in the ${r.update} schema.`,
  PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL: (d, r) =>
    `Property "${d.subject}" of the ${r.original} schema is not declared in the ${r.update} schema, whose closed object rejects it.`,
  PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: (d, r) =>
    `Property "${d.subject}" of the ${r.original} schema is not declared in the ${r.update} schema, whose patternProperties/additionalProperties still accept its values.`,
  PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: (d, r) =>
    `Property "${d.subject}" of the ${r.original} schema is not declared in the ${r.update} schema, whose patternProperties/additionalProperties reject some of its values.`,
  PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: (d, r) =>
    `Property "${d.subject}" of the ${r.update} schema is covered by the patternProperties/additionalProperties of the ${r.original} schema.`,
  PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: (d, r) =>
    `Property "${d.subject}" of the ${r.update} schema is stricter than the patternProperties/additionalProperties of the ${r.original} schema.`,
  PATTERN_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL: (d, r) =>
    `The ${r.update} schema declares patternProperties "${d.subject}" on an object that is open in the ${r.original} schema.`,
  PATTERN_PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL: (d, r) =>
    `The ${r.update} schema declares patternProperties "${d.subject}" on an object that is closed in the ${r.original} schema.`,
  PATTERN_PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: (d, r) =>
    `The ${r.update} schema declares patternProperties "${d.subject}", no stricter than the ${r.original} schema's additionalProperties.`,
  PATTERN_PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: (d, r) =>
    `The ${r.update} schema declares patternProperties "${d.subject}", stricter than the ${r.original} schema's additionalProperties.`,
  PATTERN_PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL: (d, r) =>
    `patternProperties "${d.subject}" of the ${r.original} schema is absent from the ${r.update} schema; its open object accepts anything there.`,
  PATTERN_PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL: (d, r) =>
    `patternProperties "${d.subject}" of the ${r.original} schema is absent from the ${r.update} schema and its closed object rejects properties the ${r.original} schema allowed.`,
  PATTERN_PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: (d, r) =>
    `patternProperties "${d.subject}" of the ${r.original} schema is absent from the ${r.update} schema; its additionalProperties still accepts those values.`,
  PATTERN_PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: (d, r) =>
    `patternProperties "${d.subject}" of the ${r.original} schema is absent from the ${r.update} schema and its additionalProperties rejects some values the ${r.original} schema allowed.`,
  ADDITIONAL_ITEMS_ADDED: (_d, r) =>
    `The ${r.update} schema allows items beyond the tuple, which the ${r.original} schema forbade.`,
  ADDITIONAL_ITEMS_REMOVED: (_d, r) =>
    `The ${r.update} schema forbids items beyond the tuple, which the ${r.original} schema allowed.`,
  ADDITIONAL_ITEMS_EXTENDED: (_d, r) =>
    `The ${r.update} schema lets items beyond the tuple be anything; the ${r.original} schema constrained them.`,
  ADDITIONAL_ITEMS_NARROWED: (_d, r) =>
    `The ${r.update} schema constrains items beyond the tuple, which the ${r.original} schema left free.`,
  ITEM_ADDED_TO_OPEN_CONTENT_MODEL: (d, r) =>
    `The ${r.update} schema declares tuple item ${d.subject}, where the ${r.original} schema allowed anything.`,
  ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL: (d, r) =>
    `The ${r.update} schema declares tuple item ${d.subject} with an empty schema.`,
  ITEM_ADDED_TO_CLOSED_CONTENT_MODEL: (d, r) =>
    `The ${r.update} schema declares tuple item ${d.subject}, where the ${r.original} schema allowed no item.`,
  ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL: (d, r) =>
    `Tuple item ${d.subject} of the ${r.original} schema is absent from the ${r.update} schema; it still accepts any item there.`,
  ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL: (d, r) =>
    `Tuple item ${d.subject} of the ${r.original} schema is absent from the ${r.update} schema, which the ${r.original} schema forbade anyway.`,
  ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL: (d, r) =>
    `Tuple item ${d.subject} of the ${r.original} schema is absent from the ${r.update} schema and rejects items beyond its tuple, yet data written with the ${r.original} schema has one there.`,
  ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: (d, r) =>
    `Tuple item ${d.subject} of the ${r.original} schema is absent from the ${r.update} schema; its additionalItems still accepts it.`,
  ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: (d, r) =>
    `Tuple item ${d.subject} of the ${r.original} schema is absent from the ${r.update} schema and its additionalItems rejects some values the ${r.original} schema allowed.`,
  ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: (d, r) =>
    `The ${r.update} schema declares tuple item ${d.subject}, no stricter than the ${r.original} schema's additionalItems.`,
  ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: (d, r) =>
    `The ${r.update} schema declares tuple item ${d.subject}, stricter than the ${r.original} schema's additionalItems.`,
  UNEVALUATED_PROPERTIES_ADDED: (_d, r) =>
    `The ${r.update} schema allows unevaluated properties, which the ${r.original} schema forbade.`,
  UNEVALUATED_PROPERTIES_REMOVED: (_d, r) =>
    `The ${r.update} schema forbids unevaluated properties, which the ${r.original} schema allowed.`,
  UNEVALUATED_PROPERTIES_EXTENDED: (_d, r) =>
    `The ${r.update} schema lets unevaluated properties be anything; the ${r.original} schema constrained them.`,
  UNEVALUATED_PROPERTIES_NARROWED: (_d, r) =>
    `The ${r.update} schema constrains unevaluated properties, which the ${r.original} schema left free.`,
  UNEVALUATED_ITEMS_ADDED: (_d, r) =>
    `The ${r.update} schema allows unevaluated items, which the ${r.original} schema forbade.`,
  UNEVALUATED_ITEMS_REMOVED: (_d, r) =>
    `The ${r.update} schema forbids unevaluated items, which the ${r.original} schema allowed.`,
  UNEVALUATED_ITEMS_EXTENDED: (_d, r) =>
    `The ${r.update} schema lets unevaluated items be anything; the ${r.original} schema constrained them.`,
  UNEVALUATED_ITEMS_NARROWED: (_d, r) =>
    `The ${r.update} schema constrains unevaluated items, which the ${r.original} schema left free.`,
  PROPERTY_NAMES_ADDED: (_d, r) =>
    `The ${r.update} schema constrains property names, which the ${r.original} schema left free.`,
  PROPERTY_NAMES_REMOVED: (_d, r) => `The ${r.update} schema no longer constrains property names.`,
  CONTAINS_ADDED: (_d, r) =>
    `The ${r.update} schema requires an item matching "contains", which the ${r.original} schema did not.`,
  CONTAINS_REMOVED: (_d, r) => `The ${r.update} schema no longer requires an item matching "contains".`,
  CONDITION_ADDED: (_d, r) =>
    `The ${r.update} schema adds an if/then/else condition the ${r.original} schema did not have.`,
  CONDITION_REMOVED: (_d, r) => `The ${r.update} schema drops the if/then/else condition of the ${r.original} schema.`,
  CONDITION_CHANGED: (_d, r) =>
    `The "if" condition differs between the ${r.original} and the ${r.update} schema, so then/else apply to other data.`,
  UNIQUE_ITEMS_ADDED: (_d, r) => `The ${r.update} schema requires unique items; the ${r.original} schema did not.`,
  UNIQUE_ITEMS_REMOVED: (_d, r) => `The ${r.update} schema no longer requires unique items.`,
  ENUM_ARRAY_EXTENDED: (d, r) =>
    `Allowed values are ${show(d.originalValue, 'any')} in the ${r.original} schema and ${show(d.updateValue, 'any')} in the ${r.update} schema, a superset.`,
  ENUM_ARRAY_NARROWED: (d, r) =>
    `Allowed values are ${show(d.originalValue, 'any')} in the ${r.original} schema and ${show(d.updateValue, 'any')} in the ${r.update} schema, a subset.`,
  ENUM_ARRAY_CHANGED: (d, r) =>
    `Allowed values are ${show(d.originalValue, 'any')} in the ${r.original} schema and ${show(d.updateValue, 'any')} in the ${r.update} schema.`,
  COMBINED_TYPE_EXTENDED: (d, r) =>
    `The combination loosens to ${d.subject ?? 'a weaker criterion'} in the ${r.update} schema.`,
  COMBINED_TYPE_CHANGED: (d, r) =>
    `The ${r.update} schema combines subschemas with ${d.subject ?? 'another criterion'}, which does not admit everything the ${r.original} schema did.`,
  PRODUCT_TYPE_EXTENDED: (d, r) =>
    `allOf has ${show(d.updateValue)} subschemas in the ${r.update} schema against ${show(d.originalValue)} in the ${r.original} schema: more constraints.`,
  PRODUCT_TYPE_NARROWED: (d, r) =>
    d.subject === 'enum' || d.subject === 'const'
      ? `The ${r.update} schema drops the ${d.subject} constraint of the ${r.original} schema and keeps the rest: fewer constraints.`
      : `allOf has ${show(d.updateValue)} subschemas in the ${r.update} schema against ${show(d.originalValue)} in the ${r.original} schema: fewer constraints.`,
  SUM_TYPE_EXTENDED: (d, r) =>
    `${d.subject ?? 'oneOf/anyOf'} offers more alternatives in the ${r.update} schema than in the ${r.original} schema.`,
  SUM_TYPE_NARROWED: (d, r) =>
    `${d.subject ?? 'oneOf/anyOf'} has ${show(d.updateValue)} alternatives in the ${r.update} schema against ${show(d.originalValue)} in the ${r.original} schema.`,
  COMBINED_TYPE_SUBSCHEMAS_CHANGED: (d, r) =>
    `Some ${d.subject ?? 'combined'} subschemas of the ${r.original} schema have no compatible counterpart in the ${r.update} schema.`,
  NOT_TYPE_EXTENDED: (_d, r) => `"not" excludes more in the ${r.update} schema than in the ${r.original} schema.`,
  NOT_TYPE_NARROWED: (_d, r) => `"not" excludes less in the ${r.update} schema than in the ${r.original} schema.`,
};

export function describeDifference(difference: Difference, roles: Roles): string {
  const fixed = FIXED[difference.rule];
  if (fixed) return fixed(difference, roles);
  const match = /^(.*)_(ADDED|REMOVED|INCREASED|DECREASED)$/.exec(difference.rule);
  const keyword = (match && KEYWORD_OF[match[1]!]) ?? difference.subject ?? difference.rule;
  const o = show(difference.originalValue);
  const u = show(difference.updateValue);
  switch (match?.[2]) {
    case 'ADDED':
      return `${keyword} ${u} is set in the ${roles.update} schema and absent in the ${roles.original} schema.`;
    case 'REMOVED':
      return `${keyword} ${o} is set in the ${roles.original} schema and absent in the ${roles.update} schema.`;
    case 'INCREASED':
      return `${keyword} is ${o} in the ${roles.original} schema and ${u}, larger, in the ${roles.update} schema.`;
    case 'DECREASED':
      return `${keyword} is ${o} in the ${roles.original} schema and ${u}, smaller, in the ${roles.update} schema.`;
    default:
      return `${difference.rule} between the ${roles.original} and the ${roles.update} schema.`;
  }
}
