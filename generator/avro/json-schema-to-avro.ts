/**
 * JSON Schema (draft-07, closed objects) → Avro record schema, without loss for the constructs
 * the registry uses; anything else is an AvroUnrepresentableError naming schema and pointer.
 * The mapping and its reasons: docs/decisions/0040-avro-mapping.md. Pure: the only way to read
 * another document is the `loadRef` function passed in.
 */
import type { AvroEnumSchema, AvroField, AvroRecordSchema, AvroType } from './avro-schema.js';
import {
  AVRO_JSON_ENUM_VALUES_ATTRIBUTE,
  AVRO_JSON_NULL_ATTRIBUTE,
  AVRO_JSON_OPTIONAL_ATTRIBUTE,
  JSON_NULL_SYMBOL,
  JSON_NULL_TYPE_NAME,
} from './avro-schema.js';
import { AvroRefError, AvroUnrepresentableError, type SchemaLocation } from './errors.js';
import { appendPointer, pointerSegments, resolvePointer } from './json-pointer.js';
import { AvroNameTable, enumSymbols, isAvroName, pascalCase } from './naming.js';

/** Returns the JSON Schema document at an absolute URI (no fragment), e.g. a registry `$id`. */
export type RefLoader = (documentUri: string) => unknown;

export interface JsonSchemaToAvroOptions {
  /** Name of the top-level record; keep it the same across versions (resolution matches by name). */
  readonly name: string;
  readonly namespace: string;
  /** Loads documents reached by cross-file `$ref`; without it only local refs resolve. */
  readonly loadRef?: RefLoader;
  /** Shown in errors when the schema has no `$id`, e.g. 'schemas/user.created/1.json'. */
  readonly schemaFile?: string;
}

/** Keywords that only annotate: they change nothing about the shape of valid values. */
const ANNOTATION_KEYWORDS = new Set([
  '$schema',
  '$id',
  '$comment',
  'title',
  'description',
  'examples',
  'default',
  'deprecated',
  'readOnly',
  'writeOnly',
  'definitions',
  '$defs',
]);
/** Keywords Avro cannot express but the JSON Schema validator (run before encode) enforces. */
const VALIDATION_ONLY_KEYWORDS = new Set([
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'contentEncoding',
  'contentMediaType',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'uniqueItems',
  'contains',
  'minProperties',
  'maxProperties',
  'propertyNames',
]);
/** Keywords the converter turns into Avro shape. */
const SHAPE_KEYWORDS = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'enum',
  'const',
  '$ref',
  'oneOf',
  'anyOf',
]);
const JSON_TYPES = new Set(['string', 'integer', 'number', 'boolean', 'object', 'array', 'null']);

type SchemaObject = Record<string, unknown>;

/** Where a subschema is: its document (for local refs) and its pointer (for names and errors). */
interface Cursor {
  readonly documentUri: string;
  readonly document: unknown;
  readonly label: string;
  readonly pointer: string;
  readonly via?: string;
}

/** A converted value type: `type` never contains 'null' unless the value can only be null. */
interface ValueType {
  readonly type: AvroType;
  readonly nullable: boolean;
}

interface Conversion {
  readonly namespace: string;
  readonly loadRef: RefLoader | undefined;
  readonly names: AvroNameTable;
  /** Named types already written out once; later uses refer to them by name. */
  readonly emitted: Set<string>;
  /** `$ref` targets being converted right now, to detect cycles. */
  readonly refsInProgress: Set<string>;
  readonly documents: Map<string, unknown>;
}

const JSON_NULL_KEY = 'json-null';

function locationOf(cursor: Cursor): SchemaLocation {
  return cursor.via === undefined
    ? { schema: cursor.label, pointer: cursor.pointer }
    : { schema: cursor.label, pointer: cursor.pointer, via: cursor.via };
}

function fail(cursor: Cursor, reason: string): never {
  throw new AvroUnrepresentableError(locationOf(cursor), reason);
}

function at(cursor: Cursor, ...segments: Array<string | number>): Cursor {
  return { ...cursor, pointer: appendPointer(cursor.pointer, ...segments) };
}

function isSchemaObject(value: unknown): value is SchemaObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function keyOf(cursor: Cursor): string {
  return `${cursor.documentUri}#${cursor.pointer}`;
}

/**
 * Converts one event version's payload schema into an Avro record schema.
 * Throws AvroUnrepresentableError / AvroRefError with schema and JSON pointer.
 */
export function jsonSchemaToAvro(schema: unknown, options: JsonSchemaToAvroOptions): AvroRecordSchema {
  const schemaId = isSchemaObject(schema) && typeof schema.$id === 'string' ? schema.$id : undefined;
  const label = schemaId ?? options.schemaFile ?? '<schema>';
  const documentUri = stripFragment(schemaId ?? `file:///${options.schemaFile ?? 'schema.json'}`);
  const root: Cursor = { documentUri, document: schema, label, pointer: '' };
  if (!isAvroName(options.name)) fail(root, `record name '${options.name}' is not a valid Avro name`);
  if (!options.namespace.split('.').every(isAvroName)) {
    fail(root, `namespace '${options.namespace}' is not a valid Avro namespace`);
  }
  const conversion: Conversion = {
    namespace: options.namespace,
    loadRef: options.loadRef,
    names: new AvroNameTable(),
    emitted: new Set(),
    refsInProgress: new Set(),
    documents: new Map([[documentUri, schema]]),
  };
  // Reserved first so no definition can take the root's or JsonNull's name.
  conversion.names.claim(keyOf(root), options.name);
  conversion.names.claim(JSON_NULL_KEY, JSON_NULL_TYPE_NAME);
  if (!isSchemaObject(schema)) fail(root, 'the payload schema must be an object schema');
  const { type, nullable } = convertValue(conversion, schema, root, options.name);
  if (nullable || typeof type !== 'object' || Array.isArray(type) || type.type !== 'record') {
    fail(root, 'the payload schema must be a closed object (type: object, additionalProperties: false)');
  }
  return { type: 'record', name: type.name, namespace: options.namespace, ...withoutName(type) };
}

function withoutName(record: AvroRecordSchema): Omit<AvroRecordSchema, 'type' | 'name' | 'namespace'> {
  const { type: _type, name: _name, namespace: _namespace, ...rest } = record;
  return rest;
}

function stripFragment(uri: string): string {
  const hash = uri.indexOf('#');
  return hash === -1 ? uri : uri.slice(0, hash);
}

function checkKeywords(schema: SchemaObject, cursor: Cursor): void {
  for (const keyword of Object.keys(schema)) {
    if (SHAPE_KEYWORDS.has(keyword) || VALIDATION_ONLY_KEYWORDS.has(keyword)) continue;
    if (ANNOTATION_KEYWORDS.has(keyword) || keyword.startsWith('x-')) continue;
    if (keyword === 'additionalItems' && !Array.isArray(schema.items)) continue; // ignored beside a single items schema
    fail(at(cursor, keyword), unsupportedKeywordReason(keyword));
  }
  if (cursor.pointer !== '' && schema.$id !== undefined) {
    fail(
      at(cursor, '$id'),
      'a nested $id (a new base URI inside a document) is not supported; move the subschema to its own file',
    );
  }
}

function unsupportedKeywordReason(keyword: string): string {
  switch (keyword) {
    case 'allOf':
      return 'allOf is not supported: write the object out with its own properties (or $ref one definition)';
    case 'not':
    case 'if':
    case 'then':
    case 'else':
      return `'${keyword}' is not supported: Avro has no conditional or negated types`;
    case 'patternProperties':
      return 'patternProperties is not supported: use additionalProperties with a value schema (an Avro map) and propertyNames for the key pattern';
    case 'dependencies':
    case 'dependentSchemas':
    case 'dependentRequired':
      return `'${keyword}' is not supported: Avro records have a fixed set of fields`;
    default:
      return `keyword '${keyword}' is not supported by the Avro mapping (docs/decisions/0040-avro-mapping.md)`;
  }
}

function convertValue(conversion: Conversion, schema: unknown, cursor: Cursor, nameHint: string): ValueType {
  if (typeof schema === 'boolean') {
    fail(cursor, `the boolean schema '${schema}' has no Avro type; give the value an explicit type`);
  }
  if (!isSchemaObject(schema)) fail(cursor, 'a schema must be an object');
  checkKeywords(schema, cursor);
  if (schema.$ref !== undefined) return convertRef(conversion, schema, cursor, nameHint);
  if (schema.oneOf !== undefined || schema.anyOf !== undefined) {
    return convertNullableAlternative(conversion, schema, cursor, nameHint);
  }
  const { jsonType, nullable } = jsonTypeOf(schema, cursor);
  // A title names the type (decision 0012); the root keeps the version-independent record name.
  if (typeof schema.title === 'string' && cursor.pointer !== '') nameHint = pascalCase(schema.title);
  switch (jsonType) {
    case 'null':
      return { type: 'null', nullable: false };
    case 'boolean':
      return { type: 'boolean', nullable };
    case 'integer':
      // Always long: zigzag varints keep small values small, and int→long is the only safe promotion.
      return { type: 'long', nullable };
    case 'number':
      return { type: 'double', nullable };
    case 'string':
      return { type: stringType(conversion, schema, cursor, nameHint), nullable };
    case 'array':
      return { type: arrayType(conversion, schema, cursor, nameHint), nullable };
    case 'object':
      return { type: objectType(conversion, schema, cursor, nameHint), nullable };
    default:
      return fail(at(cursor, 'type'), `unknown type '${jsonType}'`);
  }
}

/** The one JSON type of a schema, plus whether null is also allowed (`type: [X, "null"]`). */
function jsonTypeOf(schema: SchemaObject, cursor: Cursor): { jsonType: string; nullable: boolean } {
  const allowed = allowedValues(schema, cursor);
  let types: string[];
  if (schema.type === undefined) {
    if (allowed === undefined) {
      fail(cursor, 'the schema has no type, so any JSON value is valid; give it an explicit type');
    }
    types = [...new Set(allowed.map(jsonTypeOfValue))];
    if (types.includes('integer') && types.includes('number')) types = types.filter((type) => type !== 'integer');
  } else {
    types = Array.isArray(schema.type) ? schema.type.map(String) : [String(schema.type)];
    for (const type of types) {
      if (!JSON_TYPES.has(type)) fail(at(cursor, 'type'), `unknown type '${type}'`);
    }
  }
  const nullable = types.includes('null') && types.length > 1;
  const nonNull = types.length > 1 ? types.filter((type) => type !== 'null') : types;
  if (nonNull.length !== 1) {
    fail(
      at(cursor, 'type'),
      `a union of types [${types.join(', ')}] is not supported: only one type, optionally with "null"`,
    );
  }
  const jsonType = nonNull[0]!;
  if (allowed !== undefined) {
    const values = allowed.filter((value) => value !== null);
    const wrong = values.find(
      (value) =>
        jsonTypeOfValue(value) !== jsonType && !(jsonType === 'number' && jsonTypeOfValue(value) === 'integer'),
    );
    if (wrong !== undefined) {
      fail(cursor, `enum/const value ${JSON.stringify(wrong)} does not have the schema's type '${jsonType}'`);
    }
    if (jsonType === 'object' || jsonType === 'array') {
      fail(cursor, 'enum/const of objects or arrays is not supported');
    }
  }
  return { jsonType, nullable };
}

function allowedValues(schema: SchemaObject, cursor: Cursor): unknown[] | undefined {
  if (schema.const !== undefined) {
    if (schema.enum !== undefined) fail(cursor, 'both enum and const: keep one');
    return [schema.const];
  }
  if (schema.enum === undefined) return undefined;
  if (!Array.isArray(schema.enum) || schema.enum.length === 0)
    fail(at(cursor, 'enum'), 'enum must be a non-empty array');
  const seen = new Set(schema.enum.map((value) => JSON.stringify(value)));
  if (seen.size !== schema.enum.length) fail(at(cursor, 'enum'), 'enum values must be unique');
  return schema.enum;
}

function jsonTypeOfValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Strings stay strings (formats included: no logical types, so round trips are exact); enums become Avro enums. */
function stringType(conversion: Conversion, schema: SchemaObject, cursor: Cursor, nameHint: string): AvroType {
  const allowed = allowedValues(schema, cursor);
  if (allowed === undefined) return 'string';
  const values = allowed.filter((value): value is string => typeof value === 'string');
  const key = keyOf(cursor);
  const name = conversion.names.claim(key, nameHint);
  if (conversion.emitted.has(key)) return name;
  conversion.emitted.add(key);
  const symbols = enumSymbols(values);
  const enumSchema: AvroEnumSchema = { type: 'enum', name, ...typeDocOf(schema, cursor), symbols };
  if (symbols.some((symbol, index) => symbol !== values[index])) {
    enumSchema[AVRO_JSON_ENUM_VALUES_ATTRIBUTE] = values;
  }
  return enumSchema;
}

function arrayType(conversion: Conversion, schema: SchemaObject, cursor: Cursor, nameHint: string): AvroType {
  if (schema.items === undefined) fail(cursor, 'an array without an items schema can hold any JSON value; add items');
  if (Array.isArray(schema.items)) {
    fail(at(cursor, 'items'), 'tuple items (an array of schemas) are not supported: use one items schema or an object');
  }
  const items = convertValue(conversion, schema.items, at(cursor, 'items'), `${nameHint}Item`);
  return { type: 'array', items: nullableType(items) };
}

function objectType(conversion: Conversion, schema: SchemaObject, cursor: Cursor, nameHint: string): AvroType {
  const additional = schema.additionalProperties;
  const hasProperties = schema.properties !== undefined || schema.required !== undefined;
  if (!hasProperties && isSchemaObject(additional)) {
    const values = convertValue(conversion, additional, at(cursor, 'additionalProperties'), `${nameHint}Value`);
    return { type: 'map', values: nullableType(values) };
  }
  if (additional !== false) {
    fail(
      cursor,
      hasProperties
        ? 'an open object (properties without additionalProperties: false) would lose unknown properties; close it with additionalProperties: false'
        : 'a free-form object has no Avro type; close it (additionalProperties: false) or give additionalProperties a value schema (an Avro map)',
    );
  }
  return recordType(conversion, schema, cursor, nameHint);
}

function recordType(conversion: Conversion, schema: SchemaObject, cursor: Cursor, nameHint: string): AvroType {
  const key = keyOf(cursor);
  const name = conversion.names.claim(key, nameHint);
  if (conversion.emitted.has(key)) return name;
  conversion.emitted.add(key);
  const properties = schema.properties ?? {};
  if (!isSchemaObject(properties)) fail(at(cursor, 'properties'), 'properties must be an object');
  const required = Array.isArray(schema.required) ? schema.required.map(String) : [];
  const missing = required.find((property) => !Object.hasOwn(properties, property));
  if (missing !== undefined) {
    fail(at(cursor, 'required'), `required property '${missing}' is not declared in properties of this closed object`);
  }
  const fields: AvroField[] = [];
  for (const [propertyName, propertySchema] of Object.entries(properties)) {
    const propertyCursor = at(cursor, 'properties', propertyName);
    if (!isAvroName(propertyName)) {
      fail(propertyCursor, `property name '${propertyName}' is not a valid Avro field name ([A-Za-z_][A-Za-z0-9_]*)`);
    }
    const value = convertValue(conversion, propertySchema, propertyCursor, `${name}${pascalCase(propertyName)}`);
    fields.push(fieldFor(conversion, propertyName, propertySchema, value, required.includes(propertyName)));
  }
  return { type: 'record', name, ...typeDocOf(schema, cursor), fields };
}

/**
 * required X → X; required X|null → ["null", X]; optional X → ["null", X] default null
 * (null = absent); optional X|null → ["null", X, JsonNull] default null (JsonNull = JSON null).
 */
function fieldFor(
  conversion: Conversion,
  name: string,
  schema: unknown,
  value: ValueType,
  required: boolean,
): AvroField {
  const doc = isSchemaObject(schema) ? docOf(schema) : {};
  if (required) return { name, type: nullableType(value), ...doc };
  const present = value.type === 'null' ? [] : [value.type];
  const jsonNull = value.nullable || value.type === 'null' ? [jsonNullType(conversion)] : [];
  return {
    name,
    type: ['null', ...present, ...jsonNull],
    ...doc,
    default: null,
    [AVRO_JSON_OPTIONAL_ATTRIBUTE]: true,
  };
}

function jsonNullType(conversion: Conversion): AvroType {
  if (conversion.emitted.has(JSON_NULL_KEY)) return JSON_NULL_TYPE_NAME;
  conversion.emitted.add(JSON_NULL_KEY);
  return {
    type: 'enum',
    name: JSON_NULL_TYPE_NAME,
    doc: 'Stands for a JSON null in a property that may also be absent (Avro null means absent there).',
    symbols: [JSON_NULL_SYMBOL],
    [AVRO_JSON_NULL_ATTRIBUTE]: true,
  };
}

function nullableType(value: ValueType): AvroType {
  return value.nullable ? ['null', value.type] : value.type;
}

function docOf(schema: SchemaObject): { doc?: string } {
  return typeof schema.description === 'string' ? { doc: schema.description } : {};
}

/** A named type written inline as a property's schema leaves its doc to the field (same text). */
function typeDocOf(schema: SchemaObject, cursor: Cursor): { doc?: string } {
  return pointerSegments(cursor.pointer).at(-2) === 'properties' ? {} : docOf(schema);
}

/** `oneOf`/`anyOf` are accepted only as the nullable idiom `[X, {type: "null"}]` (needed for a nullable `$ref`). */
function convertNullableAlternative(
  conversion: Conversion,
  schema: SchemaObject,
  cursor: Cursor,
  nameHint: string,
): ValueType {
  const keyword = schema.oneOf !== undefined ? 'oneOf' : 'anyOf';
  const branches = schema[keyword];
  const unsupported = `${keyword} is supported only as [X, {"type": "null"}] (a nullable X); Avro unions of other shapes lose which branch matched in JSON`;
  if (schema.oneOf !== undefined && schema.anyOf !== undefined) fail(cursor, unsupported);
  for (const keyword of ['type', 'properties', 'items', 'additionalProperties', 'enum', 'const', 'required']) {
    if (schema[keyword] !== undefined)
      fail(at(cursor, keyword), `'${keyword}' beside oneOf/anyOf is not supported; put it inside the branch`);
  }
  if (!Array.isArray(branches) || branches.length !== 2) fail(at(cursor, keyword), unsupported);
  const nullIndex = branches.findIndex(isNullOnlySchema);
  if (nullIndex === -1) fail(at(cursor, keyword), unsupported);
  const otherIndex = 1 - nullIndex;
  const other = convertValue(conversion, branches[otherIndex], at(cursor, keyword, otherIndex), nameHint);
  if (other.type === 'null') fail(at(cursor, keyword), unsupported);
  return { type: other.type, nullable: true };
}

function isNullOnlySchema(schema: unknown): boolean {
  if (!isSchemaObject(schema) || schema.type !== 'null') return false;
  return Object.keys(schema).every((keyword) => keyword === 'type' || ANNOTATION_KEYWORDS.has(keyword));
}

function convertRef(conversion: Conversion, schema: SchemaObject, cursor: Cursor, nameHint: string): ValueType {
  for (const keyword of Object.keys(schema)) {
    if (keyword !== '$ref' && SHAPE_KEYWORDS.has(keyword)) {
      fail(
        at(cursor, keyword),
        `'${keyword}' beside $ref is not supported (draft-07 ignores it); wrap the $ref (e.g. oneOf [$ref, {type: null}]) instead`,
      );
    }
  }
  const ref = schema.$ref;
  if (typeof ref !== 'string') fail(at(cursor, '$ref'), '$ref must be a string');
  const target = resolveRef(conversion, ref, cursor);
  const key = keyOf(target);
  if (conversion.refsInProgress.has(key)) {
    const name = conversion.names.nameOf(key);
    if (name === undefined || !conversion.emitted.has(key)) {
      fail(
        cursor,
        `$ref '${ref}' is recursive through a type that is not an object; only records can be recursive in Avro`,
      );
    }
    return { type: name, nullable: false };
  }
  conversion.refsInProgress.add(key);
  try {
    const targetSchema = resolvePointer(target.document, target.pointer);
    return convertValue(conversion, targetSchema, target, refNameHint(target, targetSchema, nameHint));
  } finally {
    conversion.refsInProgress.delete(key);
  }
}

/** A `$ref`'d definition is named after itself (e.g. 'TokenUsage'), wherever it is used. */
function refNameHint(target: Cursor, targetSchema: unknown, fallback: string): string {
  const segments = pointerSegments(target.pointer);
  const last = segments.at(-1);
  const parent = segments.at(-2);
  if (last !== undefined && (parent === 'definitions' || parent === '$defs')) return pascalCase(last);
  if (segments.length === 0 && isSchemaObject(targetSchema) && typeof targetSchema.title === 'string') {
    return pascalCase(targetSchema.title);
  }
  if (segments.length === 0) {
    const file = target.documentUri.split('/').at(-1) ?? fallback;
    return pascalCase(file.replace(/\.json$/, ''));
  }
  return pascalCase(segments.filter((segment) => segment !== 'properties').join('_'));
}

function resolveRef(conversion: Conversion, ref: string, cursor: Cursor): Cursor {
  const refCursor = at(cursor, '$ref');
  let url: URL;
  try {
    url = new URL(ref, cursor.documentUri);
  } catch (error) {
    throw new AvroRefError(locationOf(refCursor), ref, 'not a valid URI reference', { cause: error });
  }
  const fragment = decodeURIComponent(url.hash.replace(/^#/, ''));
  if (fragment !== '' && !fragment.startsWith('/')) {
    throw new AvroRefError(
      locationOf(refCursor),
      ref,
      'only JSON pointer fragments (#/...) are supported, not anchors',
    );
  }
  url.hash = '';
  const documentUri = url.toString();
  const document = loadDocument(conversion, documentUri, ref, refCursor);
  const sameDocument = documentUri === cursor.documentUri;
  const label = sameDocument
    ? cursor.label
    : isSchemaObject(document) && typeof document.$id === 'string'
      ? document.$id
      : documentUri;
  const target: Cursor = {
    documentUri,
    document,
    label,
    pointer: fragment,
    ...(sameDocument
      ? cursor.via === undefined
        ? {}
        : { via: cursor.via }
      : { via: `${cursor.label}#${cursor.pointer}` }),
  };
  if (resolvePointer(document, fragment) === undefined) {
    throw new AvroRefError(locationOf(refCursor), ref, `'${documentUri}' has nothing at JSON pointer '${fragment}'`);
  }
  return target;
}

function loadDocument(conversion: Conversion, documentUri: string, ref: string, cursor: Cursor): unknown {
  if (conversion.documents.has(documentUri)) return conversion.documents.get(documentUri);
  if (!conversion.loadRef) {
    throw new AvroRefError(locationOf(cursor), ref, `no loadRef was given to load '${documentUri}'`);
  }
  let document: unknown;
  try {
    document = conversion.loadRef(documentUri);
  } catch (error) {
    throw new AvroRefError(locationOf(cursor), ref, `loading '${documentUri}' failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (document === undefined) throw new AvroRefError(locationOf(cursor), ref, `no document '${documentUri}'`);
  conversion.documents.set(documentUri, document);
  return document;
}
