/**
 * Projections fed from Pub/Sub, for read models in another service (no access to the store):
 * the handler records the event id in an inbox table in the same transaction as the read-model
 * update, so a redelivered message is a no-op — effectively once on at-least-once delivery.
 *
 *   await ensureInboxProjection(db, documentBoard);
 *   await subscriber.subscribe({ eventType: 'document.processed', handler: inboxHandler({ db, projection: documentBoard }) });
 */
import type { AnyEventEnvelope } from '../envelope.js';
import type { DatabaseHandle } from '../store/database.js';
import { applyEvents } from './apply.js';
import { ProjectionNotReadyError } from './errors.js';
import {
  ensureProjectionTables,
  executeIn,
  inTransaction,
  physicalTable,
  projectionContext,
  readState,
  registerState,
} from './sql.js';
import { assertValidProjection, type AnyProjection } from './types.js';

/** Creates the state row and the tables (generation 1, with their views) of an inbox projection. */
export async function ensureInboxProjection(db: DatabaseHandle, projection: AnyProjection): Promise<void> {
  assertValidProjection(projection);
  await ensureProjectionTables(db);
  await registerState(db, projection, 'inbox');
  await inTransaction(db, async (transaction) => {
    const state = await readState(transaction, projection.name, { forUpdate: true });
    if (!state || state.generation > 0) return;
    await projection.init(projectionContext(transaction, projection, 1));
    for (const table of projection.tables)
      await executeIn(transaction, `CREATE VIEW ${table} AS SELECT * FROM ${physicalTable(table, 1)}`);
    await executeIn(
      transaction,
      'UPDATE projection_state SET generation = 1, version = ?, updated_at = ? WHERE name = ?',
      [projection.version, new Date().toISOString(), projection.name],
    );
  });
}

export interface InboxHandlerOptions {
  readonly db: DatabaseHandle;
  readonly projection: AnyProjection;
}

/**
 * A subscriber handler: in one transaction, records (projection, eventId) in the inbox and
 * applies the event; resolves false for a duplicate (already applied: nothing done). A throw
 * rolls both back, so the redelivery applies the event once.
 */
export function inboxHandler(options: InboxHandlerOptions): (event: AnyEventEnvelope) => Promise<boolean> {
  const { db, projection } = options;
  assertValidProjection(projection);
  return (event) =>
    inTransaction(db, async (transaction) => {
      const { changes } = await executeIn(
        transaction,
        'INSERT INTO projection_inbox (projection, event_id, processed_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
        [projection.name, event.eventId, new Date().toISOString()],
      );
      if (changes === 0) return false;
      const state = await readState(transaction, projection.name);
      if (!state || state.generation === 0) throw new ProjectionNotReadyError(projection.name);
      await applyEvents(projection, [event as never], projectionContext(transaction, projection, state.generation));
      return true;
    });
}
