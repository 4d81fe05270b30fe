/**
 * Building a projection from position 0 into a new generation of tables while the active one
 * keeps serving, then switching the views over in one transaction (Marten's rebuild, Emmett's
 * rebuild consumer). Used for a projection seen for the first time, a version change, and on
 * demand (`event-bus projections rebuild <name>`).
 */
import { randomUUID } from 'node:crypto';
import type { DatabaseHandle } from '../store/database.js';
import type { StoreTransaction } from '../store/store-transaction.js';
import { applyEvents } from './apply.js';
import { committedAfter, PROJECTION_LOCK_CLASS, type ProjectionEventSource } from './events.js';
import {
  ProjectionNotRebuildableError,
  ProjectionRebuildInProgressError,
  ProjectionRebuildLostError,
} from './errors.js';
import {
  ensureProjectionTables,
  executeIn,
  inTransaction,
  physicalTable,
  projectionContext,
  projectionDatabaseOf,
  readState,
  registerState,
} from './sql.js';
import { assertValidProjection, type AnyProjection } from './types.js';

export const DEFAULT_REBUILD_BATCH_SIZE = 1000;
/** A rebuild that has not written for this long may be taken over by another. */
export const DEFAULT_REBUILD_LEASE_MS = 60_000;

export interface RebuildProgress {
  readonly projection: string;
  readonly generation: number;
  /** Events applied to the new generation so far. */
  readonly processed: number;
  /** Events of the projection's types in the store when the rebuild started. */
  readonly total: number;
  /** The rebuild's cursor (global position of the last event applied). */
  readonly position: number;
  readonly phase: 'building' | 'switched';
}

export interface RebuildOptions {
  readonly store: ProjectionEventSource;
  /** Default: the store's own database (connection or pool). */
  readonly db?: DatabaseHandle;
  readonly projection: AnyProjection;
  readonly mode: 'inline' | 'async';
  readonly batchSize?: number;
  /** Names this rebuild in the state row; an async runner passes its own id. */
  readonly owner?: string;
  readonly leaseMs?: number;
  /** Called after each batch and at the switch; a returned promise is awaited before the next batch. */
  readonly onProgress?: (progress: RebuildProgress) => unknown;
}

export interface RebuildResult {
  readonly generation: number;
  readonly processed: number;
  readonly position: number;
}

async function dropGeneration(
  transaction: StoreTransaction,
  tables: readonly string[],
  generation: number,
): Promise<void> {
  for (const table of tables) await executeIn(transaction, `DROP TABLE IF EXISTS ${physicalTable(table, generation)}`);
}

export async function rebuildProjection(options: RebuildOptions): Promise<RebuildResult> {
  const { projection, store } = options;
  assertValidProjection(projection);
  const db = options.db ?? projectionDatabaseOf(await store.getBackend());
  const owner = options.owner ?? `rebuild-${randomUUID()}`;
  const leaseMs = options.leaseMs ?? DEFAULT_REBUILD_LEASE_MS;
  const batchSize = options.batchSize ?? DEFAULT_REBUILD_BATCH_SIZE;
  const name = projection.name;
  await ensureProjectionTables(db);
  await registerState(db, projection, options.mode);
  const total = await (await store.getBackend()).countEvents({ eventTypes: projection.eventTypes });

  // 1. Claim the rebuild and create the new generation's tables.
  const generation = await inTransaction(db, async (transaction) => {
    const state = (await readState(transaction, name, { forUpdate: true }))!;
    if (state.mode === 'inbox')
      throw new ProjectionNotRebuildableError(name, 'it is fed from Pub/Sub (inbox), not from this store');
    const now = Date.now();
    if (state.rebuild && state.rebuild.owner !== owner && state.rebuild.untilMs > now)
      throw new ProjectionRebuildInProgressError(name, state.rebuild.owner);
    if (state.rebuild)
      await dropGeneration(
        transaction,
        [...new Set([...state.tables, ...projection.tables])],
        state.rebuild.generation,
      );
    const next = Math.max(state.generation, state.rebuild?.generation ?? 0) + 1;
    await executeIn(
      transaction,
      `UPDATE projection_state SET rebuild_generation = ?, rebuild_version = ?, rebuild_owner = ?, rebuild_until_ms = ?,
         rebuild_checkpoint = 0, rebuild_processed = 0, rebuild_total = ?, updated_at = ? WHERE name = ?`,
      [next, projection.version, owner, now + leaseMs, total, new Date().toISOString(), name],
    );
    await projection.init(projectionContext(transaction, projection, next));
    return next;
  });
  let position = 0;
  let processed = 0;
  const report = async (phase: RebuildProgress['phase']) => {
    await options.onProgress?.({ projection: name, generation, processed, total, position, phase });
  };
  await report('building');

  // 2. Catch up from position 0, one transaction per batch (events + the rebuild's cursor).
  for (;;) {
    const page = await store.readAll({ after: position, limit: batchSize, eventTypes: projection.eventTypes });
    if (page.events.length > 0) {
      await inTransaction(db, async (transaction) => {
        const state = await readState(transaction, name, { forUpdate: true });
        if (state?.rebuild?.owner !== owner || state.rebuild.generation !== generation)
          throw new ProjectionRebuildLostError(name);
        await applyEvents(projection, page.events, projectionContext(transaction, projection, generation));
        const until = Date.now() + leaseMs;
        await executeIn(
          transaction,
          `UPDATE projection_state SET rebuild_checkpoint = ?, rebuild_processed = ?, rebuild_until_ms = ?,
             lease_until_ms = CASE WHEN lease_owner = ? THEN ? ELSE lease_until_ms END, updated_at = ? WHERE name = ?`,
          [page.lastPosition, processed + page.events.length, until, owner, until, new Date().toISOString(), name],
        );
      });
      processed += page.events.length;
      position = page.lastPosition;
      await report('building');
    }
    if (page.caughtUp) break;
  }

  // 3. Switch over: the last events, the views, the state row, the old tables — one transaction.
  await inTransaction(db, async (transaction) => {
    // Inline writers of this projection hold the lock in shared mode until they commit: with it
    // exclusive, every event they wrote is committed (and read below), and every later one
    // lands in the new generation.
    if (transaction.kind === 'postgres')
      await transaction.client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [PROJECTION_LOCK_CLASS, name]);
    const state = await readState(transaction, name, { forUpdate: true });
    if (state?.rebuild?.owner !== owner || state.rebuild.generation !== generation)
      throw new ProjectionRebuildLostError(name);
    const rest = (
      await committedAfter(transaction, position, projection.eventTypes, { gapSafe: options.mode === 'async' })
    ).map((event) => store.upcastEvent(event));
    await applyEvents(projection, rest, projectionContext(transaction, projection, generation));
    processed += rest.length;
    position = rest.at(-1)?.position.globalPosition ?? position;
    for (const table of [...new Set([...state.tables, ...projection.tables])])
      await executeIn(transaction, `DROP VIEW IF EXISTS ${table}`);
    for (const table of projection.tables)
      await executeIn(transaction, `CREATE VIEW ${table} AS SELECT * FROM ${physicalTable(table, generation)}`);
    if (state.generation > 0 && state.generation !== generation)
      await dropGeneration(transaction, state.tables, state.generation);
    await executeIn(
      transaction,
      `UPDATE projection_state SET generation = ?, version = ?, mode = ?, tables = ?, event_types = ?, checkpoint = ?,
         rebuild_generation = NULL, rebuild_version = NULL, rebuild_owner = NULL, rebuild_until_ms = NULL,
         rebuild_checkpoint = NULL, rebuild_processed = NULL, rebuild_total = NULL, updated_at = ? WHERE name = ?`,
      [
        generation,
        projection.version,
        options.mode,
        JSON.stringify(projection.tables),
        JSON.stringify(projection.eventTypes),
        position,
        new Date().toISOString(),
        name,
      ],
    );
  });
  await report('switched');
  return { generation, processed, position };
}

export interface EnsureProjectionsOptions {
  readonly store: ProjectionEventSource;
  readonly db?: DatabaseHandle;
  /** Projections written inside each append (pass the same list to `inlineProjections`). */
  readonly inline?: readonly AnyProjection[];
  /** Projections an async runner keeps (registered here; the runner builds them). */
  readonly async?: readonly AnyProjection[];
  readonly onProgress?: (progress: RebuildProgress) => unknown;
}

/**
 * Creates the state tables and rows; builds every inline projection that is new, at another
 * version or was last kept in another mode (from position 0, then switched over). Call it once
 * before appending with `inlineProjections(...)`.
 */
export async function ensureProjections(options: EnsureProjectionsOptions): Promise<void> {
  const db = options.db ?? projectionDatabaseOf(await options.store.getBackend());
  await ensureProjectionTables(db);
  for (const projection of options.async ?? []) {
    assertValidProjection(projection);
    await registerState(db, projection, 'async');
  }
  for (const projection of options.inline ?? []) {
    assertValidProjection(projection);
    await registerState(db, projection, 'inline');
    const state = await inTransaction(db, (transaction) => readState(transaction, projection.name));
    if (!state || state.generation === 0 || state.version !== projection.version || state.mode !== 'inline') {
      await rebuildProjection({
        store: options.store,
        db,
        projection,
        mode: 'inline',
        ...(options.onProgress && { onProgress: options.onProgress }),
      });
    }
  }
}
