/**
 * Inline projections: applied inside the append's own transaction, so the read model is never
 * behind the stream; a throwing projection rolls the append back (InlineProjectionError).
 *
 *   const hook = inlineProjections([conversationSummary]);
 *   const store = new EventStore({ onAppendTransaction: hook });
 *   await ensureProjections({ store, inline: [conversationSummary] });
 */
import type { AppendTransactionHook } from '../store/store-transaction.js';
import { applyEvents } from './apply.js';
import { PROJECTION_LOCK_CLASS } from './events.js';
import { InlineProjectionError, ProjectionNotReadyError } from './errors.js';
import { projectionContext, readState } from './sql.js';
import { assertValidProjection, type AnyProjection } from './types.js';

export function inlineProjections(projections: readonly AnyProjection[]): AppendTransactionHook {
  for (const projection of projections) assertValidProjection(projection);
  return async (transaction, events) => {
    for (const projection of projections) {
      const handled = events.filter((event) => projection.eventTypes.includes(event.eventType));
      if (handled.length === 0) continue;
      // Shared with other appends, exclusive for a rebuild's switch-over (see rebuild.ts).
      if (transaction.kind === 'postgres')
        await transaction.client.query('SELECT pg_advisory_xact_lock_shared($1, hashtext($2))', [
          PROJECTION_LOCK_CLASS,
          projection.name,
        ]);
      const state = await readState(transaction, projection.name);
      if (!state) throw new ProjectionNotReadyError(projection.name);
      // Not built yet, or being rebuilt for this version: the rebuild's switch-over applies these.
      if (state.generation === 0 || state.version !== projection.version) continue;
      await applyEvents(
        projection,
        handled,
        projectionContext(transaction, projection, state.generation),
        (...args) => new InlineProjectionError(...args),
      );
    }
  };
}
