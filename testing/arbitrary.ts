/**
 * fast-check arbitraries for valid instances of a JSON Schema, for the keywords the registry
 * uses. An unknown keyword is an error, so a sampler never silently ignores a constraint; the
 * fidelity tests still check every sample against the real validator.
 */
import fc from 'fast-check';
import { fullFormats } from 'ajv-formats/dist/formats.js';

type SchemaObject = Record<string, unknown>;

export interface ArbitraryOptions {
  /** Loads documents reached by cross-file $ref (absolute URI without fragment). */
  loadRef?: (uri: string) => unknown;
  /** How many times one $ref may nest inside itself before optional parts are left out. */
  maxRecursion?: number;
  /** Base URI `$ref`s resolve against (e.g. the schema file's file: URL); default the schema's `$id`. */
  documentUri?: string;
}

interface Place {
  documentUri: string;
  document: unknown;
  /** $ref targets on the path to here, with their depth, to bound recursion. */
  refDepth: ReadonlyMap<string, number>;
}

const IGNORED = new Set([
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

const emailPattern = fullFormats.email as RegExp;
const uriPattern = fullFormats.uri as unknown as RegExp | ((value: string) => boolean);

function matchesUri(value: string): boolean {
  return typeof uriPattern === 'function' ? uriPattern(value) : uriPattern.test(value);
}

function resolvePointer(document: unknown, pointer: string): unknown {
  let current = document;
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    current = (current as SchemaObject)[segment];
  }
  return current;
}

export function arbitraryForSchema(schema: unknown, options: ArbitraryOptions = {}): fc.Arbitrary<unknown> {
  const id = (schema as SchemaObject).$id;
  const documentUri = options.documentUri ?? (typeof id === 'string' ? id : 'file:///schema.json');
  return build(schema, { documentUri, document: schema, refDepth: new Map() }, options, false);
}

/** `exhausted`: recursion is too deep, so produce the smallest valid value (nulls, no optionals, empty arrays). */
function build(schema: unknown, place: Place, options: ArbitraryOptions, exhausted: boolean): fc.Arbitrary<unknown> {
  if (typeof schema !== 'object' || schema === null) throw new Error(`unsupported schema ${JSON.stringify(schema)}`);
  const s = schema as SchemaObject;
  if (typeof s.$ref === 'string') return buildRef(s.$ref, place, options, exhausted);
  if (Array.isArray(s.oneOf ?? s.anyOf)) {
    const branches = (s.oneOf ?? s.anyOf) as unknown[];
    const arbitraries = branches.map((branch) => build(branch, place, options, exhausted));
    return exhausted ? fc.constant(null) : fc.oneof(...arbitraries);
  }
  for (const keyword of Object.keys(s)) {
    if (!IGNORED.has(keyword) && !KNOWN.has(keyword)) throw new Error(`arbitrary: unsupported keyword '${keyword}'`);
  }
  if (s.const !== undefined) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
  const nonNull = types.filter((type) => type !== 'null');
  if (nonNull.length === 0) return fc.constant(null);
  if (types.includes('null') && exhausted) return fc.constant(null);
  const value = buildType(nonNull[0]!, s, place, options, exhausted);
  return types.includes('null') ? fc.option(value, { nil: null, freq: 4 }) : value;
}

const KNOWN = new Set([
  'type',
  'enum',
  'const',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'maxProperties',
  'minProperties',
  'propertyNames',
]);

function buildRef(ref: string, place: Place, options: ArbitraryOptions, exhausted: boolean): fc.Arbitrary<unknown> {
  const url = new URL(ref, place.documentUri);
  const pointer = decodeURIComponent(url.hash.replace(/^#/, ''));
  url.hash = '';
  const documentUri = url.toString();
  const document = documentUri === place.documentUri ? place.document : options.loadRef?.(documentUri);
  if (document === undefined) throw new Error(`arbitrary: cannot load ${documentUri}`);
  const key = `${documentUri}#${pointer}`;
  const depth = (place.refDepth.get(key) ?? 0) + 1;
  const refDepth = new Map(place.refDepth).set(key, depth);
  const tooDeep = depth > (options.maxRecursion ?? 2);
  return build(resolvePointer(document, pointer), { documentUri, document, refDepth }, options, exhausted || tooDeep);
}

function buildType(
  type: string,
  s: SchemaObject,
  place: Place,
  options: ArbitraryOptions,
  exhausted: boolean,
): fc.Arbitrary<unknown> {
  switch (type) {
    case 'boolean':
      return fc.boolean();
    case 'integer': {
      // avsc longs are limited to ±(2^53 - 2); the codec tests cover the edge separately.
      const min = lowerBound(s, -(2 ** 53 - 2), 1);
      const max = upperBound(s, 2 ** 53 - 2, 1);
      return fc
        .oneof(fc.integer({ min: Math.max(min, -1000), max: Math.min(max, 1000) }), fc.maxSafeInteger())
        .filter((value) => value >= min && value <= max);
    }
    case 'number': {
      const min = typeof s.minimum === 'number' ? s.minimum : undefined;
      const max = typeof s.maximum === 'number' ? s.maximum : undefined;
      return fc
        .double({
          noNaN: true,
          noDefaultInfinity: true,
          ...(min === undefined ? {} : { min }),
          ...(max === undefined ? {} : { max }),
        })
        .map((value) => (Object.is(value, -0) ? 0 : value)) // JSON has no -0
        .filter(
          (value) =>
            (typeof s.exclusiveMinimum !== 'number' || value > s.exclusiveMinimum) &&
            (typeof s.exclusiveMaximum !== 'number' || value < s.exclusiveMaximum),
        );
    }
    case 'string':
      return stringArbitrary(s);
    case 'array': {
      const minLength = typeof s.minItems === 'number' ? s.minItems : 0;
      if (exhausted && minLength === 0) return fc.constant([]);
      const items = build(s.items, place, options, exhausted);
      const maxLength = typeof s.maxItems === 'number' ? s.maxItems : minLength + 4;
      return s.uniqueItems === true
        ? fc.uniqueArray(items, { minLength, maxLength, selector: (value) => JSON.stringify(value) })
        : fc.array(items, { minLength, maxLength });
    }
    case 'object':
      return objectArbitrary(s, place, options, exhausted);
    default:
      throw new Error(`arbitrary: unsupported type '${type}'`);
  }
}

function lowerBound(s: SchemaObject, fallback: number, step: number): number {
  if (typeof s.exclusiveMinimum === 'number')
    return Math.ceil(s.exclusiveMinimum + (Number.isInteger(s.exclusiveMinimum) ? step : 0));
  return typeof s.minimum === 'number' ? Math.ceil(s.minimum) : fallback;
}

function upperBound(s: SchemaObject, fallback: number, step: number): number {
  if (typeof s.exclusiveMaximum === 'number')
    return Math.floor(s.exclusiveMaximum - (Number.isInteger(s.exclusiveMaximum) ? step : 0));
  return typeof s.maximum === 'number' ? Math.floor(s.maximum) : fallback;
}

/** Length as JSON Schema counts it: code points. */
function codePoints(value: string): number {
  return [...value].length;
}

function stringArbitrary(s: SchemaObject): fc.Arbitrary<string> {
  const minLength = typeof s.minLength === 'number' ? s.minLength : 0;
  const maxLength = typeof s.maxLength === 'number' ? s.maxLength : undefined;
  const fitsLength = (value: string): boolean =>
    codePoints(value) >= minLength && (maxLength === undefined || codePoints(value) <= maxLength);
  let base: fc.Arbitrary<string>;
  switch (s.format) {
    case 'uuid':
      base = fc.uuid();
      break;
    case 'email':
      base = fc.emailAddress().filter((value) => emailPattern.test(value));
      break;
    case 'uri':
      base = fc.webUrl({ withQueryParameters: true, withFragments: true }).filter(matchesUri);
      break;
    case 'date-time':
      base = fc
        .date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2999-12-31T23:59:59Z'), noInvalidDate: true })
        .map((date) => date.toISOString());
      break;
    case undefined:
      base =
        typeof s.pattern === 'string'
          ? fc.stringMatching(new RegExp(s.pattern))
          : fc.string({
              unit: fc.oneof(
                { arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }), weight: 3 },
                { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), weight: 1 },
              ),
              minLength,
              ...(maxLength === undefined ? {} : { maxLength }),
            });
      break;
    default:
      throw new Error(`arbitrary: unsupported format '${String(s.format)}'`);
  }
  if (s.format !== undefined && typeof s.pattern === 'string') {
    const pattern = new RegExp(s.pattern);
    base = base.filter((value) => pattern.test(value));
  }
  return base.filter(fitsLength);
}

function objectArbitrary(
  s: SchemaObject,
  place: Place,
  options: ArbitraryOptions,
  exhausted: boolean,
): fc.Arbitrary<unknown> {
  const properties = (s.properties ?? {}) as SchemaObject;
  const required = new Set((s.required ?? []) as string[]);
  if (
    s.additionalProperties !== undefined &&
    s.additionalProperties !== false &&
    typeof s.additionalProperties === 'object' &&
    s.properties === undefined
  ) {
    const maxKeys = typeof s.maxProperties === 'number' ? s.maxProperties : 4;
    const minKeys = typeof s.minProperties === 'number' ? s.minProperties : 0;
    if (exhausted && minKeys === 0) return fc.constant({});
    const names = s.propertyNames as SchemaObject | undefined;
    // '__proto__' is refused by the Avro codec (avsc decodes map keys by assignment); see avro-codec tests.
    const keys = (names ? stringArbitrary(names) : fc.string({ unit: 'binary', maxLength: 12 })).filter(
      (key) => key !== '__proto__',
    );
    return fc.dictionary(keys, build(s.additionalProperties, place, options, exhausted), {
      minKeys,
      maxKeys,
      noNullPrototype: true,
    });
  }
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, propertySchema] of Object.entries(properties)) {
    if (exhausted && !required.has(name)) continue;
    model[name] = build(propertySchema, place, options, exhausted);
  }
  return fc.record(model, {
    requiredKeys: Object.keys(model).filter((name) => required.has(name)),
    noNullPrototype: true,
  });
}
