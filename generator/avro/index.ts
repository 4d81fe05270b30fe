// JSON Schema → Avro conversion for Pub/Sub schema resources (docs/decisions/0040-avro-mapping.md).
export * from './avro-schema.js';
export * from './errors.js';
export { jsonSchemaToAvro, type JsonSchemaToAvroOptions, type RefLoader } from './json-schema-to-avro.js';
export * from './render.js';
export * from './schema-dir-loader.js';
