/**
 * Given/when/then for reducers, in the style of Emmett's specifications. The events go through a
 * real event store (SQLite in memory): validated on append, upcast to the current version on
 * read, folded with `reconstructState` exactly as production folds them.
 *
 *   await ReducerSpec.for<EventMap>({ catalog, reducer: sessionReducer, initialState })
 *     .given([started, turn1])
 *     .when([turn2])
 *     .then({ turns: 2, status: 'active' });
 */
import type { EventCatalog } from '../runtime/catalog.js';
import type { AnyEventEnvelope, EventMapShape } from '../runtime/envelope.js';
import { EventStore, type Reducer } from '../runtime/store/event-store.js';
import type { UpcasterMap, VersionedEventMapShape } from '../runtime/store/upcasting.js';
import { EventAssertionError, firstMismatch, matchesError, preview, type DeepPartial, type ErrorExpectation } from './match.js';

export interface ReducerSpecOptions<S, E extends AnyEventEnvelope, V extends VersionedEventMapShape> {
  catalog: EventCatalog;
  reducer: Reducer<S, E>;
  initialState: S;
  /** Older versions are brought to the current one before the reducer sees them, as in the store. */
  upcasters?: UpcasterMap<V>;
}

export class ReducerSpec<S, E extends AnyEventEnvelope, V extends VersionedEventMapShape = VersionedEventMapShape> {
  private constructor(
    private readonly options: ReducerSpecOptions<S, E, V>,
    private readonly givenEvents: readonly E[] = [],
    private readonly whenEvents: readonly E[] = [],
  ) {}

  /** `M`: the generated EventMap; the reducer's events are any of its events. */
  static for<M extends EventMapShape, S = unknown, V extends VersionedEventMapShape = VersionedEventMapShape>(
    options: ReducerSpecOptions<S, M[keyof M], V>,
  ): ReducerSpec<S, M[keyof M], V> {
    return new ReducerSpec(options);
  }

  /** Events already in the stream. */
  given(events: readonly E[]): ReducerSpec<S, E, V> {
    return new ReducerSpec(this.options, [...this.givenEvents, ...events], this.whenEvents);
  }

  /** The events the case is about, appended after the given ones. */
  when(events: readonly E[]): ReducerSpec<S, E, V> {
    return new ReducerSpec(this.options, this.givenEvents, [...this.whenEvents, ...events]);
  }

  /** Asserts the reconstructed state: deep-equal to a value, a partial match, or checked by a function. */
  async then(expected: DeepPartial<S> | S | ((state: S) => void | boolean)): Promise<S> {
    const state = await this.run();
    if (typeof expected === 'function') {
      const verdict = (expected as (state: S) => void | boolean)(state);
      if (verdict === false) throw new EventAssertionError(`the state did not satisfy the check: ${preview(state)}`);
      return state;
    }
    const mismatch = firstMismatch(state, expected);
    if (mismatch !== undefined) {
      throw new EventAssertionError(`the reconstructed state differs at ${mismatch}:\n  expected ${preview(expected)}\n  actual   ${preview(state)}`);
    }
    return state;
  }

  /** Asserts that appending or folding the events fails (an error class, a code, or a predicate). */
  async thenThrows(expected?: ErrorExpectation): Promise<unknown> {
    let caught: unknown;
    try {
      await this.run();
    } catch (error) {
      caught = error;
    }
    if (caught === undefined) throw new EventAssertionError('expected the events to be refused, but the state was reconstructed');
    if (!matchesError(caught, expected)) {
      throw new EventAssertionError(`the events failed, but not as expected: ${(caught as Error)?.message ?? String(caught)}`);
    }
    return caught;
  }

  private async run(): Promise<S> {
    const events = [...this.givenEvents, ...this.whenEvents];
    const first = events[0];
    if (!first) throw new EventAssertionError('a reducer specification needs at least one event (given or when)');
    const foreign = events.find((event) => event.aggregateId !== first.aggregateId || event.aggregateType !== first.aggregateType);
    if (foreign) {
      throw new EventAssertionError(
        `every event of a reducer specification belongs to one stream: '${foreign.eventId}' is ${foreign.aggregateType}/${foreign.aggregateId}, not ${first.aggregateType}/${first.aggregateId}`,
      );
    }
    const store = new EventStore<EventMapShape, V>({
      catalog: this.options.catalog,
      sqlite: ':memory:',
      snapshotInterval: 0,
      ...(this.options.upcasters !== undefined && { upcasters: this.options.upcasters }),
    });
    try {
      for (const event of events) await store.appendEvent(event);
      return await store.reconstructState(
        first.aggregateId,
        first.aggregateType,
        this.options.reducer as unknown as Reducer<S, AnyEventEnvelope>,
        structuredClone(this.options.initialState),
      );
    } finally {
      await store.close();
    }
  }
}
