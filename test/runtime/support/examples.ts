import { createEventFactory, type AnyEventEnvelope, type EventCatalog } from '../../../runtime/index.js';
import { lookupEventType } from '../../../runtime/catalog.js';
import { EventSamples } from '../../../testing/index.js';
import { repoRoot } from '../../support/registry-catalog.js';

/** The first `examples` entry of the event type's current-version schema (every registry schema has one). */
export function examplePayload(catalog: EventCatalog, eventType: string): Record<string, unknown> {
  const [example] = new EventSamples({ catalog, registryRoot: repoRoot }).examples(eventType);
  if (!example || typeof example !== 'object') throw new Error(`${eventType} has no example in its schema`);
  return example as Record<string, unknown>;
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
