/**
 * Avro payload codecs ('avro-json', 'avro-binary') for topics bound to an Avro schema.
 * The schema comes from the generator's JSON Schema → Avro conversion
 * (docs/decisions/0040-avro-mapping.md); these attributes carry what Avro cannot say.
 */

/** Field attribute: the JSON property may be absent; Avro null on that field means "absent". */
export const AVRO_JSON_OPTIONAL_ATTRIBUTE = 'x-json-optional';
/** Enum attribute: this one-symbol enum stands for JSON null inside an optional-nullable union. */
export const AVRO_JSON_NULL_ATTRIBUTE = 'x-json-null';
/** Enum attribute: the JSON values, index-aligned with `symbols`, when they are not Avro symbols. */
export const AVRO_JSON_ENUM_VALUES_ATTRIBUTE = 'x-json-values';
export const JSON_NULL_TYPE_NAME = 'JsonNull';
export const JSON_NULL_SYMBOL = 'NULL';
