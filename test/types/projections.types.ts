/**
 * Type tests for projection definitions, checked by `tsc -p test/types` (types.unit.test.ts):
 * a handler receives exactly the union of its event types' current envelopes; an unknown type,
 * another event's payload or a handler written for another event does not compile.
 */
import type { DocumentProcessedEvent, EventMap, UserCreatedEvent } from '../../index.js';
import { defineProjection, type ProjectedEvent, type ProjectionContext } from '../../store.js';

const define = defineProjection<EventMap>();
const init = (ctx: ProjectionContext) => ctx.execute(`CREATE TABLE ${ctx.table('t')} (id TEXT)`);

// Valid: the handler narrows on eventType and reads each payload's own fields.
define({
  name: 'board',
  version: 1,
  eventTypes: ['document.processed', 'document.processing_failed'],
  tables: ['t'],
  init,
  handle: (event, ctx) => {
    if (event.eventType === 'document.processed') return ctx.execute('SELECT ?', [event.payload.chunkCount]);
    const stage: 'upload' | 'parse' | 'chunk' | 'embed' = event.payload.stage;
    return stage;
  },
});

define({
  name: 'unknown_type',
  version: 1,
  // @ts-expect-error 'document.deleted' is not an event type of the registry
  eventTypes: ['document.deleted'],
  tables: ['t'],
  init,
  handle: () => undefined,
});

define({
  name: 'wrong_payload',
  version: 1,
  eventTypes: ['document.processed'],
  tables: ['t'],
  init,
  handle: (event) => {
    // @ts-expect-error document.processed has no `stage` (that is document.processing_failed's)
    return event.payload.stage;
  },
});

define({
  name: 'wrong_handler',
  version: 1,
  eventTypes: ['document.processed'],
  tables: ['t'],
  init,
  // @ts-expect-error a handler written for user.created cannot handle document.processed
  handle: (event: ProjectedEvent<UserCreatedEvent>) => event.payload.email,
});

define({
  name: 'narrower_handler',
  version: 1,
  eventTypes: ['document.processed', 'user.created'],
  tables: ['t'],
  init,
  // @ts-expect-error the handler must accept every listed type, not only one of them
  handle: (event: ProjectedEvent<DocumentProcessedEvent>) => event.payload.fileName,
});

define({
  name: 'exhaustive',
  version: 1,
  eventTypes: ['user.created'],
  tables: ['t'],
  init,
  handle: (event) => {
    // @ts-expect-error only user.created reaches this handler
    if (event.eventType === 'document.processed') return;
    const tier: 'free' | 'pro' | 'enterprise' = event.payload.subscriptionTier;
    return tier;
  },
});
