import type { StoredEvent } from '../store/types.js';
import { ProjectionHandlerError } from './errors.js';
import type { AnyProjection, ProjectedEvent, ProjectionContext } from './types.js';

type LooseHandler = (event: ProjectedEvent<StoredEvent>, context: ProjectionContext) => unknown;

/** Applies events in order; a throw becomes `wrap(...)` (default ProjectionHandlerError). */
export async function applyEvents(
  projection: AnyProjection,
  events: readonly ProjectedEvent<StoredEvent>[],
  context: ProjectionContext,
  wrap: (projection: string, eventId: string, eventType: string, cause: unknown) => Error = (...args) =>
    new ProjectionHandlerError(...args),
): Promise<void> {
  const handle = projection.handle as unknown as LooseHandler;
  for (const event of events) {
    if (!projection.eventTypes.includes(event.eventType)) continue;
    try {
      await handle(event, context);
    } catch (error) {
      throw wrap(projection.name, event.eventId, event.eventType, error);
    }
  }
}
