/**
 * The families of Confluent's published JSON Schema diff cases, restated here (our own schemas,
 * not Confluent's), plus the keywords Confluent does not compare. Each case: old → new, the
 * STRICT verdict and rule ids, and the LENIENT verdict where it differs.
 */
import type { Case } from './diff-cases.js';

export interface FamilyCase extends Case {
  family: string;
  /** The verdict under LENIENT when it differs from STRICT's. */
  lenient?: boolean;
}

const S2020 = 'https://json-schema.org/draft/2020-12/schema';
/** A draft 2020-12 document. */
const d = (schema: Record<string, unknown>): Record<string, unknown> => ({ $schema: S2020, ...schema });
const str = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ type: 'string', ...extra });
const num = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ type: 'number', ...extra });
const props = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> =>
  d({ type: 'object', properties, ...extra });
const tuple = (prefixItems: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> =>
  d({ type: 'array', prefixItems, ...extra });

export const families: FamilyCase[] = [
  // ---- unevaluatedProperties as the content model -------------------------------------------
  {
    family: 'unevaluatedProperties',
    name: 'optional property added where unevaluatedProperties is false (closed)',
    versions: [
      props({ a: str() }, { unevaluatedProperties: false }),
      props({ a: str(), b: num() }, { unevaluatedProperties: false }),
    ],
    compatible: true,
    rules: ['OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL'],
  },
  {
    family: 'unevaluatedProperties',
    name: 'property removed where unevaluatedProperties is false',
    versions: [
      props({ a: str(), b: num() }, { unevaluatedProperties: false }),
      props({ a: str() }, { unevaluatedProperties: false }),
    ],
    compatible: false,
    lenient: true,
    rules: ['PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL'],
  },
  {
    family: 'unevaluatedProperties',
    name: 'property added, covered by the unevaluatedProperties schema',
    versions: [
      props({ a: str() }, { unevaluatedProperties: str() }),
      props({ a: str(), b: str({ maxLength: 9 }) }, { unevaluatedProperties: str() }),
    ],
    compatible: false,
    rules: [
      'MAX_LENGTH_ADDED',
      'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
      'OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL',
    ],
  },
  {
    family: 'unevaluatedProperties',
    name: 'property added, no stricter than the unevaluatedProperties schema',
    versions: [
      props({ a: str() }, { unevaluatedProperties: str({ maxLength: 9 }) }),
      props({ a: str(), b: str() }, { unevaluatedProperties: str({ maxLength: 9 }) }),
    ],
    compatible: true,
    rules: [
      'MAX_LENGTH_REMOVED',
      'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
      'OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL',
    ],
  },
  {
    family: 'unevaluatedProperties',
    name: 'required property added to a partially open (unevaluated) model',
    versions: [
      props({ a: str() }, { unevaluatedProperties: str() }),
      props({ a: str(), b: str() }, { unevaluatedProperties: str(), required: ['b'] }),
    ],
    compatible: false,
    rules: [
      'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
      'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL',
    ],
  },
  {
    family: 'unevaluatedProperties',
    name: 'unevaluatedProperties: false added',
    versions: [props({ a: str() }), props({ a: str() }, { unevaluatedProperties: false })],
    compatible: false,
    lenient: true,
    rules: ['UNEVALUATED_PROPERTIES_REMOVED'],
  },
  {
    family: 'unevaluatedProperties',
    name: 'unevaluatedProperties: false dropped',
    versions: [props({ a: str() }, { unevaluatedProperties: false }), props({ a: str() })],
    compatible: true,
    rules: ['UNEVALUATED_PROPERTIES_ADDED'],
  },
  {
    family: 'unevaluatedProperties',
    name: 'unevaluatedProperties schema added to an open object',
    versions: [props({ a: str() }), props({ a: str() }, { unevaluatedProperties: num() })],
    compatible: false,
    lenient: true,
    rules: ['UNEVALUATED_PROPERTIES_NARROWED'],
  },
  {
    family: 'unevaluatedProperties',
    name: 'unevaluatedProperties schema relaxed to true',
    versions: [
      props({ a: str() }, { unevaluatedProperties: num() }),
      props({ a: str() }, { unevaluatedProperties: true }),
    ],
    compatible: true,
    rules: ['UNEVALUATED_PROPERTIES_EXTENDED'],
  },
  {
    family: 'unevaluatedProperties',
    name: 'unevaluatedProperties schema changed',
    versions: [
      props({ a: str() }, { unevaluatedProperties: num() }),
      props({ a: str() }, { unevaluatedProperties: str() }),
    ],
    compatible: false,
    rules: ['TYPE_CHANGED'],
  },

  // ---- prefixItems, items, unevaluatedItems ---------------------------------------------------
  {
    family: 'prefixItems',
    name: 'tuple item added, covered by items',
    versions: [tuple([str()], { items: num() }), tuple([str(), num()], { items: num() })],
    compatible: true,
    rules: ['ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'],
  },
  {
    family: 'prefixItems',
    name: 'tuple item added, stricter than items',
    versions: [tuple([str()], { items: num() }), tuple([str(), str()], { items: num() })],
    compatible: false,
    rules: ['TYPE_CHANGED', 'ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'],
  },
  {
    family: 'prefixItems',
    name: 'tuple item removed, items: false',
    versions: [tuple([str(), num()], { items: false }), tuple([str()], { items: false })],
    compatible: false,
    rules: ['ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL'],
  },
  {
    family: 'prefixItems',
    name: 'tuple item added to an open tuple',
    versions: [tuple([str()]), tuple([str(), num()])],
    compatible: false,
    rules: ['ITEM_ADDED_TO_OPEN_CONTENT_MODEL'],
  },
  {
    family: 'prefixItems',
    name: 'items: true becomes false (no items at all)',
    versions: [d({ items: true }), d({ items: false })],
    compatible: false,
    rules: ['ADDITIONAL_ITEMS_REMOVED'],
  },
  {
    family: 'prefixItems',
    name: 'items schema beside prefixItems narrowed from absent',
    versions: [tuple([str()]), tuple([str()], { items: num() })],
    compatible: false,
    rules: ['ADDITIONAL_ITEMS_NARROWED'],
  },
  {
    family: 'items (draft-07)',
    name: 'additionalItems does nothing without a tuple: a tuple now constraining extra items refuses',
    versions: [
      { type: 'array', items: {}, additionalItems: false },
      { type: 'array', items: [{}], additionalItems: { type: 'integer' } },
    ],
    compatible: false,
    rules: ['SCHEMA_REMOVED', 'ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL', 'ADDITIONAL_ITEMS_NARROWED'],
  },
  {
    family: 'items (draft-07)',
    name: 'items as one schema becomes a tuple it covers',
    versions: [
      { type: 'array', items: { type: 'integer' } },
      { type: 'array', items: [{ type: 'integer' }, { type: 'number' }] },
    ],
    compatible: true,
    rules: [
      'SCHEMA_REMOVED',
      'ADDITIONAL_ITEMS_EXTENDED',
      'ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
      'TYPE_EXTENDED',
    ],
  },
  {
    family: 'lenient',
    name: 'required property with an empty schema added to an open object (still required)',
    versions: [{ type: 'object' }, { type: 'object', properties: { foo: true }, required: ['foo'] }],
    compatible: false,
    rules: ['REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL'],
  },
  {
    family: '$defs',
    name: 'a $ref with a percent-encoded pointer ("%25") resolves once',
    versions: [
      { definitions: { 'a%b': { type: 'string' } }, $ref: '#/definitions/a%25b' },
      { definitions: { 'a%b': { type: 'number' } }, $ref: '#/definitions/a%25b' },
    ],
    compatible: false,
    rules: ['TYPE_CHANGED'],
  },
  {
    family: 'unevaluatedItems',
    name: 'tuple item removed, covered by unevaluatedItems',
    versions: [tuple([str(), num()], { unevaluatedItems: num() }), tuple([str()], { unevaluatedItems: num() })],
    compatible: true,
    rules: ['ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'],
  },
  {
    family: 'unevaluatedItems',
    name: 'tuple item removed, not covered by unevaluatedItems',
    versions: [tuple([str(), num()], { unevaluatedItems: str() }), tuple([str()], { unevaluatedItems: str() })],
    compatible: false,
    rules: ['TYPE_CHANGED', 'ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'],
  },
  {
    family: 'unevaluatedItems',
    name: 'tuple item added where unevaluatedItems is false',
    versions: [tuple([str()], { unevaluatedItems: false }), tuple([str(), num()], { unevaluatedItems: false })],
    compatible: true,
    rules: ['ITEM_ADDED_TO_CLOSED_CONTENT_MODEL'],
  },
  {
    family: 'unevaluatedItems',
    name: 'unevaluatedItems: false added',
    versions: [tuple([str()]), tuple([str()], { unevaluatedItems: false })],
    compatible: false,
    rules: ['UNEVALUATED_ITEMS_REMOVED'],
  },
  {
    family: 'unevaluatedItems',
    name: 'unevaluatedItems: false relaxed to a schema',
    versions: [tuple([str()], { unevaluatedItems: false }), tuple([str()], { unevaluatedItems: num() })],
    compatible: true,
    rules: ['UNEVALUATED_ITEMS_ADDED'],
  },
  {
    family: 'unevaluatedItems',
    name: 'unevaluatedItems schema added',
    versions: [tuple([str()]), tuple([str()], { unevaluatedItems: num() })],
    compatible: false,
    rules: ['UNEVALUATED_ITEMS_NARROWED'],
  },
  {
    family: 'unevaluatedItems',
    name: 'unevaluatedItems schema dropped',
    versions: [tuple([str()], { unevaluatedItems: num() }), tuple([str()])],
    compatible: true,
    rules: ['UNEVALUATED_ITEMS_EXTENDED'],
  },

  // ---- contains, minContains, maxContains -----------------------------------------------------
  {
    family: 'contains',
    name: 'minContains raised',
    versions: [
      d({ type: 'array', contains: num(), minContains: 2 }),
      d({ type: 'array', contains: num(), minContains: 3 }),
    ],
    compatible: false,
    rules: ['MIN_CONTAINS_INCREASED'],
  },
  {
    family: 'contains',
    name: 'minContains 2 dropped (back to the default, 1)',
    versions: [d({ type: 'array', contains: num(), minContains: 2 }), d({ type: 'array', contains: num() })],
    compatible: true,
    rules: ['MIN_CONTAINS_DECREASED'],
  },
  {
    family: 'contains',
    name: 'minContains 1 written out (the default)',
    versions: [d({ type: 'array', contains: num() }), d({ type: 'array', contains: num(), minContains: 1 })],
    compatible: true,
    rules: [],
  },
  {
    family: 'contains',
    name: 'maxContains added',
    versions: [d({ type: 'array', contains: num() }), d({ type: 'array', contains: num(), maxContains: 4 })],
    compatible: false,
    rules: ['MAX_CONTAINS_ADDED'],
  },
  {
    family: 'contains',
    name: 'maxContains raised',
    versions: [
      d({ type: 'array', contains: num(), maxContains: 2 }),
      d({ type: 'array', contains: num(), maxContains: 4 }),
    ],
    compatible: true,
    rules: ['MAX_CONTAINS_INCREASED'],
  },
  {
    family: 'contains',
    name: 'maxContains lowered',
    versions: [
      d({ type: 'array', contains: num(), maxContains: 4 }),
      d({ type: 'array', contains: num(), maxContains: 2 }),
    ],
    compatible: false,
    rules: ['MAX_CONTAINS_DECREASED'],
  },
  {
    family: 'contains',
    name: 'maxContains removed',
    versions: [d({ type: 'array', contains: num(), maxContains: 4 }), d({ type: 'array', contains: num() })],
    compatible: true,
    rules: ['MAX_CONTAINS_REMOVED'],
  },
  {
    family: 'contains',
    name: 'contains added',
    versions: [d({ type: 'array' }), d({ type: 'array', contains: num() })],
    compatible: false,
    rules: ['CONTAINS_ADDED'],
  },
  {
    family: 'contains',
    name: 'contains widened from integer to number',
    versions: [d({ type: 'array', contains: { type: 'integer' } }), d({ type: 'array', contains: num() })],
    compatible: true,
    rules: ['TYPE_EXTENDED'],
  },
  {
    family: 'contains',
    name: 'contains removed',
    versions: [d({ type: 'array', contains: num() }), d({ type: 'array' })],
    compatible: true,
    rules: ['CONTAINS_REMOVED'],
  },

  // ---- allOf → anyOf / oneOf ---------------------------------------------------------------
  {
    family: 'combined',
    name: 'allOf of two becomes anyOf of one of them',
    versions: [{ allOf: [str(), { maxLength: 9 }] }, { anyOf: [str()] }],
    compatible: true,
    rules: ['COMBINED_TYPE_EXTENDED', 'PRODUCT_TYPE_NARROWED'],
  },
  {
    family: 'combined',
    name: 'allOf of two becomes oneOf of one of them',
    versions: [{ allOf: [str(), { maxLength: 9 }] }, { oneOf: [{ maxLength: 9 }] }],
    compatible: true,
    rules: ['COMBINED_TYPE_EXTENDED', 'PRODUCT_TYPE_NARROWED'],
  },
  {
    family: 'combined',
    name: 'allOf of two becomes oneOf of both',
    versions: [{ allOf: [str(), { maxLength: 9 }] }, { oneOf: [str(), { maxLength: 9 }] }],
    compatible: false,
    rules: ['COMBINED_TYPE_CHANGED'],
  },
  {
    family: 'combined',
    name: 'oneOf loses an alternative on becoming anyOf',
    versions: [{ oneOf: [str(), num()] }, { anyOf: [str()] }],
    compatible: false,
    rules: ['COMBINED_TYPE_EXTENDED', 'SUM_TYPE_NARROWED'],
  },

  // ---- required -------------------------------------------------------------------------------
  {
    family: 'required',
    name: 'required array reordered',
    versions: [
      props({ a: str(), b: str() }, { required: ['a', 'b'] }),
      props({ a: str(), b: str() }, { required: ['b', 'a'] }),
    ],
    compatible: true,
    rules: [],
  },
  {
    family: 'required',
    name: 'required swaps a declared name for an undeclared one (Confluent: compatible)',
    versions: [props({ a: str() }, { required: ['a'] }), props({ a: str() }, { required: ['z'] })],
    compatible: false,
    rules: ['REQUIRED_ATTRIBUTE_REMOVED', 'REQUIRED_ATTRIBUTE_ADDED'],
  },

  // ---- LENIENT ----------------------------------------------------------------------------------
  {
    family: 'lenient',
    name: 'additionalProperties: true becomes false',
    versions: [d({ additionalProperties: true }), d({ additionalProperties: false })],
    compatible: false,
    lenient: true,
    rules: ['ADDITIONAL_PROPERTIES_REMOVED'],
  },
  {
    family: 'lenient',
    name: 'additionalProperties narrowed to a schema',
    versions: [d({ additionalProperties: true }), d({ additionalProperties: num() })],
    compatible: false,
    lenient: true,
    rules: ['ADDITIONAL_PROPERTIES_NARROWED'],
  },
  {
    family: 'lenient',
    name: 'optional property added to an open object',
    versions: [props({ a: str() }), props({ a: str(), b: str() })],
    compatible: false,
    lenient: true,
    rules: ['OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL'],
  },
  {
    family: 'lenient',
    name: 'required property with a default added to an open object',
    versions: [props({ a: str() }), props({ a: str(), b: str({ default: 'x' }) }, { required: ['b'] })],
    compatible: false,
    lenient: true,
    rules: ['REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL'],
  },
  {
    family: 'lenient',
    name: 'required property added to an open object (refused under LENIENT too)',
    versions: [props({ a: str() }), props({ a: str(), b: str() }, { required: ['b'] })],
    compatible: false,
    rules: ['REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL'],
  },
  {
    family: 'lenient',
    name: 'property removed from a closed object',
    versions: [
      props({ a: str(), b: str() }, { additionalProperties: false }),
      props({ a: str() }, { additionalProperties: false }),
    ],
    compatible: false,
    lenient: true,
    rules: ['PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL'],
  },
  {
    family: 'lenient',
    name: 'property removed, not covered by additionalProperties (its type change still refuses)',
    versions: [
      props({ a: str(), b: num() }, { additionalProperties: str() }),
      props({ a: str() }, { additionalProperties: str() }),
    ],
    compatible: false,
    rules: ['TYPE_CHANGED', 'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'],
  },
  {
    family: 'lenient',
    name: 'pattern property added to an open object',
    versions: [props({}), props({}, { patternProperties: { '^x_': num() } })],
    compatible: false,
    lenient: true,
    rules: ['PATTERN_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL'],
  },

  // ---- if / then / else ---------------------------------------------------------------------
  {
    family: 'if-then-else',
    name: 'then tightened under the same condition',
    versions: [
      d({ if: { properties: { kind: { const: 'a' } } }, then: str({ maxLength: 9 }) }),
      d({ if: { properties: { kind: { const: 'a' } } }, then: str({ maxLength: 5 }) }),
    ],
    compatible: false,
    rules: ['MAX_LENGTH_DECREASED'],
  },
  {
    family: 'if-then-else',
    name: 'else added under the same condition',
    versions: [
      d({ if: { required: ['a'] }, then: { required: ['b'] } }),
      d({ if: { required: ['a'] }, then: { required: ['b'] }, else: { required: ['c'] } }),
    ],
    compatible: false,
    rules: ['SCHEMA_ADDED'],
  },
  {
    family: 'if-then-else',
    name: 'then loosened (dropped) under the same condition',
    versions: [
      d({ if: { required: ['a'] }, then: { required: ['b'] }, else: { required: ['c'] } }),
      d({ if: { required: ['a'] }, else: { required: ['c'] } }),
    ],
    compatible: true,
    rules: ['SCHEMA_REMOVED'],
  },
  {
    family: 'if-then-else',
    name: 'condition changed',
    versions: [
      d({ if: { required: ['a'] }, then: { required: ['b'] } }),
      d({ if: { required: ['c'] }, then: { required: ['b'] } }),
    ],
    compatible: false,
    rules: ['CONDITION_CHANGED'],
  },
  {
    family: 'if-then-else',
    name: 'condition added',
    versions: [d({ type: 'object' }), d({ type: 'object', if: { required: ['a'] }, then: { required: ['b'] } })],
    compatible: false,
    rules: ['CONDITION_ADDED'],
  },
  {
    family: 'if-then-else',
    name: 'condition removed',
    versions: [d({ type: 'object', if: { required: ['a'] }, then: { required: ['b'] } }), d({ type: 'object' })],
    compatible: true,
    rules: ['CONDITION_REMOVED'],
  },
  {
    family: 'if-then-else',
    name: 'a condition without then/else asserts nothing',
    versions: [d({ type: 'object' }), d({ type: 'object', if: { required: ['a'] } })],
    compatible: true,
    rules: [],
  },

  // ---- propertyNames ------------------------------------------------------------------------
  {
    family: 'propertyNames',
    name: 'propertyNames added',
    versions: [d({ type: 'object' }), d({ type: 'object', propertyNames: { maxLength: 8 } })],
    compatible: false,
    rules: ['PROPERTY_NAMES_ADDED'],
  },
  {
    family: 'propertyNames',
    name: 'propertyNames loosened',
    versions: [
      d({ type: 'object', propertyNames: { maxLength: 8 } }),
      d({ type: 'object', propertyNames: { maxLength: 16 } }),
    ],
    compatible: true,
    rules: ['MAX_LENGTH_INCREASED'],
  },
  {
    family: 'propertyNames',
    name: 'propertyNames tightened',
    versions: [
      d({ type: 'object', propertyNames: { pattern: '^[a-z]+$' } }),
      d({ type: 'object', propertyNames: { pattern: '^[a-c]+$' } }),
    ],
    compatible: false,
    rules: ['PATTERN_CHANGED'],
  },
  {
    family: 'propertyNames',
    name: 'propertyNames removed',
    versions: [d({ type: 'object', propertyNames: { maxLength: 8 } }), d({ type: 'object' })],
    compatible: true,
    rules: ['PROPERTY_NAMES_REMOVED'],
  },

  // ---- dependentRequired / dependentSchemas -------------------------------------------------
  {
    family: 'dependencies',
    name: 'dependentRequired added',
    versions: [props({ a: str(), b: str() }), props({ a: str(), b: str() }, { dependentRequired: { a: ['b'] } })],
    compatible: false,
    rules: ['DEPENDENCY_ARRAY_ADDED'],
  },
  {
    family: 'dependencies',
    name: 'dependentRequired extended',
    versions: [
      props({ a: str(), b: str(), c: str() }, { dependentRequired: { a: ['b'] } }),
      props({ a: str(), b: str(), c: str() }, { dependentRequired: { a: ['b', 'c'] } }),
    ],
    compatible: false,
    rules: ['DEPENDENCY_ARRAY_EXTENDED'],
  },
  {
    family: 'dependencies',
    name: 'dependentRequired narrowed',
    versions: [
      props({ a: str(), b: str(), c: str() }, { dependentRequired: { a: ['b', 'c'] } }),
      props({ a: str(), b: str(), c: str() }, { dependentRequired: { a: ['b'] } }),
    ],
    compatible: true,
    rules: ['DEPENDENCY_ARRAY_NARROWED'],
  },
  {
    family: 'dependencies',
    name: 'dependentSchemas removed',
    versions: [props({ a: str() }, { dependentSchemas: { a: { required: ['b'] } } }), props({ a: str() })],
    compatible: true,
    rules: ['DEPENDENCY_SCHEMA_REMOVED'],
  },
  {
    family: 'dependencies',
    name: 'dependentSchemas changed inside',
    versions: [
      props({ a: str() }, { dependentSchemas: { a: { properties: { b: str() } } } }),
      props({ a: str() }, { dependentSchemas: { a: { properties: { b: num() } } } }),
    ],
    compatible: false,
    rules: ['TYPE_CHANGED'],
  },

  // ---- types, enum, $defs, $ref beside keywords -------------------------------------------------
  {
    family: 'types',
    name: 'type array gains a type',
    versions: [d({ type: ['object'] }), d({ type: ['object', 'array'] })],
    compatible: true,
    rules: ['SUM_TYPE_EXTENDED'],
  },
  {
    family: 'types',
    name: 'type array loses a type (still a union)',
    versions: [d({ type: ['string', 'number', 'null'] }), d({ type: ['string', 'null'] })],
    compatible: false,
    rules: ['SUM_TYPE_NARROWED'],
  },
  {
    family: 'types',
    name: 'type array collapses to one type',
    versions: [d({ type: ['string', 'null'] }), d({ type: 'string' })],
    compatible: false,
    rules: ['TYPE_NARROWED'],
  },
  {
    family: 'types',
    name: 'enum dropped from a typed schema',
    versions: [d({ type: 'string', enum: ['red'] }), d({ type: 'string' })],
    compatible: true,
    rules: ['PRODUCT_TYPE_NARROWED'],
  },
  {
    family: '$defs',
    name: 'a $defs definition changes type',
    versions: [
      d({ $defs: { Id: str() }, type: 'object', properties: { id: { $ref: '#/$defs/Id' } } }),
      d({ $defs: { Id: { type: 'integer' } }, type: 'object', properties: { id: { $ref: '#/$defs/Id' } } }),
    ],
    compatible: false,
    rules: ['TYPE_CHANGED'],
  },
  {
    family: '$defs',
    name: '2020-12: maxLength added beside a $ref',
    versions: [
      d({ $defs: { Id: str() }, type: 'object', properties: { id: { $ref: '#/$defs/Id' } } }),
      d({ $defs: { Id: str() }, type: 'object', properties: { id: { $ref: '#/$defs/Id', maxLength: 5 } } }),
    ],
    compatible: false,
    rules: ['MAX_LENGTH_ADDED'],
  },
  {
    family: '$defs',
    name: '2020-12: maxLength beside a $ref decreased',
    versions: [
      d({ $defs: { Id: str() }, type: 'object', properties: { id: { $ref: '#/$defs/Id', maxLength: 9 } } }),
      d({ $defs: { Id: str() }, type: 'object', properties: { id: { $ref: '#/$defs/Id', maxLength: 5 } } }),
    ],
    compatible: false,
    rules: ['MAX_LENGTH_DECREASED'],
  },
  {
    family: '$defs',
    name: 'draft-07: keywords beside a $ref are ignored',
    versions: [
      { definitions: { Id: str() }, type: 'object', properties: { id: { $ref: '#/definitions/Id' } } },
      { definitions: { Id: str() }, type: 'object', properties: { id: { $ref: '#/definitions/Id', maxLength: 5 } } },
    ],
    compatible: true,
    rules: [],
  },
];
