/**
 * Given/when/then for projections (read models), in the style of Emmett's
 * `PostgreSQLProjectionSpec`: the events are appended to a real event store (SQLite in memory)
 * with the projection kept inline, so its handler runs inside each append's transaction exactly
 * as in production; the read model is then queried with plain SQL through its views.
 *
 *   await ProjectionSpec.for<EventMap>({ catalog, projection: conversationSummary })
 *     .given([started])
 *     .when([turn])
 *     .thenRows('SELECT user_id, turns FROM conversation_summary', [{ user_id: userId, turns: 1 }]);
 */
import type { EventCatalog } from '../runtime/catalog.js';
import type { AnyEventEnvelope, EventMapShape } from '../runtime/envelope.js';
import { EventStore } from '../runtime/store/event-store.js';
import type { UpcasterMap, VersionedEventMapShape } from '../runtime/store/upcasting.js';
import { inlineProjections } from '../runtime/projections/inline.js';
import { ensureProjections } from '../runtime/projections/rebuild.js';
import { execute, projectionDatabaseOf } from '../runtime/projections/sql.js';
import type { AnyProjection } from '../runtime/projections/types.js';
import { EventAssertionError, firstMismatch, matchesError, preview, type DeepPartial, type ErrorExpectation } from './match.js';

export interface ProjectionSpecOptions<V extends VersionedEventMapShape> {
  catalog: EventCatalog;
  projection: AnyProjection;
  /** Older versions reach the handler upcast to the current one, as in the store. */
  upcasters?: UpcasterMap<V>;
}

/** Runs one SQL statement (with `?` placeholders) against the read model; returns its rows. */
export type ReadModelQuery = <Row extends object = Record<string, unknown>>(sql: string, params?: readonly unknown[]) => Promise<Row[]>;

export class ProjectionSpec<E extends AnyEventEnvelope, V extends VersionedEventMapShape = VersionedEventMapShape> {
  private constructor(
    private readonly options: ProjectionSpecOptions<V>,
    private readonly givenEvents: readonly E[] = [],
    private readonly whenEvents: readonly E[] = [],
  ) {}

  /** `M`: the generated EventMap; events of any type may be given (the projection ignores others). */
  static for<M extends EventMapShape, V extends VersionedEventMapShape = VersionedEventMapShape>(
    options: ProjectionSpecOptions<V>,
  ): ProjectionSpec<M[keyof M], V> {
    return new ProjectionSpec(options);
  }

  given(events: readonly E[]): ProjectionSpec<E, V> {
    return new ProjectionSpec(this.options, [...this.givenEvents, ...events], this.whenEvents);
  }

  when(events: readonly E[]): ProjectionSpec<E, V> {
    return new ProjectionSpec(this.options, this.givenEvents, [...this.whenEvents, ...events]);
  }

  /** Hands a query function to `check`, after every event was appended and projected. */
  async then(check: (query: ReadModelQuery) => Promise<void | boolean> | void | boolean): Promise<void> {
    await this.run(async (query) => {
      if ((await check(query)) === false) throw new EventAssertionError('the read model did not satisfy the check');
    });
  }

  /** Asserts the rows `sql` returns: in order, each a partial match (extra columns are ignored). */
  async thenRows<Row extends object>(sql: string, expected: readonly DeepPartial<Row>[], params: readonly unknown[] = []): Promise<Row[]> {
    let rows: Row[] = [];
    await this.run(async (query) => {
      rows = await query<Row>(sql, params);
      const mismatch = firstMismatch(rows, expected);
      if (mismatch !== undefined) {
        throw new EventAssertionError(`the read model differs at ${mismatch} for ${sql}:\n  expected ${preview(expected)}\n  actual   ${preview(rows)}`);
      }
    });
    return rows;
  }

  /** Asserts that projecting the events fails (the append is rolled back with InlineProjectionError). */
  async thenThrows(expected?: ErrorExpectation): Promise<unknown> {
    let caught: unknown;
    try {
      await this.run(async () => undefined);
    } catch (error) {
      caught = error;
    }
    if (caught === undefined) throw new EventAssertionError('expected projecting the events to fail, but every append succeeded');
    if (!matchesError(caught, expected)) {
      throw new EventAssertionError(`projecting failed, but not as expected: ${(caught as Error)?.message ?? String(caught)}`);
    }
    return caught;
  }

  private async run(body: (query: ReadModelQuery) => Promise<void>): Promise<void> {
    const { projection } = this.options;
    const store = new EventStore<EventMapShape, V>({
      catalog: this.options.catalog,
      sqlite: ':memory:',
      snapshotInterval: 0,
      onAppendTransaction: inlineProjections([projection]),
      ...(this.options.upcasters !== undefined && { upcasters: this.options.upcasters }),
    });
    try {
      await ensureProjections({ store, inline: [projection] });
      for (const event of [...this.givenEvents, ...this.whenEvents]) await store.appendEvent(event);
      const db = projectionDatabaseOf(await store.getBackend());
      await body(async (sql, params = []) => (await execute(db, sql, params)).rows as never);
    } finally {
      await store.close();
    }
  }
}
