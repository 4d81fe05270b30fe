import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import avro from 'avsc';
import type { EventCatalog } from '../../runtime/catalog.js';
import { canonicalDefinition } from './canonical-json.js';
import { AvroDefinitionError } from './errors.js';
import type { RegistryTopology } from './registry-topology.js';

/**
 * The Avro definition of one event version: the input of schema sync. Sync never converts
 * JSON Schema itself; it takes what the generator produced (catalog `avroSchema` or
 * generated/avro/<type>/<version>.avsc), so what is reviewed is what is deployed.
 */
export interface AvroDefinition {
  readonly eventType: string;
  readonly version: number;
  /** The Avro schema, as JSON text or parsed. */
  readonly definition: string | object;
}

/** A definition checked to be Avro, with the text sent to Pub/Sub and its canonical form. */
export interface CheckedAvroDefinition {
  readonly eventType: string;
  readonly version: number;
  readonly text: string;
  readonly canonical: string;
  readonly type: avro.Type;
}

export function checkAvroDefinition(input: AvroDefinition): CheckedAvroDefinition {
  const canonical = canonicalDefinition(input.definition);
  if (canonical === undefined)
    throw new AvroDefinitionError(input.eventType, input.version, 'the Avro definition is not JSON');
  const text = typeof input.definition === 'string' ? input.definition : JSON.stringify(input.definition, null, 2);
  let type: avro.Type;
  try {
    type = avro.Type.forSchema(JSON.parse(text) as avro.Schema);
  } catch (error) {
    throw new AvroDefinitionError(
      input.eventType,
      input.version,
      `not a valid Avro schema: ${(error as Error).message}`,
    );
  }
  return { eventType: input.eventType, version: input.version, text, canonical, type };
}

/** Definitions from a catalog whose entries carry `avroSchema` (wired by the generator). */
export function avroDefinitionsFromCatalog(catalog: EventCatalog): AvroDefinition[] {
  const definitions: AvroDefinition[] = [];
  for (const entry of Object.values(catalog.events)) {
    for (const version of Object.values(entry.versions)) {
      if (version.avroSchema === undefined) continue;
      definitions.push({
        eventType: entry.eventType,
        version: version.version,
        definition: version.avroSchema as string | object,
      });
    }
  }
  return definitions;
}

/** Reads `<dir>/<event type>/<version>.avsc` for every version of the topology. */
export async function readAvroDefinitionFiles(
  topology: RegistryTopology,
  directory: string,
): Promise<AvroDefinition[]> {
  const definitions: AvroDefinition[] = [];
  for (const event of topology.events) {
    for (const version of event.versions) {
      const file = join(directory, event.eventType, `${version}.avsc`);
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        throw new AvroDefinitionError(event.eventType, version, `cannot read ${file}: ${(error as Error).message}`);
      }
      definitions.push({ eventType: event.eventType, version, definition: text });
    }
  }
  return definitions;
}
