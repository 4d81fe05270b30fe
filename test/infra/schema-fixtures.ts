import { readFileSync } from 'node:fs';
import type { EventVersionEntry } from '../../runtime/catalog.js';
import type { AvroDefinition, RegistryTopology } from '../../ops/infra/index.js';
import { loadAvroDefinitions } from '../../cli/commands/schemas.js';
import { REPO_ROOT } from './support.js';

export async function registryDefinitions(topology: RegistryTopology): Promise<AvroDefinition[]> {
  return loadAvroDefinitions(topology, `${REPO_ROOT}generated/avro`, `${REPO_ROOT}schemas`);
}

/** The registry with `eventType` cut back to its first `count` versions (a registry "before" a PR). */
export function withVersions(topology: RegistryTopology, eventType: string, count: number): RegistryTopology {
  return {
    ...topology,
    events: topology.events.map((event) =>
      event.eventType === eventType ? { ...event, versions: event.versions.slice(0, count) } : event,
    ),
  };
}

/** The first example payload of one event version's JSON Schema. */
export function examplePayload(eventType: string, version: number): unknown {
  const schema = JSON.parse(readFileSync(`${REPO_ROOT}schemas/${eventType}/${version}.json`, 'utf8')) as {
    examples?: unknown[];
  };
  if (!schema.examples?.length) throw new Error(`schemas/${eventType}/${version}.json has no examples`);
  return schema.examples[0];
}

/** A version entry for the runtime's Avro codec, built from a definition. */
export function versionEntry(definition: AvroDefinition): EventVersionEntry {
  return {
    version: definition.version,
    schemaId: `${definition.eventType}/${definition.version}`,
    schemaFile: `schemas/${definition.eventType}/${definition.version}.json`,
    validate: () => ({ valid: true }),
    avroSchema: typeof definition.definition === 'string' ? JSON.parse(definition.definition) : definition.definition,
  };
}
