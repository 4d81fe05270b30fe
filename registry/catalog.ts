/**
 * The runtime catalog of a registry with validators compiled now by ajv (tests, tools that run
 * before `generate`). The generator writes the same catalog ahead of time (generated/catalog.ts).
 */
import type { AnySchemaObject, ErrorObject, ValidateFunction } from 'ajv';
import type { EventCatalog, EventTypeEntry, EventVersionEntry } from '../runtime/catalog.js';
import type { PayloadValidator, ValidationIssue } from '../runtime/validation.js';
import { createSchemaAjv, forAjv, unknownFormats } from './ajv.js';
import type { RegistryModel } from './model.js';

export function toValidationIssue(error: ErrorObject): ValidationIssue {
  return {
    instancePath: error.instancePath,
    schemaPath: error.schemaPath,
    keyword: error.keyword,
    message: error.message ?? `must pass "${error.keyword}"`,
    params: { ...error.params },
  };
}

export function toPayloadValidator(validate: ValidateFunction): PayloadValidator {
  return (payload) => (validate(payload) ? { valid: true } : { valid: false, issues: (validate.errors ?? []).map(toValidationIssue) });
}

/** One ajv holding every document the payloads reach, by effective `$id`. */
export function compilePayloadValidators(model: RegistryModel): Map<string, ValidateFunction> {
  const ajv = createSchemaAjv({ validateSchema: false, passFormats: unknownFormats(model).keys() });
  const added = new Set<string>();
  const validators = new Map<string, ValidateFunction>();
  for (const version of model.events.flatMap((event) => event.versions)) {
    const { payload } = version;
    if (payload.form === 'none') {
      validators.set(payload.key, ajv.compile(true));
      continue;
    }
    for (const file of model.store.reachableFiles(payload.file, payload.pointer)) {
      const id = model.store.idOf(file);
      if (added.has(id)) continue;
      added.add(id);
      ajv.addSchema(forAjv(model.store.load(file)) as AnySchemaObject, id);
    }
    const validate = ajv.getSchema(payload.schemaId);
    if (!validate) throw new Error(`internal: ajv does not know ${payload.schemaId}`);
    validators.set(payload.key, validate);
  }
  return validators;
}

export function registryCatalog(model: RegistryModel): EventCatalog {
  const validators = compilePayloadValidators(model);
  const events: Record<string, EventTypeEntry> = {};
  for (const event of model.events) {
    const versions: Record<number, EventVersionEntry> = {};
    for (const version of event.versions) {
      versions[version.version] = {
        version: version.version,
        schemaId: version.payload.schemaId,
        schemaFile: version.payload.schemaFile,
        validate: toPayloadValidator(validators.get(version.payload.key)!),
      };
    }
    events[event.eventType] = {
      eventType: event.eventType,
      aggregateType: event.aggregateType,
      topic: event.topic,
      orderingKey: event.orderingKey,
      currentVersion: event.currentVersion,
      versions,
      ...(event.description !== undefined && { description: event.description }),
    };
  }
  return { events };
}
