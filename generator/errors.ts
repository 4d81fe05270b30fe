import { EventBusError } from '../runtime/errors.js';

// Registry findings have one shape and one error, defined by the registry module.
export { RegistryError, formatDiagnostic, type RegistryDiagnostic } from '../registry/diagnostics.js';

/** Base of every generator failure. */
export class GeneratorError extends EventBusError {}

/** A name derived from schema text cannot become an identifier, even after fixing. */
export class NamingError extends GeneratorError {
  constructor(
    readonly source: string,
    reason: string,
  ) {
    super('NAMING_FAILED', `Cannot derive an identifier from ${JSON.stringify(source)}: ${reason}`);
  }
}

/** ajv refused a schema while compiling its validator. */
export class ValidatorCompileError extends GeneratorError {
  constructor(
    readonly schemaFile: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super('VALIDATOR_COMPILE_FAILED', `${schemaFile}: cannot compile validator: ${reason}`, options);
  }
}
