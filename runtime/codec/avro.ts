/**
 * Avro payload codecs ('avro-json', 'avro-binary') for topics bound to an Avro schema.
 * The schema comes from the generator's JSON Schema → Avro conversion
 * (docs/decisions/0040-avro-mapping.md); these attributes carry what Avro cannot say.
 */

import { createRequire } from 'node:module';
import type * as avro from 'avsc';
import type { EventVersionEntry } from '../catalog.js';
import { EventBusError } from '../errors.js';
import { jsonCodec, PayloadDecodeError, type PayloadCodec, type PayloadEncoding } from './codec.js';
import { decodeUtf8Strict } from './strict-json.js';
import { AvroJsonWriteMismatch, compileAvroJsonWriter, type AvroJsonWriter } from './avro-json-writer.js';

/** avsc loads when the first Avro schema is compiled, not on import: JSON-only users never load it (decision 0135). */
const requireModule = createRequire(import.meta.url);
let avscModule: typeof avro | undefined;
const avsc = (): typeof avro => (avscModule ??= requireModule('avsc') as typeof avro);

/** Field attribute: the JSON property may be absent; Avro null on that field means "absent". */
export const AVRO_JSON_OPTIONAL_ATTRIBUTE = 'x-json-optional';
/** Enum attribute: this one-symbol enum stands for JSON null inside an optional-nullable union. */
export const AVRO_JSON_NULL_ATTRIBUTE = 'x-json-null';
/** Enum attribute: the JSON values, index-aligned with `symbols`, when they are not Avro symbols. */
export const AVRO_JSON_ENUM_VALUES_ATTRIBUTE = 'x-json-values';
export const JSON_NULL_TYPE_NAME = 'JsonNull';
export const JSON_NULL_SYMBOL = 'NULL';

export type AvroEncoding = 'avro-json' | 'avro-binary';

/** A PayloadCodec that can also resolve data written with an older version's schema. */
export interface AvroPayloadCodec extends PayloadCodec {
  readonly encoding: AvroEncoding;
  /**
   * Decodes data written with `writer`'s schema (known from the message's version attribute or
   * its `googclient_schemarevisionid`) into `reader`'s version by Avro schema resolution.
   */
  decodeAs(writer: EventVersionEntry, reader: EventVersionEntry, data: Buffer): unknown;
}

/** The version entry carries no Avro schema, so an Avro topic cannot carry its events. */
export class AvroSchemaMissingError extends EventBusError {
  constructor(readonly schemaId: string) {
    super(
      'AVRO_SCHEMA_MISSING',
      `Event schema '${schemaId}' has no Avro schema (regenerate the SDK with Avro definitions)`,
    );
  }
}

/** The version entry's Avro schema is not a schema this codec can use. */
export class AvroSchemaInvalidError extends EventBusError {
  constructor(
    readonly schemaId: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super('AVRO_SCHEMA_INVALID', `The Avro schema of '${schemaId}' is invalid: ${reason}`, options);
  }
}

/** A payload that does not fit its Avro schema; the JSON Schema validator should have caught it first. */
export class AvroEncodeError extends EventBusError {
  constructor(
    readonly schemaId: string,
    readonly path: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super('AVRO_ENCODE_FAILED', `Cannot encode a '${schemaId}' payload as Avro at '${path}': ${reason}`, options);
  }
}

/** The reader's schema cannot resolve data written with the writer's schema. */
export class AvroSchemaIncompatibleError extends EventBusError {
  constructor(
    readonly writerSchemaId: string,
    readonly readerSchemaId: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      'AVRO_SCHEMA_INCOMPATIBLE',
      `Data written with '${writerSchemaId}' cannot be read as '${readerSchemaId}': ${reason}`,
      options,
    );
  }
}

/** Translates between plain JSON values and avsc values (wrapped unions, enum symbols, absent fields). */
interface Adapter {
  toAvro(value: unknown): unknown;
  fromAvro(value: unknown): unknown;
}

interface CompiledSchema {
  readonly type: avro.Type;
  readonly adapter: Adapter;
  /** Writes Avro JSON straight from the payload; undefined for schema shapes it does not take. */
  readonly jsonWriter: AvroJsonWriter | undefined;
}

type RawSchema = unknown;
type RawObject = Record<string, unknown>;

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

/** Thrown inside adapters; the codec turns it into AvroEncodeError with the JSON pointer. */
class ShapeError extends Error {
  readonly segments: string[] = [];
}

function shapeError(message: string): ShapeError {
  return new ShapeError(message);
}

function withSegment<T>(segment: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof ShapeError) error.segments.unshift(segment);
    throw error;
  }
}

function isRawObject(value: unknown): value is RawObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function fullName(name: string, namespace: string | undefined): string {
  return name.includes('.') || !namespace ? name : `${namespace}.${name}`;
}

const identity: Adapter = { toAvro: (value) => value, fromAvro: (value) => value };

/** avsc's long range: JS numbers, exact up to ±(2^53 - 2). */
const AVSC_LONG_LIMIT = 9007199254740990;

/** Checks a value against a primitive here, so errors carry the JSON pointer (avsc's do not). */
const primitiveChecks: Record<string, (value: unknown) => string | undefined> = {
  null: (value) => (value === null ? undefined : 'expected null'),
  boolean: (value) => (typeof value === 'boolean' ? undefined : 'expected a boolean'),
  int: (value) =>
    Number.isInteger(value) && (value as number) >= -(2 ** 31) && (value as number) < 2 ** 31
      ? undefined
      : 'expected a 32-bit integer',
  long: (value) =>
    Number.isInteger(value) && Math.abs(value as number) <= AVSC_LONG_LIMIT
      ? undefined
      : `expected an integer within ±${AVSC_LONG_LIMIT} (Avro long as a JS number)`,
  float: (value) => (typeof value === 'number' && Number.isFinite(value) ? undefined : 'expected a finite number'),
  double: (value) => (typeof value === 'number' && Number.isFinite(value) ? undefined : 'expected a finite number'),
  string: (value) => (typeof value === 'string' ? undefined : 'expected a string'),
  bytes: (value) => (Buffer.isBuffer(value) ? undefined : 'expected bytes'),
};

function primitive(name: string): Adapter {
  const check = primitiveChecks[name]!;
  return {
    toAvro: (value) => {
      const problem = check(value);
      if (problem !== undefined) throw shapeError(`${problem}, got ${JSON.stringify(value) ?? String(value)}`);
      return value;
    },
    fromAvro: identity.fromAvro,
  };
}

/** Walks the Avro schema JSON once and builds the adapter tree (named types resolved by full name). */
class AdapterCompiler {
  private readonly named = new Map<string, Adapter>();
  readonly jsonNullNames = new Set<string>();

  compile(schema: RawSchema, namespace: string | undefined): Adapter {
    if (typeof schema === 'string') {
      if (PRIMITIVES.has(schema)) return primitive(schema);
      const adapter = this.named.get(fullName(schema, namespace)) ?? this.named.get(schema);
      if (!adapter) throw new Error(`unknown Avro type name '${schema}'`);
      return adapter;
    }
    if (Array.isArray(schema)) return this.union(schema, namespace);
    if (!isRawObject(schema)) throw new Error('an Avro schema must be a string, an array or an object');
    switch (schema.type) {
      case 'record':
      case 'error':
        return this.record(schema, namespace);
      case 'enum':
        return this.enumeration(schema, namespace);
      case 'array': {
        const items = this.compile(schema.items, namespace);
        return {
          toAvro: (value) => {
            if (!Array.isArray(value)) throw shapeError('expected an array');
            return value.map((item, index) => withSegment(String(index), () => items.toAvro(item)));
          },
          fromAvro: (value) => (value as unknown[]).map((item) => items.fromAvro(item)),
        };
      }
      case 'map': {
        const values = this.compile(schema.values, namespace);
        return {
          toAvro: (value) => {
            if (!isRawObject(value)) throw shapeError('expected an object (Avro map)');
            // avsc decodes map entries by assignment, which would turn this key into a prototype.
            if (Object.hasOwn(value, '__proto__'))
              throw shapeError("the map key '__proto__' cannot be carried by Avro maps here");
            return Object.fromEntries(
              Object.entries(value).map(([key, item]) => [key, withSegment(key, () => values.toAvro(item))]),
            );
          },
          fromAvro: (value) =>
            Object.fromEntries(Object.entries(value as RawObject).map(([key, item]) => [key, values.fromAvro(item)])),
        };
      }
      default:
        if (typeof schema.type === 'string' && PRIMITIVES.has(schema.type)) return primitive(schema.type);
        if (typeof schema.type === 'string' || Array.isArray(schema.type)) return this.compile(schema.type, namespace);
        throw new Error(`unsupported Avro type ${JSON.stringify(schema.type)}`);
    }
  }

  /** avsc's key for a union branch: the primitive or 'array'/'map', or the named type's full name. */
  branchName(schema: RawSchema, namespace: string | undefined): string {
    if (typeof schema === 'string') return PRIMITIVES.has(schema) ? schema : fullName(schema, namespace);
    if (!isRawObject(schema)) throw new Error('unsupported union branch');
    if (typeof schema.name === 'string') {
      return fullName(schema.name, typeof schema.namespace === 'string' ? schema.namespace : namespace);
    }
    if (typeof schema.type === 'string') return schema.type;
    throw new Error('unsupported union branch');
  }

  private record(schema: RawObject, enclosingNamespace: string | undefined): Adapter {
    const namespace = typeof schema.namespace === 'string' ? schema.namespace : enclosingNamespace;
    const name = fullName(String(schema.name), namespace);
    const ownNamespace = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : namespace;
    // Registered before its fields are compiled, so recursive references find it.
    const adapter: Adapter = { toAvro: identity.toAvro, fromAvro: identity.fromAvro };
    this.named.set(name, adapter);
    const fields = (schema.fields as RawObject[]).map((field) => this.field(field, ownNamespace));
    const fieldNames = new Set(fields.map((field) => field.name));
    adapter.toAvro = (value) => {
      if (!isRawObject(value)) throw shapeError('expected an object');
      for (const key of Object.keys(value)) {
        if (!fieldNames.has(key) && value[key] !== undefined) throw shapeError(`unknown property '${key}'`);
      }
      const record: RawObject = {};
      for (const field of fields) record[field.name] = withSegment(field.name, () => field.toAvro(value[field.name]));
      return record;
    };
    adapter.fromAvro = (value) => {
      const record = value as RawObject;
      const plain: RawObject = {};
      for (const field of fields) {
        const fieldValue = field.fromAvro(record[field.name]);
        if (fieldValue !== undefined) plain[field.name] = fieldValue;
      }
      return plain;
    };
    return adapter;
  }

  /** Required fields map as their type; optional ones turn absent ↔ null and JSON null ↔ JsonNull. */
  private field(field: RawObject, namespace: string | undefined): Adapter & { name: string } {
    const name = String(field.name);
    const type = this.compile(field.type, namespace);
    if (field[AVRO_JSON_OPTIONAL_ATTRIBUTE] !== true) {
      return {
        name,
        toAvro: (value) => {
          if (value === undefined) throw shapeError('required property is missing');
          return type.toAvro(value);
        },
        fromAvro: (value) => type.fromAvro(value),
      };
    }
    if (!Array.isArray(field.type) || field.type[0] !== 'null') {
      throw new Error(`optional field '${name}' must have a union type starting with "null"`);
    }
    const branches = field.type.slice(1).map((branch) => ({
      key: this.branchName(branch, namespace),
      adapter: this.compile(branch, namespace),
    }));
    const jsonNull = branches.find((branch) => this.jsonNullNames.has(branch.key));
    const present = branches.find((branch) => branch !== jsonNull);
    return {
      name,
      toAvro: (value) => {
        if (value === undefined) return null;
        if (value === null) {
          if (!jsonNull) throw shapeError('null is not allowed (the property may only be absent)');
          return { [jsonNull.key]: JSON_NULL_SYMBOL };
        }
        if (!present) throw shapeError('only null or absent is allowed');
        return { [present.key]: present.adapter.toAvro(value) };
      },
      fromAvro: (value) => {
        if (value === null || value === undefined) return undefined;
        const key = Object.keys(value as RawObject)[0]!;
        if (jsonNull && key === jsonNull.key) return null;
        return present!.adapter.fromAvro((value as RawObject)[key]);
      },
    };
  }

  private union(schema: RawSchema[], namespace: string | undefined): Adapter {
    const branches = schema.map((branch) => ({
      key: this.branchName(branch, namespace),
      adapter: this.compile(branch, namespace),
    }));
    const values = branches.filter((branch) => branch.key !== 'null' && !this.jsonNullNames.has(branch.key));
    if (values.length > 1) throw new Error('unions with more than one non-null branch are not supported');
    const present = values[0];
    const byKey = new Map(branches.map((branch) => [branch.key, branch]));
    return {
      toAvro: (value) => {
        if (value === null) {
          if (!byKey.has('null')) throw shapeError('null is not allowed');
          return null;
        }
        if (!present) throw shapeError('only null is allowed');
        return { [present.key]: present.adapter.toAvro(value) };
      },
      fromAvro: (value) => {
        if (value === null) return null;
        const key = Object.keys(value as RawObject)[0]!;
        if (this.jsonNullNames.has(key)) return null;
        return byKey.get(key)!.adapter.fromAvro((value as RawObject)[key]);
      },
    };
  }

  private enumeration(schema: RawObject, namespace: string | undefined): Adapter {
    const name = fullName(String(schema.name), typeof schema.namespace === 'string' ? schema.namespace : namespace);
    if (schema[AVRO_JSON_NULL_ATTRIBUTE] === true) this.jsonNullNames.add(name);
    const symbols = schema.symbols as string[];
    const jsonValues = schema[AVRO_JSON_ENUM_VALUES_ATTRIBUTE] as string[] | undefined;
    const symbolSet = new Set(symbols);
    let adapter: Adapter = {
      toAvro: (value) => {
        if (typeof value !== 'string' || !symbolSet.has(value)) {
          throw shapeError(`${JSON.stringify(value)} is not one of the enum values`);
        }
        return value;
      },
      fromAvro: identity.fromAvro,
    };
    if (jsonValues) {
      const symbolByValue = new Map(jsonValues.map((value, index) => [value, symbols[index]!]));
      const valueBySymbol = new Map(symbols.map((symbol, index) => [symbol, jsonValues[index]!]));
      adapter = {
        toAvro: (value) => {
          const symbol = symbolByValue.get(value as string);
          if (symbol === undefined) throw shapeError(`${JSON.stringify(value)} is not one of the enum values`);
          return symbol;
        },
        fromAvro: (value) => valueBySymbol.get(value as string),
      };
    }
    this.named.set(name, adapter);
    return adapter;
  }
}

const compiledBySchema = new WeakMap<object, CompiledSchema>();
const compiledByText = new Map<string, CompiledSchema>();

function compileSchema(schemaId: string, schema: RawSchema): CompiledSchema {
  try {
    const parsed: RawSchema = typeof schema === 'string' ? (JSON.parse(schema) as unknown) : schema;
    const type = avsc().Type.forSchema(parsed as avro.Schema, { wrapUnions: true });
    const adapter = new AdapterCompiler().compile(parsed, undefined);
    return { type, adapter, jsonWriter: compileAvroJsonWriter(parsed) };
  } catch (error) {
    throw new AvroSchemaInvalidError(schemaId, (error as Error).message, { cause: error });
  }
}

/** Types are built once per schema value (avsc type construction is the expensive part). */
function compiledFor(version: EventVersionEntry): CompiledSchema {
  const schema = version.avroSchema;
  if (schema === undefined || schema === null) throw new AvroSchemaMissingError(version.schemaId);
  if (typeof schema === 'string') {
    let compiled = compiledByText.get(schema);
    if (!compiled) compiledByText.set(schema, (compiled = compileSchema(version.schemaId, schema)));
    return compiled;
  }
  if (typeof schema !== 'object') throw new AvroSchemaMissingError(version.schemaId);
  let compiled = compiledBySchema.get(schema);
  if (!compiled) compiledBySchema.set(schema, (compiled = compileSchema(version.schemaId, schema)));
  return compiled;
}

const resolvers = new WeakMap<avro.Type, WeakMap<avro.Type, avro.Resolver>>();

function resolverFor(
  writer: EventVersionEntry,
  writerType: avro.Type,
  reader: EventVersionEntry,
  readerType: avro.Type,
): avro.Resolver {
  let byWriter = resolvers.get(readerType);
  if (!byWriter) resolvers.set(readerType, (byWriter = new WeakMap()));
  let resolver = byWriter.get(writerType);
  if (!resolver) {
    try {
      resolver = readerType.createResolver(writerType);
    } catch (error) {
      throw new AvroSchemaIncompatibleError(writer.schemaId, reader.schemaId, (error as Error).message, {
        cause: error,
      });
    }
    byWriter.set(writerType, resolver);
  }
  return resolver;
}

function encodeError(version: EventVersionEntry, error: unknown): AvroEncodeError {
  if (error instanceof ShapeError) {
    const path = error.segments.map((segment) => `/${segment.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
    return new AvroEncodeError(version.schemaId, path, error.message, { cause: error });
  }
  return new AvroEncodeError(version.schemaId, '', (error as Error).message, { cause: error });
}

/**
 * The codec for topics whose schema settings say Avro: 'avro-json' writes Avro's JSON encoding
 * (unions wrapped, every field present), 'avro-binary' the binary encoding.
 */
export function createAvroCodec(encoding: AvroEncoding): AvroPayloadCodec {
  const readAvroValue = (compiled: CompiledSchema, data: Buffer, resolver?: avro.Resolver): unknown => {
    if (encoding === 'avro-binary') return compiled.type.fromBuffer(data, resolver);
    const value: unknown = compiled.type.fromString(decodeUtf8Strict(data));
    return value;
  };

  const decodeWith = (writer: EventVersionEntry, reader: EventVersionEntry, data: Buffer): unknown => {
    const writerCompiled = compiledFor(writer);
    const readerCompiled = compiledFor(reader);
    const resolver =
      writerCompiled === readerCompiled
        ? undefined
        : resolverFor(writer, writerCompiled.type, reader, readerCompiled.type);
    try {
      let readerValue: unknown;
      if (resolver === undefined) {
        readerValue = readAvroValue(writerCompiled, data);
      } else {
        // avsc resolves only binary data: Avro JSON is read with the writer's type and re-encoded.
        const binary =
          encoding === 'avro-binary' ? data : writerCompiled.type.toBuffer(readAvroValue(writerCompiled, data));
        readerValue = readerCompiled.type.fromBuffer(binary, resolver);
      }
      return readerCompiled.adapter.fromAvro(readerValue);
    } catch (error) {
      throw new PayloadDecodeError(encoding, (error as Error).message, { cause: error });
    }
  };

  return {
    encoding,
    encode(version, payload) {
      const compiled = compiledFor(version);
      if (encoding === 'avro-json' && compiled.jsonWriter) {
        try {
          return Buffer.from(compiled.jsonWriter(payload), 'utf8');
        } catch (error) {
          // Not a fit: the general path below names the JSON pointer of the problem.
          if (!(error instanceof AvroJsonWriteMismatch)) throw encodeError(version, error);
        }
      }
      try {
        const value = compiled.adapter.toAvro(payload);
        return encoding === 'avro-binary'
          ? compiled.type.toBuffer(value)
          : Buffer.from(compiled.type.toString(value), 'utf8');
      } catch (error) {
        throw encodeError(version, error);
      }
    },
    decode: (writer, data) => decodeWith(writer, writer, data),
    decodeAs: decodeWith,
  };
}

/** One codec per encoding: what publishers encode with and subscribers decode with by default. */
export function payloadCodecs(): Readonly<Record<PayloadEncoding, PayloadCodec>> {
  return { json: jsonCodec, 'avro-json': createAvroCodec('avro-json'), 'avro-binary': createAvroCodec('avro-binary') };
}
