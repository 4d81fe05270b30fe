import { EventBusError } from '../../runtime/errors.js';

/** Where in which JSON Schema document a construct lives. */
export interface SchemaLocation {
  /** `$id` of the document, or its file / loader URI when it has none. */
  readonly schema: string;
  /** JSON pointer inside that document, '' for its root. */
  readonly pointer: string;
  /** The `$ref` site (schema#pointer) that led into this document, when it is not the root one. */
  readonly via?: string;
}

function describe(location: SchemaLocation): string {
  const at = `${location.schema}#${location.pointer}`;
  return location.via ? `${at} (reached through $ref at ${location.via})` : at;
}

/**
 * A JSON Schema construct that Avro cannot carry without loss. We refuse instead of emitting a
 * looser Avro schema: the message names the schema, the JSON pointer and what to change.
 */
export class AvroUnrepresentableError extends EventBusError {
  readonly schema: string;
  readonly pointer: string;
  readonly via: string | undefined;
  readonly reason: string;

  constructor(location: SchemaLocation, reason: string) {
    super('AVRO_UNREPRESENTABLE', `Cannot convert ${describe(location)} to Avro: ${reason}`);
    this.schema = location.schema;
    this.pointer = location.pointer;
    this.via = location.via;
    this.reason = reason;
  }
}

/** A `$ref` that does not lead to a schema (no loader, unknown document, dangling pointer). */
export class AvroRefError extends EventBusError {
  readonly schema: string;
  readonly pointer: string;
  readonly ref: string;

  constructor(location: SchemaLocation, ref: string, reason: string, options?: { cause?: unknown }) {
    super('AVRO_REF_UNRESOLVED', `Cannot resolve $ref '${ref}' at ${describe(location)}: ${reason}`, options);
    this.schema = location.schema;
    this.pointer = location.pointer;
    this.ref = ref;
  }
}
