import type { CheckedAvroDefinition } from './avro-definitions.js';
import { SchemaRevisionIncompatibleError } from './errors.js';

/**
 * Pub/Sub (the real service; the emulator does not enforce it) accepts a new Avro revision only
 * when it resolves against the previous one as reader and as writer. We check the same with
 * avsc before committing, so the failure names the event and its versions.
 */
export function assertRevisionsResolve(older: CheckedAvroDefinition, newer: CheckedAvroDefinition): void {
  const attempt = (reader: CheckedAvroDefinition, writer: CheckedAvroDefinition): void => {
    try {
      reader.type.createResolver(writer.type);
    } catch (error) {
      throw new SchemaRevisionIncompatibleError(
        newer.eventType,
        older.version,
        newer.version,
        `(v${reader.version} cannot read data written with v${writer.version}: ${(error as Error).message})`,
      );
    }
  };
  attempt(newer, older);
  attempt(older, newer);
}
