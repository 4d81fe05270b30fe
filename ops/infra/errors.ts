import { EventBusError } from '../../runtime/errors.js';

/** A configuration value for provisioning or schema sync is missing or malformed. */
export class InfraConfigError extends EventBusError {
  constructor(message: string) {
    super('INFRA_CONFIG_INVALID', message);
  }
}

/** asyncapi.yaml does not describe the topology the way provisioning needs; names file and JSON pointer. */
export class RegistryTopologyError extends EventBusError {
  constructor(
    readonly file: string,
    readonly pointer: string,
    reason: string,
  ) {
    super('REGISTRY_TOPOLOGY_INVALID', `${file}#${pointer}: ${reason}`);
  }
}

/** A derived Pub/Sub schema id would be rejected by Pub/Sub. */
export class InvalidSchemaIdError extends EventBusError {
  constructor(readonly schemaId: string) {
    super(
      'INVALID_SCHEMA_ID',
      `Invalid schema id '${schemaId}': Pub/Sub schema ids are 3-255 characters, start with a letter, ` +
        `use only letters, digits and - _ . ~ + %, and do not start with 'goog'`,
    );
  }
}

/**
 * Two consecutive versions of an event do not resolve against each other as Avro reader and
 * writer, so Pub/Sub (the real service) would refuse the new revision.
 */
export class SchemaRevisionIncompatibleError extends EventBusError {
  constructor(
    readonly eventType: string,
    readonly olderVersion: number,
    readonly newerVersion: number,
    reason: string,
  ) {
    super(
      'SCHEMA_REVISION_INCOMPATIBLE',
      `${eventType}: the Avro schema of v${newerVersion} does not resolve against v${olderVersion} ${reason}; ` +
        `Pub/Sub would reject the revision. Make the change backward and forward compatible (add fields with defaults) or publish a new event type.`,
    );
  }
}

/** The schema would need more revisions than Pub/Sub keeps (20), even after pruning retired ones. */
export class SchemaRevisionLimitError extends EventBusError {
  constructor(
    readonly eventType: string,
    readonly needed: number,
    readonly limit: number,
  ) {
    super(
      'SCHEMA_REVISION_LIMIT',
      `${eventType}: ${needed} supported versions need ${needed} schema revisions but Pub/Sub keeps at most ${limit}; ` +
        `retire old versions (raise x-min-version on the channel) before adding another.`,
    );
  }
}

/** A version's Avro definition is missing or not valid Avro. */
export class AvroDefinitionError extends EventBusError {
  constructor(
    readonly eventType: string,
    readonly version: number,
    reason: string,
  ) {
    super('AVRO_DEFINITION_INVALID', `${eventType} v${version}: ${reason}`);
  }
}
