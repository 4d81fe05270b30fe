/**
 * Avro JSON text written straight from the plain payload, compiled once per Avro schema.
 *
 * The general path (an adapter builds avsc's wrapped value, then avsc's `toString` copies it
 * again) costs two deep copies, a closure and a try/catch per field; on the in-process publish
 * path it was most of the time (docs/benchmarks.md). This writer walks the payload once and
 * concatenates the text. It checks only what it must to never write text that breaks the schema
 * (types of primitives, enum membership, required fields); when anything does not fit it throws
 * `AvroJsonWriteMismatch` and the codec re-runs the general path, which reports the JSON pointer.
 * Output is byte-identical to avsc's (a property test holds the two to it).
 */

type RawObject = Record<string, unknown>;
export type AvroJsonWriter = (value: unknown) => string;

/** Mirrors avro.ts: optional fields and the JsonNull stand-in. */
const OPTIONAL = 'x-json-optional';
const JSON_NULL = 'x-json-null';
const ENUM_VALUES = 'x-json-values';
const JSON_NULL_SYMBOL = '"NULL"';
const AVSC_LONG_LIMIT = 9007199254740990;

/** The payload does not fit; the caller falls back to the general path for a precise error. */
export class AvroJsonWriteMismatch extends Error {}

const mismatch = (): never => {
  throw new AvroJsonWriteMismatch();
};

const isRawObject = (value: unknown): value is RawObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const fullName = (name: string, namespace: string | undefined): string =>
  name.includes('.') || !namespace ? name : `${namespace}.${name}`;

/** Schema shapes this writer does not take (bytes, fixed, multi-branch unions): use the general path. */
class Unsupported extends Error {}

/**
 * Whether JSON.stringify would escape a character of `value`: `"`, `\\`, control characters, and
 * surrogates (lone ones become `\\uXXXX`; paired ones are sent there too, which is simply the
 * slower path). A string without any is quoted as it is, about 2.5× cheaper than JSON.stringify and
 * the same text. A loop over the char codes, not a regex test: for the short strings of a payload
 * the call into the regex engine cost more than the scan (decision 0151).
 */
function needsEscaping(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x22 || code === 0x5c || (code >= 0xd800 && code <= 0xdfff)) return true;
  }
  return false;
}

const PRIMITIVE_WRITERS: Record<string, AvroJsonWriter> = {
  null: (value) => (value === null ? 'null' : mismatch()),
  boolean: (value) => (value === true ? 'true' : value === false ? 'false' : mismatch()),
  int: (value) =>
    typeof value === 'number' && Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31 ? String(value) : mismatch(),
  long: (value) =>
    typeof value === 'number' && Number.isInteger(value) && Math.abs(value) <= AVSC_LONG_LIMIT ? String(value) : mismatch(),
  float: (value) => (typeof value === 'number' && Number.isFinite(value) ? JSON.stringify(value) : mismatch()),
  double: (value) => (typeof value === 'number' && Number.isFinite(value) ? JSON.stringify(value) : mismatch()),
  string: (value) => (typeof value !== 'string' ? mismatch() : needsEscaping(value) ? JSON.stringify(value) : `"${value}"`),
};

class WriterCompiler {
  private readonly named = new Map<string, { write: AvroJsonWriter }>();
  private readonly jsonNullNames = new Set<string>();

  compile(schema: unknown, namespace: string | undefined): AvroJsonWriter {
    if (typeof schema === 'string') {
      const primitive = PRIMITIVE_WRITERS[schema];
      if (primitive) return primitive;
      if (schema === 'bytes') throw new Unsupported();
      const ref = this.named.get(fullName(schema, namespace)) ?? this.named.get(schema);
      if (!ref) throw new Unsupported();
      return (value) => ref.write(value);
    }
    if (Array.isArray(schema)) return this.union(schema, namespace);
    if (!isRawObject(schema)) throw new Unsupported();
    switch (schema.type) {
      case 'record':
        return this.record(schema, namespace);
      case 'enum':
        return this.enumeration(schema, namespace);
      case 'array': {
        const items = this.compile(schema.items, namespace);
        return (value) => {
          if (!Array.isArray(value)) return mismatch();
          let text = '[';
          for (let i = 0; i < value.length; i++) text += (i === 0 ? '' : ',') + items(value[i]);
          return `${text}]`;
        };
      }
      case 'map': {
        const values = this.compile(schema.values, namespace);
        return (value) => {
          if (!isRawObject(value) || Object.hasOwn(value, '__proto__')) return mismatch();
          let text = '{';
          let first = true;
          for (const key in value) {
            if (!Object.hasOwn(value, key)) continue;
            text += `${first ? '' : ','}${JSON.stringify(key)}:${values(value[key])}`;
            first = false;
          }
          return `${text}}`;
        };
      }
      default:
        if (typeof schema.type === 'string' || Array.isArray(schema.type)) return this.compile(schema.type, namespace);
        throw new Unsupported();
    }
  }

  /** avsc's key for a wrapped union branch (as avro.ts's `branchName`). */
  private branchName(schema: unknown, namespace: string | undefined): string {
    if (typeof schema === 'string') return PRIMITIVE_WRITERS[schema] || schema === 'bytes' ? schema : fullName(schema, namespace);
    if (isRawObject(schema) && typeof schema.name === 'string') {
      return fullName(schema.name, typeof schema.namespace === 'string' ? schema.namespace : namespace);
    }
    if (isRawObject(schema) && typeof schema.type === 'string') return schema.type;
    throw new Unsupported();
  }

  private record(schema: RawObject, enclosing: string | undefined): AvroJsonWriter {
    const namespace = typeof schema.namespace === 'string' ? schema.namespace : enclosing;
    const name = fullName(String(schema.name), namespace);
    const own = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : namespace;
    const ref = { write: mismatch as AvroJsonWriter };
    this.named.set(name, ref);
    // Each field's text before its value, comma included: `{"a":` … `,"b":` (one concatenation per field).
    const fields = (schema.fields as RawObject[]).map((field, index) => ({
      name: String(field.name),
      prefix: `${index === 0 ? '{' : ','}${JSON.stringify(String(field.name))}:`,
      write: this.field(field, own),
    }));
    const known = new Set(fields.map((field) => field.name));
    const count = fields.length;
    ref.write = (value) => {
      if (!isRawObject(value)) return mismatch();
      // An unknown property would be dropped silently: the general path says which one.
      for (const key in value) {
        if (!known.has(key) && Object.hasOwn(value, key) && value[key] !== undefined) return mismatch();
      }
      if (count === 0) return '{}';
      let text = '';
      for (let i = 0; i < count; i++) {
        const field = fields[i]!;
        text += field.prefix + field.write(value[field.name]);
      }
      return `${text}}`;
    };
    return ref.write;
  }

  private field(field: RawObject, namespace: string | undefined): AvroJsonWriter {
    if (field[OPTIONAL] !== true) {
      const type = this.compile(field.type, namespace);
      return (value) => (value === undefined ? mismatch() : type(value));
    }
    if (!Array.isArray(field.type) || field.type[0] !== 'null') throw new Unsupported();
    const branches = field.type.slice(1).map((branch) => ({ key: this.branchName(branch, namespace), write: this.compile(branch, namespace) }));
    const jsonNull = branches.find((branch) => this.jsonNullNames.has(branch.key));
    const present = branches.filter((branch) => branch !== jsonNull);
    if (present.length > 1) throw new Unsupported();
    const nullText = jsonNull ? `{${JSON.stringify(jsonNull.key)}:${JSON_NULL_SYMBOL}}` : undefined;
    const presentPrefix = present[0] ? `{${JSON.stringify(present[0].key)}:` : undefined;
    const writePresent = present[0]?.write;
    return (value) => {
      if (value === undefined) return 'null';
      if (value === null) return nullText ?? mismatch();
      return presentPrefix === undefined ? mismatch() : `${presentPrefix}${writePresent!(value)}}`;
    };
  }

  private union(schema: unknown[], namespace: string | undefined): AvroJsonWriter {
    const branches = schema.map((branch) => ({ key: this.branchName(branch, namespace), write: this.compile(branch, namespace) }));
    const values = branches.filter((branch) => branch.key !== 'null' && !this.jsonNullNames.has(branch.key));
    if (values.length > 1) throw new Unsupported();
    const allowsNull = branches.some((branch) => branch.key === 'null');
    const present = values[0];
    const prefix = present ? `{${JSON.stringify(present.key)}:` : undefined;
    return (value) => {
      if (value === null) return allowsNull ? 'null' : mismatch();
      return prefix === undefined ? mismatch() : `${prefix}${present!.write(value)}}`;
    };
  }

  private enumeration(schema: RawObject, namespace: string | undefined): AvroJsonWriter {
    const name = fullName(String(schema.name), typeof schema.namespace === 'string' ? schema.namespace : namespace);
    if (schema[JSON_NULL] === true) this.jsonNullNames.add(name);
    const symbols = schema.symbols as string[];
    const jsonValues = schema[ENUM_VALUES] as string[] | undefined;
    const textByValue = new Map((jsonValues ?? symbols).map((value, index) => [value, JSON.stringify(symbols[index])]));
    const write: AvroJsonWriter = (value) => (typeof value === 'string' ? (textByValue.get(value) ?? mismatch()) : mismatch());
    this.named.set(name, { write });
    return write;
  }
}

/** The writer for a parsed Avro schema, or undefined when the schema uses a shape it does not take. */
export function compileAvroJsonWriter(schema: unknown): AvroJsonWriter | undefined {
  try {
    return new WriterCompiler().compile(schema, undefined);
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}
