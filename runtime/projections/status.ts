/** What `event-bus projections list|status` shows: per projection, where it is and how far behind. */
import type { DatabaseHandle } from '../store/database.js';
import { execute, listStates, type ProjectionStateRow } from './sql.js';

export interface ProjectionStatus {
  readonly name: string;
  readonly mode: string;
  readonly version: number;
  readonly eventTypes: readonly string[];
  readonly tables: readonly string[];
  /** Generation of the tables the views point at (0: not built yet). */
  readonly generation: number;
  /** Async: global position of the last applied event; inline and inbox: null. */
  readonly checkpoint: number | null;
  /** Highest global position in the store (null where the database holds no store). */
  readonly headPosition: number | null;
  /**
   * Events of the projection's types not yet in its read model: after the checkpoint in the
   * store's global order (async); 0 for an inline projection once built; null for an inbox.
   */
  readonly lag: number | null;
  readonly lease: { readonly owner: string; readonly until: string; readonly active: boolean } | null;
  readonly rebuild: {
    readonly generation: number;
    readonly version: number;
    readonly owner: string;
    readonly processed: number;
    readonly total: number;
    readonly position: number;
  } | null;
  readonly updatedAt: string;
}

async function hasStore(db: DatabaseHandle): Promise<boolean> {
  const sql =
    db.kind === 'sqlite'
      ? "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'store_events'"
      : "SELECT count(*) AS n FROM pg_tables WHERE tablename = 'store_events' AND schemaname = current_schema()";
  const { rows } = await execute<{ n: number | string }>(db, sql);
  return Number(rows[0]?.n ?? 0) > 0;
}

/** Events of `eventTypes` after `after` in the store's global order (every committed one). */
async function countAfter(db: DatabaseHandle, after: number, eventTypes: readonly string[]): Promise<number> {
  if (eventTypes.length === 0) return 0;
  if (db.kind === 'sqlite') {
    const { rows } = await execute<{ n: number }>(
      db,
      `SELECT count(*) AS n FROM store_events WHERE global_position > ? AND event_type IN (${eventTypes.map(() => '?').join(', ')})`,
      [after, ...eventTypes],
    );
    return rows[0]?.n ?? 0;
  }
  const { rows } = await db.pool.query<{ n: string }>(
    `SELECT count(*) AS n FROM store_events e
     WHERE (e.transaction_id, e.global_position) >
           (coalesce((SELECT transaction_id FROM store_events WHERE global_position = $1), '0'::xid8), $1::bigint)
       AND e.event_type = ANY($2::text[])`,
    [after, eventTypes],
  );
  return Number(rows[0]?.n ?? 0);
}

async function statusOf(db: DatabaseHandle, state: ProjectionStateRow, head: number | null): Promise<ProjectionStatus> {
  const now = Date.now();
  let lag: number | null = null;
  if (head !== null && state.mode === 'async') lag = await countAfter(db, state.checkpoint, state.eventTypes);
  if (head !== null && state.mode === 'inline')
    lag = state.generation === 0 ? await countAfter(db, 0, state.eventTypes) : 0;
  return {
    name: state.name,
    mode: state.mode,
    version: state.version,
    eventTypes: state.eventTypes,
    tables: state.tables,
    generation: state.generation,
    checkpoint: state.mode === 'async' ? state.checkpoint : null,
    headPosition: head,
    lag,
    lease:
      state.leaseOwner === null
        ? null
        : {
            owner: state.leaseOwner,
            until: new Date(state.leaseUntilMs ?? 0).toISOString(),
            active: (state.leaseUntilMs ?? 0) > now,
          },
    rebuild: state.rebuild && {
      generation: state.rebuild.generation,
      version: state.rebuild.version,
      owner: state.rebuild.owner,
      processed: state.rebuild.processed,
      total: state.rebuild.total,
      position: state.rebuild.checkpoint,
    },
    updatedAt: state.updatedAt,
  };
}

/** Every projection recorded in this database (empty when none ever ran here). */
export async function projectionStatuses(db: DatabaseHandle): Promise<ProjectionStatus[]> {
  const states = await listProjectionStates(db);
  if (states.length === 0) return [];
  let head: number | null = null;
  if (await hasStore(db)) {
    const { rows } = await execute<{ head: number | string | null }>(
      db,
      'SELECT max(global_position) AS head FROM store_events',
    );
    head = Number(rows[0]?.head ?? 0);
  }
  return Promise.all(states.map((state) => statusOf(db, state, head)));
}

/** The state rows, or none when the projections' tables do not exist yet. */
export async function listProjectionStates(db: DatabaseHandle): Promise<ProjectionStateRow[]> {
  const sql =
    db.kind === 'sqlite'
      ? "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'projection_state'"
      : "SELECT count(*) AS n FROM pg_tables WHERE tablename = 'projection_state' AND schemaname = current_schema()";
  const { rows } = await execute<{ n: number | string }>(db, sql);
  if (Number(rows[0]?.n ?? 0) === 0) return [];
  return listStates(db);
}
