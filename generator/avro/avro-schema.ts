/**
 * The subset of Avro schema JSON the converter emits, and the custom attributes that carry
 * what Avro cannot say about JSON (see docs/decisions/0040-avro-mapping.md). The attribute
 * names are defined by the runtime codec, which reads them back.
 */
export {
  AVRO_JSON_OPTIONAL_ATTRIBUTE,
  AVRO_JSON_NULL_ATTRIBUTE,
  AVRO_JSON_ENUM_VALUES_ATTRIBUTE,
  JSON_NULL_TYPE_NAME,
  JSON_NULL_SYMBOL,
} from '../../runtime/codec/avro.js';

export type AvroPrimitiveName = 'null' | 'boolean' | 'long' | 'double' | 'string';

export interface AvroField {
  name: string;
  type: AvroType;
  doc?: string;
  default?: null;
  /** true: the JSON property may be absent; Avro null stands for "absent". */
  'x-json-optional'?: true;
}

export interface AvroRecordSchema {
  type: 'record';
  name: string;
  namespace?: string;
  doc?: string;
  fields: AvroField[];
}

export interface AvroEnumSchema {
  type: 'enum';
  name: string;
  namespace?: string;
  doc?: string;
  symbols: string[];
  /** The JSON values, index-aligned with `symbols`, when some value is not a valid Avro symbol. */
  'x-json-values'?: string[];
  /** Marks the one-symbol enum that stands for JSON null in optional-nullable fields. */
  'x-json-null'?: true;
}

export interface AvroArraySchema {
  type: 'array';
  items: AvroType;
}

export interface AvroMapSchema {
  type: 'map';
  values: AvroType;
}

/** A type in field position: a primitive, a full name reference, an inline type or a union. */
export type AvroType =
  AvroPrimitiveName | string | AvroRecordSchema | AvroEnumSchema | AvroArraySchema | AvroMapSchema | AvroType[];
