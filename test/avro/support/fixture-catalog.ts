/**
 * Event version entries for the fixture schemas: ajv validators (same settings as the registry's)
 * and the converted Avro schemas, as the generated catalog will carry them.
 */
import type { EventVersionEntry } from '../../../runtime/index.js';
import { jsonSchemaToAvro } from '../../../generator/avro/index.js';
import { createRegistryAjv, toPayloadValidator } from '../../support/registry-catalog.js';
import { commonShapes, loadFixtureRef, orderPlacedV1, orderPlacedV2 } from './fixture-schemas.js';

const ajv = createRegistryAjv(
  new Map<string, Record<string, unknown>>([
    ['schemas/common/shapes.json', structuredClone(commonShapes) as Record<string, unknown>],
    ['schemas/order.placed/1.json', structuredClone(orderPlacedV1) as Record<string, unknown>],
    ['schemas/order.placed/2.json', structuredClone(orderPlacedV2) as Record<string, unknown>],
  ]),
);

function entry(version: number, schema: { $id: string }): EventVersionEntry {
  const validate = ajv.getSchema(schema.$id);
  if (!validate) throw new Error(`fixture schema ${schema.$id} did not compile`);
  return {
    version,
    schemaId: schema.$id,
    schemaFile: `schemas/order.placed/${version}.json`,
    validate: toPayloadValidator(validate),
    avroSchema: jsonSchemaToAvro(schema, {
      name: 'OrderPlaced',
      namespace: 'dev.clone.events',
      loadRef: loadFixtureRef,
    }),
  };
}

export const orderPlacedV1Entry = entry(1, orderPlacedV1);
export const orderPlacedV2Entry = entry(2, orderPlacedV2);
