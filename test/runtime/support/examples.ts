import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createEventFactory,
  type AnyEventEnvelope,
  type EventCatalog,
} from '../../../runtime/index.js';
import { lookupEventType } from '../../../runtime/catalog.js';
import { repoRoot } from '../../support/registry-catalog.js';

/** The first `examples` entry of the event type's current-version schema (every registry schema has one). */
export function examplePayload(catalog: EventCatalog, eventType: string): Record<string, unknown> {
  const entry = lookupEventType(catalog, eventType);
  const version = entry.versions[entry.currentVersion]!;
  const schema = JSON.parse(readFileSync(join(repoRoot, version.schemaFile), 'utf8')) as { examples?: unknown[] };
  const example = schema.examples?.[0];
  if (!example || typeof example !== 'object') throw new Error(`${version.schemaFile} has no example`);
  return structuredClone(example) as Record<string, unknown>;
}

/** A valid event of `eventType` built from its schema example. */
export function exampleEvent(
  catalog: EventCatalog,
  eventType: string,
  aggregateId: string,
  options: Parameters<ReturnType<typeof createEventFactory>>[4] = {},
): AnyEventEnvelope {
  const entry = lookupEventType(catalog, eventType);
  const createEvent = createEventFactory(catalog);
  return createEvent(eventType, aggregateId, entry.aggregateType, examplePayload(catalog, eventType), options);
}
