/**
 * The change table: each case is an old and a new schema (or a longer history for the transitive
 * modes), a mode and a policy, the expected verdict and the exact set of rule ids reported.
 * Shared by the table test and by docs/compatibility.md's examples.
 */
import type { CompatibilityMode, Policy } from '../../compat/diff/index.js';

export interface Case {
  name: string;
  /** Two or more versions, oldest first; the last one is the candidate. */
  versions: unknown[];
  mode?: CompatibilityMode;
  policy?: Policy;
  compatible: boolean;
  rules: string[];
  files?: Record<string, unknown>;
}

const obj = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'object',
  properties,
  ...extra,
});
const closed = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> =>
  obj(properties, { additionalProperties: false, ...extra });
const str = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ type: 'string', ...extra });
const num = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ type: 'number', ...extra });
const int = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ type: 'integer', ...extra });
const arr = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ type: 'array', ...extra });

export const cases: Case[] = [
  // ---- identical and metadata ---------------------------------------------------------------
  { name: 'identical schemas', versions: [closed({ a: str() }), closed({ a: str() })], compatible: true, rules: [] },
  {
    name: 'title changed',
    versions: [str({ title: 'A' }), str({ title: 'B' })],
    compatible: true,
    rules: ['TITLE_CHANGED'],
  },
  {
    name: 'description changed',
    versions: [str({ description: 'x' }), str({ description: 'y' })],
    compatible: true,
    rules: ['DESCRIPTION_CHANGED'],
  },
  {
    name: 'default changed',
    versions: [str({ default: 'a' }), str({ default: 'b' })],
    compatible: true,
    rules: ['DEFAULT_CHANGED'],
  },
  {
    name: 'examples changed',
    versions: [str({ examples: ['a'] }), str({ examples: ['b'] })],
    compatible: true,
    rules: ['EXAMPLES_CHANGED'],
  },
  {
    name: '$id changed',
    versions: [str({ $id: 'https://x.test/a.json' }), str({ $id: 'https://x.test/b.json' })],
    compatible: true,
    rules: ['ID_CHANGED'],
  },
  {
    name: '$comment changed',
    versions: [str({ $comment: 'a' }), str({ $comment: 'b' })],
    compatible: true,
    rules: ['COMMENT_CHANGED'],
  },
  {
    name: 'metadata under FULL',
    versions: [str({ title: 'A' }), str({ title: 'B' })],
    mode: 'FULL',
    compatible: true,
    rules: ['TITLE_CHANGED'],
  },

  // ---- types ---------------------------------------------------------------------------------
  { name: 'integer widened to number', versions: [int(), num()], compatible: true, rules: ['TYPE_EXTENDED'] },
  { name: 'number narrowed to integer', versions: [num(), int()], compatible: false, rules: ['TYPE_NARROWED'] },
  {
    name: 'number narrowed to integer, FORWARD',
    versions: [num(), int()],
    mode: 'FORWARD',
    compatible: true,
    rules: ['TYPE_EXTENDED'],
  },
  {
    name: 'integer to number, FULL',
    versions: [int(), num()],
    mode: 'FULL',
    compatible: false,
    rules: ['TYPE_EXTENDED', 'TYPE_NARROWED'],
  },
  { name: 'string to number', versions: [str(), num()], compatible: false, rules: ['TYPE_CHANGED'] },
  {
    name: 'made nullable with a type array',
    versions: [str(), { type: ['string', 'null'] }],
    compatible: true,
    rules: ['SUM_TYPE_EXTENDED'],
  },
  {
    name: 'nullable dropped from a type array',
    versions: [{ type: ['string', 'null'] }, str()],
    compatible: false,
    rules: ['TYPE_NARROWED'],
  },
  {
    name: 'OpenAPI nullable added',
    versions: [str(), str({ nullable: true })],
    compatible: true,
    rules: ['SUM_TYPE_EXTENDED'],
  },
  {
    name: 'type array reordered',
    versions: [{ type: ['null', 'string'] }, { type: ['string', 'null'] }],
    compatible: true,
    rules: [],
  },
  {
    name: 'union changed',
    versions: [{ type: ['string', 'null'] }, { type: ['number', 'null'] }],
    compatible: false,
    rules: ['TYPE_CHANGED'],
  },
  { name: 'type constraint removed entirely', versions: [str({ maxLength: 3 }), {}], compatible: true, rules: [] },
  {
    name: 'type constraint added to an empty schema',
    versions: [{}, str()],
    compatible: false,
    rules: ['TYPE_NARROWED'],
  },
  { name: 'schema becomes true', versions: [num({ minimum: 1 }), true], compatible: true, rules: [] },
  { name: 'schema becomes false', versions: [num(), false], compatible: false, rules: ['TYPE_CHANGED'] },
  { name: 'false schema loosened', versions: [false, num()], compatible: true, rules: [] },

  // ---- strings -------------------------------------------------------------------------------
  {
    name: 'maxLength decreased',
    versions: [str({ maxLength: 10 }), str({ maxLength: 5 })],
    compatible: false,
    rules: ['MAX_LENGTH_DECREASED'],
  },
  {
    name: 'maxLength increased',
    versions: [str({ maxLength: 5 }), str({ maxLength: 10 })],
    compatible: true,
    rules: ['MAX_LENGTH_INCREASED'],
  },
  { name: 'maxLength added', versions: [str(), str({ maxLength: 5 })], compatible: false, rules: ['MAX_LENGTH_ADDED'] },
  {
    name: 'maxLength removed',
    versions: [str({ maxLength: 5 }), str()],
    compatible: true,
    rules: ['MAX_LENGTH_REMOVED'],
  },
  {
    name: 'minLength increased',
    versions: [str({ minLength: 1 }), str({ minLength: 2 })],
    compatible: false,
    rules: ['MIN_LENGTH_INCREASED'],
  },
  {
    name: 'minLength decreased',
    versions: [str({ minLength: 2 }), str({ minLength: 1 })],
    compatible: true,
    rules: ['MIN_LENGTH_DECREASED'],
  },
  { name: 'minLength added', versions: [str(), str({ minLength: 1 })], compatible: false, rules: ['MIN_LENGTH_ADDED'] },
  {
    name: 'minLength removed',
    versions: [str({ minLength: 1 }), str()],
    compatible: true,
    rules: ['MIN_LENGTH_REMOVED'],
  },
  {
    name: 'maxLength decreased, FORWARD',
    versions: [str({ maxLength: 10 }), str({ maxLength: 5 })],
    mode: 'FORWARD',
    compatible: true,
    rules: ['MAX_LENGTH_INCREASED'],
  },
  { name: 'pattern added', versions: [str(), str({ pattern: '^a' })], compatible: false, rules: ['PATTERN_ADDED'] },
  { name: 'pattern removed', versions: [str({ pattern: '^a' }), str()], compatible: true, rules: ['PATTERN_REMOVED'] },
  {
    name: 'pattern changed',
    versions: [str({ pattern: '^a' }), str({ pattern: '^b' })],
    compatible: false,
    rules: ['PATTERN_CHANGED'],
  },
  { name: 'format added', versions: [str(), str({ format: 'uuid' })], compatible: false, rules: ['FORMAT_ADDED'] },
  { name: 'format removed', versions: [str({ format: 'uuid' }), str()], compatible: true, rules: ['FORMAT_REMOVED'] },
  {
    name: 'format changed',
    versions: [str({ format: 'uuid' }), str({ format: 'email' })],
    compatible: false,
    rules: ['FORMAT_CHANGED'],
  },

  // ---- numbers -------------------------------------------------------------------------------
  {
    name: 'maximum decreased',
    versions: [num({ maximum: 10 }), num({ maximum: 5 })],
    compatible: false,
    rules: ['MAXIMUM_DECREASED'],
  },
  {
    name: 'maximum increased',
    versions: [num({ maximum: 5 }), num({ maximum: 10 })],
    compatible: true,
    rules: ['MAXIMUM_INCREASED'],
  },
  { name: 'maximum added', versions: [num(), num({ maximum: 5 })], compatible: false, rules: ['MAXIMUM_ADDED'] },
  { name: 'maximum removed', versions: [num({ maximum: 5 }), num()], compatible: true, rules: ['MAXIMUM_REMOVED'] },
  {
    name: 'minimum increased',
    versions: [num({ minimum: 0 }), num({ minimum: 1 })],
    compatible: false,
    rules: ['MINIMUM_INCREASED'],
  },
  {
    name: 'minimum decreased',
    versions: [num({ minimum: 1 }), num({ minimum: 0 })],
    compatible: true,
    rules: ['MINIMUM_DECREASED'],
  },
  { name: 'minimum added', versions: [num(), num({ minimum: 0 })], compatible: false, rules: ['MINIMUM_ADDED'] },
  { name: 'minimum removed', versions: [int({ minimum: 0 }), int()], compatible: true, rules: ['MINIMUM_REMOVED'] },
  {
    name: 'exclusiveMaximum decreased',
    versions: [num({ exclusiveMaximum: 10 }), num({ exclusiveMaximum: 9 })],
    compatible: false,
    rules: ['EXCLUSIVE_MAXIMUM_DECREASED'],
  },
  {
    name: 'exclusiveMaximum increased',
    versions: [num({ exclusiveMaximum: 9 }), num({ exclusiveMaximum: 10 })],
    compatible: true,
    rules: ['EXCLUSIVE_MAXIMUM_INCREASED'],
  },
  {
    name: 'exclusiveMinimum added',
    versions: [num(), num({ exclusiveMinimum: 0 })],
    compatible: false,
    rules: ['EXCLUSIVE_MINIMUM_ADDED'],
  },
  {
    name: 'exclusiveMinimum removed',
    versions: [num({ exclusiveMinimum: 0 }), num()],
    compatible: true,
    rules: ['EXCLUSIVE_MINIMUM_REMOVED'],
  },
  {
    name: 'draft-04 exclusiveMaximum boolean read as a bound',
    versions: [num({ maximum: 10, exclusiveMaximum: true }), num({ exclusiveMaximum: 10 })],
    compatible: true,
    rules: [],
  },
  {
    name: 'multipleOf added',
    versions: [num(), num({ multipleOf: 2 })],
    compatible: false,
    rules: ['MULTIPLE_OF_ADDED'],
  },
  {
    name: 'multipleOf removed',
    versions: [num({ multipleOf: 2 }), num()],
    compatible: true,
    rules: ['MULTIPLE_OF_REMOVED'],
  },
  {
    name: 'multipleOf expanded (2 to 4)',
    versions: [num({ multipleOf: 2 }), num({ multipleOf: 4 })],
    compatible: false,
    rules: ['MULTIPLE_OF_EXPANDED'],
  },
  {
    name: 'multipleOf reduced (0.1 to 0.05)',
    versions: [num({ multipleOf: 0.1 }), num({ multipleOf: 0.05 })],
    compatible: true,
    rules: ['MULTIPLE_OF_REDUCED'],
  },
  {
    name: 'multipleOf changed (2 to 3)',
    versions: [num({ multipleOf: 2 }), num({ multipleOf: 3 })],
    compatible: false,
    rules: ['MULTIPLE_OF_CHANGED'],
  },

  // ---- enum and const ------------------------------------------------------------------------
  {
    name: 'enum extended',
    versions: [str({ enum: ['a', 'b'] }), str({ enum: ['a', 'b', 'c'] })],
    compatible: true,
    rules: ['ENUM_ARRAY_EXTENDED'],
  },
  {
    name: 'enum narrowed',
    versions: [str({ enum: ['a', 'b'] }), str({ enum: ['a'] })],
    compatible: false,
    rules: ['ENUM_ARRAY_NARROWED'],
  },
  {
    name: 'enum changed',
    versions: [str({ enum: ['a', 'b'] }), str({ enum: ['a', 'c'] })],
    compatible: false,
    rules: ['ENUM_ARRAY_CHANGED'],
  },
  {
    name: 'enum extended, FORWARD',
    versions: [str({ enum: ['a'] }), str({ enum: ['a', 'b'] })],
    mode: 'FORWARD',
    compatible: false,
    rules: ['ENUM_ARRAY_NARROWED'],
  },
  {
    name: 'enum extended, FULL',
    versions: [str({ enum: ['a'] }), str({ enum: ['a', 'b'] })],
    mode: 'FULL',
    compatible: false,
    rules: ['ENUM_ARRAY_EXTENDED', 'ENUM_ARRAY_NARROWED'],
  },
  {
    name: 'enum reordered',
    versions: [str({ enum: ['a', 'b'] }), str({ enum: ['b', 'a'] })],
    compatible: true,
    rules: [],
  },
  { name: 'enum added', versions: [str(), str({ enum: ['a'] })], compatible: false, rules: ['ENUM_ARRAY_NARROWED'] },
  {
    name: 'enum removed from a typed schema (a conjunct dropped, as Confluent)',
    versions: [str({ enum: ['a'] }), str()],
    compatible: true,
    rules: ['PRODUCT_TYPE_NARROWED'],
  },
  { name: 'enum removed (nothing else asserted)', versions: [{ enum: ['a'] }, {}], compatible: true, rules: [] },
  {
    name: 'const changed',
    versions: [{ const: 'v1' }, { const: 'v2' }],
    compatible: false,
    rules: ['ENUM_ARRAY_CHANGED'],
  },
  {
    name: 'const widened to an enum',
    versions: [{ const: 'v1' }, { enum: ['v1', 'v2'] }],
    compatible: true,
    rules: ['ENUM_ARRAY_EXTENDED'],
  },
  {
    name: 'enum of objects compared by value',
    versions: [{ enum: [{ a: 1, b: 2 }] }, { enum: [{ b: 2, a: 1 }] }],
    compatible: true,
    rules: [],
  },

  // ---- required ------------------------------------------------------------------------------
  {
    name: 'optional property made required',
    versions: [closed({ a: str() }), closed({ a: str() }, { required: ['a'] })],
    compatible: false,
    rules: ['REQUIRED_ATTRIBUTE_ADDED'],
  },
  {
    name: 'optional property made required with a default',
    versions: [closed({ a: str() }), closed({ a: str({ default: 'x' }) }, { required: ['a'] })],
    compatible: true,
    rules: ['DEFAULT_CHANGED', 'REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED'],
  },
  {
    name: 'required property made optional',
    versions: [closed({ a: str() }, { required: ['a'] }), closed({ a: str() })],
    compatible: true,
    rules: ['REQUIRED_ATTRIBUTE_REMOVED'],
  },
  {
    name: 'required property made optional, FORWARD',
    versions: [closed({ a: str() }, { required: ['a'] }), closed({ a: str() })],
    mode: 'FORWARD',
    compatible: false,
    rules: ['REQUIRED_ATTRIBUTE_ADDED'],
  },

  // ---- content models: closed ----------------------------------------------------------------
  {
    name: 'optional property added to a closed object',
    versions: [closed({ a: str() }), closed({ a: str(), b: str() })],
    compatible: true,
    rules: ['OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL'],
  },
  {
    name: 'required property added to a closed object',
    versions: [closed({ a: str() }), closed({ a: str(), b: str() }, { required: ['b'] })],
    compatible: false,
    rules: ['REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL'],
  },
  {
    name: 'required property with default added to a closed object',
    versions: [closed({ a: str() }), closed({ a: str(), b: str({ default: 'x' }) }, { required: ['b'] })],
    compatible: true,
    rules: ['REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL'],
  },
  {
    name: 'property removed from a closed object',
    versions: [closed({ a: str(), b: str() }), closed({ a: str() })],
    compatible: false,
    rules: ['PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL'],
  },
  {
    name: 'false property removed from a closed object',
    versions: [closed({ a: str(), b: false }), closed({ a: str() })],
    compatible: true,
    rules: ['PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL'],
  },
  {
    name: 'optional property added to a closed object, FORWARD',
    versions: [closed({ a: str() }), closed({ a: str(), b: str() })],
    mode: 'FORWARD',
    compatible: false,
    rules: ['PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL'],
  },
  {
    name: 'optional property added to a closed object, FULL',
    versions: [closed({ a: str() }), closed({ a: str(), b: str() })],
    mode: 'FULL',
    compatible: false,
    rules: ['OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL', 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL'],
  },
  {
    name: 'optional property added to a closed object, NONE',
    versions: [closed({ a: str() }), closed({ a: str(), b: str() }, { required: ['b'] })],
    mode: 'NONE',
    compatible: true,
    rules: ['REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL'],
  },

  // ---- content models: open ------------------------------------------------------------------
  {
    name: 'optional property added to an open object (STRICT)',
    versions: [obj({ a: str() }), obj({ a: str(), b: str() })],
    compatible: false,
    rules: ['OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL'],
  },
  {
    name: 'optional property added to an open object (LENIENT)',
    versions: [obj({ a: str() }), obj({ a: str(), b: str() })],
    policy: 'LENIENT',
    compatible: true,
    rules: ['OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL'],
  },
  {
    name: 'required property added to an open object (LENIENT still refuses)',
    versions: [obj({ a: str() }), obj({ a: str(), b: str() }, { required: ['b'] })],
    policy: 'LENIENT',
    compatible: false,
    rules: ['REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL'],
  },
  {
    name: 'required property with default added to an open object',
    versions: [obj({}), obj({ b: str({ default: 'x' }) }, { required: ['b'] })],
    compatible: false,
    rules: ['REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL'],
  },
  {
    name: 'empty-schema property added to an open object',
    versions: [obj({}), obj({ b: {} })],
    compatible: true,
    rules: ['PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL'],
  },
  {
    name: 'property removed from an open object',
    versions: [obj({ a: str(), b: str() }), obj({ a: str() })],
    compatible: true,
    rules: ['PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL'],
  },
  {
    name: 'optional property removed from an open object, FORWARD STRICT',
    versions: [obj({ a: str(), b: str() }), obj({ a: str() })],
    mode: 'FORWARD',
    compatible: false,
    rules: ['OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL'],
  },
  {
    name: 'optional property removed from an open object, FORWARD LENIENT',
    versions: [obj({ a: str(), b: str() }), obj({ a: str() })],
    mode: 'FORWARD',
    policy: 'LENIENT',
    compatible: true,
    rules: ['OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL'],
  },
  {
    name: 'optional property added to an open object, FULL LENIENT',
    versions: [obj({ a: str() }), obj({ a: str(), b: str() })],
    mode: 'FULL',
    policy: 'LENIENT',
    compatible: true,
    rules: ['OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL', 'PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL'],
  },

  // ---- content models: partially open --------------------------------------------------------
  {
    name: 'property added, covered by additionalProperties',
    versions: [
      obj({}, { additionalProperties: str() }),
      obj({ b: str({ description: 'b' }) }, { additionalProperties: str() }),
    ],
    compatible: true,
    rules: [
      'DESCRIPTION_CHANGED',
      'OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL',
      'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
    ],
  },
  {
    name: 'property added, stricter than additionalProperties',
    versions: [
      obj({}, { additionalProperties: str() }),
      obj({ b: str({ maxLength: 3 }) }, { additionalProperties: str() }),
    ],
    compatible: false,
    rules: [
      'MAX_LENGTH_ADDED',
      'OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL',
      'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
    ],
  },
  {
    name: 'property added, not covered by additionalProperties',
    versions: [obj({}, { additionalProperties: str() }), obj({ b: num() }, { additionalProperties: str() })],
    compatible: false,
    rules: [
      'OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL',
      'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
      'TYPE_CHANGED',
    ],
  },
  {
    name: 'property added, covered by patternProperties',
    versions: [
      obj({}, { patternProperties: { '^x_': str() } }),
      obj({ x_b: str() }, { patternProperties: { '^x_': str() } }),
    ],
    compatible: true,
    rules: [
      'OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL',
      'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
    ],
  },
  {
    name: 'property removed, covered by additionalProperties',
    versions: [obj({ b: str() }, { additionalProperties: str() }), obj({}, { additionalProperties: str() })],
    compatible: true,
    rules: ['PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'],
  },
  {
    name: 'property removed, not covered by patternProperties',
    versions: [
      obj({ x_b: num() }, { patternProperties: { '^x_': str() } }),
      obj({}, { patternProperties: { '^x_': str() } }),
    ],
    compatible: false,
    rules: ['PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', 'TYPE_CHANGED'],
  },
  {
    name: 'patternProperties schema narrowed',
    versions: [
      obj({}, { patternProperties: { '^x_': str() } }),
      obj({}, { patternProperties: { '^x_': str({ maxLength: 2 }) } }),
    ],
    compatible: false,
    rules: ['MAX_LENGTH_ADDED'],
  },
  {
    name: 'pattern property added to an open object',
    versions: [obj({}), obj({}, { patternProperties: { '^x_': str() } })],
    compatible: false,
    rules: ['PATTERN_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL'],
  },
  {
    name: 'pattern property added to a closed object',
    versions: [closed({}), closed({}, { patternProperties: { '^x_': str() } })],
    compatible: true,
    rules: [],
  },
  {
    name: 'pattern property removed, object now open',
    versions: [obj({}, { patternProperties: { '^x_': str() } }), obj({})],
    compatible: true,
    rules: [],
  },
  {
    name: 'pattern property removed from a closed object',
    versions: [closed({}, { patternProperties: { '^x_': str() } }), closed({})],
    compatible: false,
    rules: ['PATTERN_PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL'],
  },

  // ---- additionalProperties ------------------------------------------------------------------
  {
    name: 'object closed',
    versions: [obj({ a: str() }), closed({ a: str() })],
    compatible: false,
    rules: ['ADDITIONAL_PROPERTIES_REMOVED'],
  },
  {
    name: 'object opened',
    versions: [closed({ a: str() }), obj({ a: str() })],
    compatible: true,
    rules: ['ADDITIONAL_PROPERTIES_ADDED'],
  },
  {
    name: 'additionalProperties constrained',
    versions: [obj({}), obj({}, { additionalProperties: str() })],
    compatible: false,
    rules: ['ADDITIONAL_PROPERTIES_NARROWED'],
  },
  {
    name: 'additionalProperties freed',
    versions: [obj({}, { additionalProperties: str() }), obj({}, { additionalProperties: true })],
    compatible: true,
    rules: ['ADDITIONAL_PROPERTIES_EXTENDED'],
  },
  {
    name: 'additionalProperties schema widened',
    versions: [obj({}, { additionalProperties: int() }), obj({}, { additionalProperties: num() })],
    compatible: true,
    rules: ['TYPE_EXTENDED'],
  },

  // ---- min/maxProperties and dependencies ----------------------------------------------------
  {
    name: 'maxProperties decreased',
    versions: [obj({}, { maxProperties: 5 }), obj({}, { maxProperties: 4 })],
    compatible: false,
    rules: ['MAX_PROPERTIES_DECREASED'],
  },
  {
    name: 'maxProperties removed',
    versions: [obj({}, { maxProperties: 5 }), obj({})],
    compatible: true,
    rules: ['MAX_PROPERTIES_REMOVED'],
  },
  {
    name: 'minProperties added',
    versions: [obj({}), obj({}, { minProperties: 1 })],
    compatible: false,
    rules: ['MIN_PROPERTIES_ADDED'],
  },
  {
    name: 'minProperties decreased',
    versions: [obj({}, { minProperties: 2 }), obj({}, { minProperties: 1 })],
    compatible: true,
    rules: ['MIN_PROPERTIES_DECREASED'],
  },
  {
    name: 'dependency array added',
    versions: [closed({ a: str(), b: str() }), closed({ a: str(), b: str() }, { dependencies: { a: ['b'] } })],
    compatible: false,
    rules: ['DEPENDENCY_ARRAY_ADDED'],
  },
  {
    name: 'dependency array removed',
    versions: [closed({ a: str(), b: str() }, { dependencies: { a: ['b'] } }), closed({ a: str(), b: str() })],
    compatible: true,
    rules: ['DEPENDENCY_ARRAY_REMOVED'],
  },
  {
    name: 'dependency array extended',
    versions: [obj({}, { dependencies: { a: ['b'] } }), obj({}, { dependencies: { a: ['b', 'c'] } })],
    compatible: false,
    rules: ['DEPENDENCY_ARRAY_EXTENDED'],
  },
  {
    name: 'dependency array narrowed (dependentRequired)',
    versions: [obj({}, { dependentRequired: { a: ['b', 'c'] } }), obj({}, { dependentRequired: { a: ['b'] } })],
    compatible: true,
    rules: ['DEPENDENCY_ARRAY_NARROWED'],
  },
  {
    name: 'dependency array changed',
    versions: [obj({}, { dependencies: { a: ['b'] } }), obj({}, { dependencies: { a: ['c'] } })],
    compatible: false,
    rules: ['DEPENDENCY_ARRAY_CHANGED'],
  },
  {
    name: 'dependency schema added',
    versions: [obj({}), obj({}, { dependencies: { a: { required: ['b'] } } })],
    compatible: false,
    rules: ['DEPENDENCY_SCHEMA_ADDED'],
  },
  {
    name: 'dependency schema removed',
    versions: [obj({}, { dependencies: { a: { required: ['b'] } } }), obj({})],
    compatible: true,
    rules: ['DEPENDENCY_SCHEMA_REMOVED'],
  },

  // ---- nested objects ------------------------------------------------------------------------
  {
    name: 'nested: maxLength decreased three levels down',
    versions: [
      closed({ a: closed({ b: closed({ c: str({ maxLength: 9 }) }) }) }),
      closed({ a: closed({ b: closed({ c: str({ maxLength: 8 }) }) }) }),
    ],
    compatible: false,
    rules: ['MAX_LENGTH_DECREASED'],
  },
  {
    name: 'nested: required property added two levels down',
    versions: [
      closed({ a: closed({ b: closed({}) }) }),
      closed({ a: closed({ b: closed({ c: str() }, { required: ['c'] }) }) }),
    ],
    compatible: false,
    rules: ['REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL'],
  },
  {
    name: 'nested: property of array items widened',
    versions: [arr({ items: closed({ n: int() }) }), arr({ items: closed({ n: num() }) })],
    compatible: true,
    rules: ['TYPE_EXTENDED'],
  },

  // ---- arrays --------------------------------------------------------------------------------
  {
    name: 'items type narrowed',
    versions: [arr({ items: num() }), arr({ items: int() })],
    compatible: false,
    rules: ['TYPE_NARROWED'],
  },
  { name: 'items schema added', versions: [arr(), arr({ items: str() })], compatible: false, rules: ['SCHEMA_ADDED'] },
  {
    name: 'items schema removed',
    versions: [arr({ items: str() }), arr()],
    compatible: true,
    rules: ['SCHEMA_REMOVED'],
  },
  {
    name: 'maxItems decreased',
    versions: [arr({ maxItems: 3 }), arr({ maxItems: 2 })],
    compatible: false,
    rules: ['MAX_ITEMS_DECREASED'],
  },
  {
    name: 'maxItems increased',
    versions: [arr({ maxItems: 2 }), arr({ maxItems: 3 })],
    compatible: true,
    rules: ['MAX_ITEMS_INCREASED'],
  },
  { name: 'minItems added', versions: [arr(), arr({ minItems: 1 })], compatible: false, rules: ['MIN_ITEMS_ADDED'] },
  { name: 'minItems removed', versions: [arr({ minItems: 1 }), arr()], compatible: true, rules: ['MIN_ITEMS_REMOVED'] },
  {
    name: 'uniqueItems added',
    versions: [arr(), arr({ uniqueItems: true })],
    compatible: false,
    rules: ['UNIQUE_ITEMS_ADDED'],
  },
  {
    name: 'uniqueItems removed',
    versions: [arr({ uniqueItems: true }), arr({ uniqueItems: false })],
    compatible: true,
    rules: ['UNIQUE_ITEMS_REMOVED'],
  },
  {
    name: 'tuple item added to a closed tuple',
    versions: [arr({ items: [str()], additionalItems: false }), arr({ items: [str(), num()], additionalItems: false })],
    compatible: true,
    rules: ['ITEM_ADDED_TO_CLOSED_CONTENT_MODEL'],
  },
  {
    name: 'tuple item added to an open tuple',
    versions: [arr({ items: [str()] }), arr({ items: [str(), num()] })],
    compatible: false,
    rules: ['ITEM_ADDED_TO_OPEN_CONTENT_MODEL'],
  },
  {
    name: 'empty tuple item added to an open tuple',
    versions: [arr({ items: [str()] }), arr({ items: [str(), {}] })],
    compatible: true,
    rules: ['ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL'],
  },
  {
    name: 'tuple item removed from an open tuple',
    versions: [arr({ items: [str(), num()] }), arr({ items: [str()] })],
    compatible: true,
    rules: ['ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL'],
  },
  {
    name: 'tuple item removed from a closed tuple',
    versions: [arr({ items: [str(), num()], additionalItems: false }), arr({ items: [str()], additionalItems: false })],
    compatible: false,
    rules: ['ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL'],
  },
  {
    name: 'tuple item added, covered by additionalItems',
    versions: [arr({ items: [str()], additionalItems: num() }), arr({ items: [str(), num()], additionalItems: num() })],
    compatible: true,
    rules: ['ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'],
  },
  {
    name: 'tuple item added, stricter than additionalItems',
    versions: [arr({ items: [str()], additionalItems: num() }), arr({ items: [str(), int()], additionalItems: num() })],
    compatible: false,
    rules: ['ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', 'TYPE_NARROWED'],
  },
  {
    name: 'tuple item removed, not covered by additionalItems',
    versions: [arr({ items: [str(), str()], additionalItems: num() }), arr({ items: [str()], additionalItems: num() })],
    compatible: false,
    rules: ['ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', 'TYPE_CHANGED'],
  },
  {
    name: 'additionalItems forbidden',
    versions: [arr({ items: [str()] }), arr({ items: [str()], additionalItems: false })],
    compatible: false,
    rules: ['ADDITIONAL_ITEMS_REMOVED'],
  },
  {
    name: 'additionalItems allowed',
    versions: [arr({ items: [str()], additionalItems: false }), arr({ items: [str()] })],
    compatible: true,
    rules: ['ADDITIONAL_ITEMS_ADDED'],
  },
  {
    name: 'additionalItems constrained',
    versions: [arr({ items: [str()] }), arr({ items: [str()], additionalItems: str() })],
    compatible: false,
    rules: ['ADDITIONAL_ITEMS_NARROWED'],
  },
  {
    name: 'prefixItems tuple grows in a closed tuple (2020-12)',
    versions: [arr({ prefixItems: [str()], items: false }), arr({ prefixItems: [str(), num()], items: false })],
    compatible: true,
    rules: ['ITEM_ADDED_TO_CLOSED_CONTENT_MODEL'],
  },

  // ---- oneOf / anyOf / allOf / not -----------------------------------------------------------
  {
    name: 'oneOf alternative added',
    versions: [{ oneOf: [str(), num()] }, { oneOf: [str(), num(), { type: 'boolean' }] }],
    compatible: true,
    rules: ['SUM_TYPE_EXTENDED'],
  },
  {
    name: 'oneOf alternative removed',
    versions: [{ oneOf: [str(), num()] }, { oneOf: [str()] }],
    compatible: false,
    rules: ['SUM_TYPE_NARROWED'],
  },
  {
    name: 'anyOf branches changed incompatibly',
    versions: [{ anyOf: [str(), num()] }, { anyOf: [str(), { type: 'boolean' }] }],
    compatible: false,
    rules: ['COMBINED_TYPE_SUBSCHEMAS_CHANGED'],
  },
  {
    name: 'anyOf branch loosened',
    versions: [{ anyOf: [str({ maxLength: 3 }), num()] }, { anyOf: [str({ maxLength: 5 }), num()] }],
    compatible: true,
    rules: ['MAX_LENGTH_INCREASED'],
  },
  {
    name: 'allOf conjunct added',
    versions: [{ allOf: [obj({ a: str() })] }, { allOf: [obj({ a: str() }), { required: ['a'] }] }],
    compatible: false,
    rules: ['PRODUCT_TYPE_EXTENDED'],
  },
  {
    name: 'allOf conjunct removed',
    versions: [{ allOf: [obj({ a: str() }), { required: ['a'] }] }, { allOf: [obj({ a: str() })] }],
    compatible: true,
    rules: ['PRODUCT_TYPE_NARROWED'],
  },
  {
    name: 'oneOf loosened to anyOf',
    versions: [{ oneOf: [str(), num()] }, { anyOf: [str(), num()] }],
    compatible: true,
    rules: ['COMBINED_TYPE_EXTENDED'],
  },
  {
    name: 'anyOf tightened to oneOf',
    versions: [{ anyOf: [str(), num()] }, { oneOf: [str(), num()] }],
    compatible: false,
    rules: ['COMBINED_TYPE_CHANGED'],
  },
  {
    name: 'plain schema widened into a oneOf',
    versions: [str(), { oneOf: [str(), { type: 'null' }] }],
    compatible: true,
    rules: ['SUM_TYPE_EXTENDED'],
  },
  {
    name: 'plain schema replaced by an unrelated oneOf',
    versions: [str(), { oneOf: [num(), { type: 'null' }] }],
    compatible: false,
    rules: ['TYPE_CHANGED'],
  },
  {
    name: 'oneOf collapsed to one of its branches',
    versions: [{ oneOf: [str(), { type: 'null' }] }, str()],
    compatible: false,
    rules: ['TYPE_CHANGED'],
  },
  {
    name: 'oneOf collapsed to a wider plain schema',
    versions: [{ oneOf: [str(), { type: 'null' }] }, { type: ['string', 'null'] }],
    compatible: true,
    rules: ['SUM_TYPE_EXTENDED'],
  },
  {
    name: 'not added',
    versions: [str(), str({ not: { const: 'x' } })],
    compatible: false,
    rules: ['NOT_TYPE_EXTENDED'],
  },
  {
    name: 'not removed',
    versions: [str({ not: { const: 'x' } }), str()],
    compatible: true,
    rules: ['NOT_TYPE_NARROWED'],
  },
  {
    name: 'not excludes less',
    versions: [{ not: { enum: ['a', 'b'] } }, { not: { enum: ['a'] } }],
    compatible: true,
    rules: ['NOT_TYPE_NARROWED'],
  },
  {
    name: 'not excludes more',
    versions: [{ not: { enum: ['a'] } }, { not: { enum: ['a', 'b'] } }],
    compatible: false,
    rules: ['NOT_TYPE_EXTENDED'],
  },

  // ---- $ref ----------------------------------------------------------------------------------
  {
    name: 'internal $ref target narrowed',
    versions: [
      { definitions: { Id: str({ maxLength: 36 }) }, ...closed({ id: { $ref: '#/definitions/Id' } }) },
      { definitions: { Id: str({ maxLength: 20 }) }, ...closed({ id: { $ref: '#/definitions/Id' } }) },
    ],
    compatible: false,
    rules: ['MAX_LENGTH_DECREASED'],
  },
  {
    name: 'inline schema moved behind a $ref unchanged',
    versions: [
      closed({ id: str({ maxLength: 36 }) }),
      { $defs: { Id: str({ maxLength: 36 }) }, ...closed({ id: { $ref: '#/$defs/Id' } }) },
    ],
    compatible: true,
    rules: [],
  },
  {
    name: 'cross-file $ref resolved against $id',
    versions: [
      { $id: 'https://s.test/events/a/1.json', ...closed({ id: { $ref: '../common/ids.json#/definitions/Uuid' } }) },
      { $id: 'https://s.test/events/a/1.json', ...closed({ id: { $ref: '../common/ids2.json#/definitions/Uuid' } }) },
    ],
    files: {
      '/common/ids.json': {
        $id: 'https://s.test/events/common/ids.json',
        definitions: { Uuid: str({ format: 'uuid' }) },
      },
      '/common/ids2.json': {
        $id: 'https://s.test/events/common/ids2.json',
        definitions: { Uuid: str({ format: 'uuid', maxLength: 36 }) },
      },
    },
    compatible: false,
    rules: ['MAX_LENGTH_ADDED'],
  },
  {
    name: 'recursive schema: nested node narrowed',
    versions: [
      {
        definitions: { Node: closed({ name: str(), children: arr({ items: { $ref: '#/definitions/Node' } }) }) },
        $ref: '#/definitions/Node',
      },
      {
        definitions: {
          Node: closed({ name: str({ maxLength: 5 }), children: arr({ items: { $ref: '#/definitions/Node' } }) }),
        },
        $ref: '#/definitions/Node',
      },
    ],
    compatible: false,
    rules: ['MAX_LENGTH_ADDED'],
  },
  {
    name: 'recursive schema: unchanged',
    versions: [
      {
        definitions: { Node: closed({ children: arr({ items: { $ref: '#/definitions/Node' } }) }) },
        $ref: '#/definitions/Node',
      },
      {
        definitions: { Node: closed({ children: arr({ items: { $ref: '#/definitions/Node' } }) }) },
        $ref: '#/definitions/Node',
      },
    ],
    compatible: true,
    rules: [],
  },

  // ---- the remaining bounds and content-model variants ----------------------------------------
  {
    name: 'exclusiveMaximum added',
    versions: [num(), num({ exclusiveMaximum: 10 })],
    compatible: false,
    rules: ['EXCLUSIVE_MAXIMUM_ADDED'],
  },
  {
    name: 'exclusiveMaximum removed',
    versions: [num({ exclusiveMaximum: 10 }), num()],
    compatible: true,
    rules: ['EXCLUSIVE_MAXIMUM_REMOVED'],
  },
  {
    name: 'exclusiveMinimum increased',
    versions: [num({ exclusiveMinimum: 0 }), num({ exclusiveMinimum: 1 })],
    compatible: false,
    rules: ['EXCLUSIVE_MINIMUM_INCREASED'],
  },
  {
    name: 'exclusiveMinimum decreased',
    versions: [num({ exclusiveMinimum: 1 }), num({ exclusiveMinimum: 0 })],
    compatible: true,
    rules: ['EXCLUSIVE_MINIMUM_DECREASED'],
  },
  {
    name: 'maxProperties added',
    versions: [obj({}), obj({}, { maxProperties: 5 })],
    compatible: false,
    rules: ['MAX_PROPERTIES_ADDED'],
  },
  {
    name: 'maxProperties increased',
    versions: [obj({}, { maxProperties: 4 }), obj({}, { maxProperties: 5 })],
    compatible: true,
    rules: ['MAX_PROPERTIES_INCREASED'],
  },
  {
    name: 'minProperties removed',
    versions: [obj({}, { minProperties: 1 }), obj({})],
    compatible: true,
    rules: ['MIN_PROPERTIES_REMOVED'],
  },
  {
    name: 'minProperties increased',
    versions: [obj({}, { minProperties: 1 }), obj({}, { minProperties: 2 })],
    compatible: false,
    rules: ['MIN_PROPERTIES_INCREASED'],
  },
  {
    name: 'pattern property added, covered by additionalProperties',
    versions: [
      obj({}, { additionalProperties: str() }),
      obj({}, { additionalProperties: str(), patternProperties: { '^x_': str() } }),
    ],
    compatible: true,
    rules: [],
  },
  {
    name: 'pattern property added, stricter than additionalProperties',
    versions: [
      obj({}, { additionalProperties: str() }),
      obj({}, { additionalProperties: str(), patternProperties: { '^x_': str({ maxLength: 3 }) } }),
    ],
    compatible: false,
    rules: ['MAX_LENGTH_ADDED', 'PATTERN_PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'],
  },
  {
    name: 'pattern property removed, covered by additionalProperties',
    versions: [
      obj({}, { additionalProperties: str(), patternProperties: { '^x_': str({ maxLength: 3 }) } }),
      obj({}, { additionalProperties: str() }),
    ],
    compatible: true,
    rules: ['MAX_LENGTH_REMOVED'],
  },
  {
    name: 'pattern property removed, not covered by additionalProperties',
    versions: [
      obj({}, { additionalProperties: str(), patternProperties: { '^x_': num() } }),
      obj({}, { additionalProperties: str() }),
    ],
    compatible: false,
    rules: ['PATTERN_PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', 'TYPE_CHANGED'],
  },
  { name: 'maxItems added', versions: [arr(), arr({ maxItems: 3 })], compatible: false, rules: ['MAX_ITEMS_ADDED'] },
  { name: 'maxItems removed', versions: [arr({ maxItems: 3 }), arr()], compatible: true, rules: ['MAX_ITEMS_REMOVED'] },
  {
    name: 'minItems increased',
    versions: [arr({ minItems: 1 }), arr({ minItems: 2 })],
    compatible: false,
    rules: ['MIN_ITEMS_INCREASED'],
  },
  {
    name: 'minItems decreased',
    versions: [arr({ minItems: 2 }), arr({ minItems: 1 })],
    compatible: true,
    rules: ['MIN_ITEMS_DECREASED'],
  },
  {
    name: 'additionalItems freed',
    versions: [arr({ items: [str()], additionalItems: num() }), arr({ items: [str()], additionalItems: true })],
    compatible: true,
    rules: ['ADDITIONAL_ITEMS_EXTENDED'],
  },
  {
    name: 'false tuple item removed from a closed tuple',
    versions: [arr({ items: [str(), false], additionalItems: false }), arr({ items: [str()], additionalItems: false })],
    compatible: true,
    rules: ['ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL'],
  },
  {
    name: 'tuple item removed, covered by additionalItems',
    versions: [arr({ items: [str(), int()], additionalItems: num() }), arr({ items: [str()], additionalItems: num() })],
    compatible: true,
    rules: ['ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', 'TYPE_EXTENDED'],
  },

  // ---- transitive modes ----------------------------------------------------------------------
  {
    name: 'BACKWARD only looks at the previous version',
    // v2 added a required property (breaking against v1), v3 equals v2: only v2 → v3 is checked.
    versions: [
      closed({ a: str() }),
      closed({ a: str(), b: str() }, { required: ['b'] }),
      closed({ a: str(), b: str() }, { required: ['b'] }),
    ],
    compatible: true,
    rules: [],
  },
  {
    name: 'BACKWARD passes where BACKWARD_TRANSITIVE fails (v1 → v3)',
    versions: [str({ maxLength: 10 }), str({ maxLength: 5 }), str({ maxLength: 5 })],
    mode: 'BACKWARD',
    compatible: true,
    rules: [],
  },
  {
    name: 'BACKWARD_TRANSITIVE compares with every earlier version',
    versions: [str({ maxLength: 10 }), str({ maxLength: 5 }), str({ maxLength: 5 })],
    mode: 'BACKWARD_TRANSITIVE',
    compatible: false,
    rules: ['MAX_LENGTH_DECREASED'],
  },
  {
    name: 'FORWARD_TRANSITIVE: v1 readers cannot read v3',
    versions: [str({ maxLength: 5 }), str({ maxLength: 10 }), str({ maxLength: 10 })],
    mode: 'FORWARD_TRANSITIVE',
    compatible: false,
    rules: ['MAX_LENGTH_DECREASED'],
  },
  {
    name: 'FULL_TRANSITIVE: metadata only across three versions',
    versions: [str({ title: 'a' }), str({ title: 'b' }), str({ title: 'c' })],
    mode: 'FULL_TRANSITIVE',
    compatible: true,
    rules: ['TITLE_CHANGED'],
  },
  {
    name: 'NONE accepts anything',
    versions: [str(), num()],
    mode: 'NONE',
    compatible: true,
    rules: ['TYPE_CHANGED'],
  },
];
