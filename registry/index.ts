/**
 * The registry module: the only reader of asyncapi.yaml and the schema files. The generator, the
 * compatibility check, the Pub/Sub topology and the tests all read the registry through it.
 */
export { loadRegistry, inspectRegistry, DEFAULT_REGISTRY_FILE, type LoadOptions, type InspectResult } from './load.js';
export { readRegistry, topicFromAddress, validTopicId, TOPIC_ID_PATTERN, type ReadOptions, type ReadResult } from './read.js';
export { DiskSource, MemorySource, type RegistrySource } from './source.js';
export { RegistryError, formatDiagnostic, sortDiagnostics, displayPath, type RegistryDiagnostic, type Severity } from './diagnostics.js';
export { SchemaStore, forEachRef, forEachSubschema, isObject, RegistryProblem, type JsonSchema, type ResolvedRef } from './schemas.js';
export { escapeToken, unescapeToken, toPointer, joinPointer, splitPointer, getAtPointer } from './pointer.js';
export { createSchemaAjv, checkSchemas, unknownFormats } from './ajv.js';
export { validateAsyncApi } from './validate.js';
export { registryCatalog, compilePayloadValidators, toPayloadValidator, toValidationIssue } from './catalog.js';
export type * from './model.js';
