/**
 * A projection (a CQRS read model) as a plain definition, after Emmett's: a name, a version,
 * the event types it handles, `init` that creates its tables and `handle` that applies one
 * event with plain SQL inside the store's transaction. Typed from the generated event map:
 *
 *   const board = defineProjection<EventMap>()({
 *     name: 'document_board', version: 1, tables: ['document_board'],
 *     eventTypes: ['document.processed', 'document.processing_failed'],
 *     init: (ctx) => ctx.execute(`CREATE TABLE ${ctx.table('document_board')} (...)`),
 *     handle: async (event, ctx) => { ... event.payload.stage ... },
 *   });
 *
 * A handler for a type outside the map, or one that reads another event's payload, does not
 * compile (test/types/projections.types.ts).
 */
import type { EventMapShape } from '../envelope.js';
import { assertSqlIdentifier } from '../store/database.js';
import type { StoreTransaction } from '../store/store-transaction.js';
import type { StoredEventPosition } from '../store/types.js';
import { ProjectionDefinitionError } from './errors.js';

/** What a handler gets besides the event: the open transaction and its tables' names. */
export interface ProjectionContext {
  readonly kind: 'sqlite' | 'postgres';
  /** The store's open transaction (better-sqlite3 Database or pg PoolClient) for raw access. */
  readonly transaction: StoreTransaction;
  /**
   * The physical name of one of the projection's tables in the generation being written
   * (`<table>_g<n>`). Readers query the view named `<table>`, which points at the active one.
   */
  table(name: string): string;
  /** One statement with `?` placeholders (rewritten to $1.. on PostgreSQL); returns its rows. */
  execute<Row extends object = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
}

/** An event as a handler sees it: upcast to its current version; `position` when it came from the store. */
export type ProjectedEvent<E> = E & { readonly position?: StoredEventPosition };

export interface ProjectionDefinition<
  M extends EventMapShape = EventMapShape,
  T extends keyof M & string = keyof M & string,
> {
  /** Lowercase SQL identifier; names the projection's state row. */
  readonly name: string;
  /** Bump when the handler or tables change: the projection is rebuilt into new tables. */
  readonly version: number;
  readonly eventTypes: readonly T[];
  /** Logical table names (lowercase identifiers); each becomes a view over `<table>_g<n>`. */
  readonly tables: readonly string[];
  /** Creates the tables of one generation, named through `context.table(...)`. */
  readonly init: (context: ProjectionContext) => Promise<unknown> | unknown;
  /** Applies one event (a property, not a method: its parameter is checked strictly). */
  readonly handle: (event: ProjectedEvent<M[T]>, context: ProjectionContext) => Promise<unknown> | unknown;
}

/** Any projection, whatever its event map (what runners and hooks accept). */
export interface AnyProjection {
  readonly name: string;
  readonly version: number;
  readonly eventTypes: readonly string[];
  readonly tables: readonly string[];
  readonly init: (context: ProjectionContext) => Promise<unknown> | unknown;
  readonly handle: (event: never, context: ProjectionContext) => Promise<unknown> | unknown;
}

export type ProjectionMode = 'inline' | 'async' | 'inbox';

/** Longest logical table name: `_g` plus up to 6 digits must still fit PostgreSQL's 63. */
const MAX_TABLE_NAME = 55;

export function assertValidProjection(projection: AnyProjection): void {
  assertSqlIdentifier(projection.name, 'projection name');
  if (!Number.isSafeInteger(projection.version) || projection.version < 1)
    throw new ProjectionDefinitionError(
      projection.name,
      `version must be a whole number >= 1 (got ${projection.version})`,
    );
  if (projection.eventTypes.length === 0) throw new ProjectionDefinitionError(projection.name, 'eventTypes is empty');
  if (projection.tables.length === 0) throw new ProjectionDefinitionError(projection.name, 'tables is empty');
  for (const table of projection.tables) {
    assertSqlIdentifier(table, `table of projection '${projection.name}'`);
    if (table.length > MAX_TABLE_NAME)
      throw new ProjectionDefinitionError(
        projection.name,
        `table '${table}' is longer than ${MAX_TABLE_NAME} characters`,
      );
  }
}

/**
 * `defineProjection<EventMap>()({...})`: fixes the event map, then infers the handled types
 * from `eventTypes`, so `handle` receives exactly the union of their (current) envelopes.
 */
export function defineProjection<M extends EventMapShape>() {
  return <const T extends keyof M & string>(definition: ProjectionDefinition<M, T>): ProjectionDefinition<M, T> => {
    assertValidProjection(definition as unknown as AnyProjection);
    return definition;
  };
}
