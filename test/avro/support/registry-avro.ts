/**
 * Every event version of the registry with its validator (from the registry catalog) and its
 * converted Avro schema, as the generated catalog will carry them.
 */
import { join } from 'node:path';
import { eventAvroSchema, indexSchemaDirectory } from '../../../generator/avro/index.js';
import type { EventVersionEntry } from '../../../runtime/index.js';
import { loadRegistry, loadRegistryCatalog, repoRoot } from '../../support/registry-catalog.js';

export interface RegistryAvroVersion {
  readonly eventType: string;
  readonly version: number;
  readonly schemaFile: string;
  readonly schema: Record<string, unknown>;
  readonly entry: EventVersionEntry;
}

export const registryRefs = indexSchemaDirectory(join(repoRoot, 'schemas'));

export async function loadRegistryAvroVersions(): Promise<RegistryAvroVersion[]> {
  const [registry, catalog] = await Promise.all([loadRegistry(), loadRegistryCatalog()]);
  const versions: RegistryAvroVersion[] = [];
  for (const channel of registry.channels) {
    for (const message of channel.messages) {
      const compiled = catalog.events[channel.eventType]!.versions[message.version]!;
      const input = {
        eventType: channel.eventType,
        version: message.version,
        schema: message.schema,
        schemaFile: message.schemaFile,
      };
      versions.push({
        ...input,
        entry: { ...compiled, avroSchema: eventAvroSchema(input, { loadRef: registryRefs.loadRef }) },
      });
    }
  }
  return versions.sort((left, right) => left.schemaFile.localeCompare(right.schemaFile));
}
