/** What every keyword family sees while comparing one (original, update) pair. */
import { joinPointer, isJsonObject, type JsonObject, type JsonValue } from '../json.js';
import type { DiffRuleId, Policy } from './rules.js';
import type { SchemaNode } from './resolver.js';

/** A place in a schema file. */
export interface SchemaLocation {
  file: string;
  pointer: string;
}

/**
 * One difference between the original (the writer's schema) and the update (the reader's).
 * `original` / `update` locate it on each side where it exists there.
 */
export interface Difference {
  rule: DiffRuleId;
  original?: SchemaLocation;
  update?: SchemaLocation;
  originalValue?: JsonValue;
  updateValue?: JsonValue;
  /** The property name, keyword or index the rule is about, for the sentence. */
  subject?: string;
}

export interface DiffContext {
  readonly policy: Policy;
  /** Compares two subschemas (following $ref), memoized on the pair; absent sides give SCHEMA_ADDED/REMOVED. */
  compare(original: SchemaNode | undefined, update: SchemaNode | undefined): Difference[];
  isCompatible(differences: readonly Difference[]): boolean;
  child(node: SchemaNode, ...tokens: Array<string | number>): SchemaNode | undefined;
  deref(node: SchemaNode): SchemaNode;
}

export function locate(node: SchemaNode, ...tokens: Array<string | number>): SchemaLocation {
  return { file: node.doc.file, pointer: joinPointer(node.pointer, ...tokens) };
}

export function objectOf(node: SchemaNode): JsonObject {
  return isJsonObject(node.value) ? node.value : {};
}

export function has(object: JsonObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

/** Keywords that annotate and never reject an instance. */
const NON_ASSERTIONS = new Set([
  'title',
  'description',
  'default',
  'examples',
  '$comment',
  '$id',
  '$schema',
  '$anchor',
  'definitions',
  '$defs',
  'deprecated',
  'readOnly',
  'writeOnly',
  'nullable',
]);

export const COMBINATORS = ['allOf', 'anyOf', 'oneOf'] as const;
export type Combinator = (typeof COMBINATORS)[number];

/** True when the schema asserts something itself, beside oneOf/anyOf/allOf. */
export function hasOwnAssertions(value: JsonValue): boolean {
  if (!isJsonObject(value)) return value === false;
  return Object.keys(value).some(
    (key) => !NON_ASSERTIONS.has(key) && !key.startsWith('x-') && !(COMBINATORS as readonly string[]).includes(key),
  );
}

/** `true`, `{}` or a schema of annotations only: accepts every instance. */
export function acceptsEverything(value: JsonValue): boolean {
  if (value === true) return true;
  if (!isJsonObject(value)) return false;
  return !hasOwnAssertions(value) && !COMBINATORS.some((key) => has(value, key));
}

export function combinatorsOf(value: JsonValue): Combinator[] {
  if (!isJsonObject(value)) return [];
  return COMBINATORS.filter((key) => Array.isArray(value[key]));
}
