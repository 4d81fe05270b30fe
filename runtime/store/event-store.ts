/**
 * EventStore: the typed, validating face of a storage backend. Appends validate every event
 * against its schema version and write the outbox in the same transaction; reads upcast to the
 * current version; reconstructState folds a stream from its latest snapshot.
 *
 *   const eventStore = new EventStore({ catalog, eventStoreTopic: 'clone-event-store', snapshotInterval: 10 });
 *   await eventStore.appendEvent(event);
 *   const state = await eventStore.reconstructState(sessionId, 'conversation_session', reducer, initialState);
 */
import { assertValidPayload, lookupEventType, type EventCatalog } from '../catalog.js';
import type { AnyEventEnvelope, EventMapShape } from '../envelope.js';
import type { EventStoreBackend } from './backend.js';
import { resolveDatabaseTarget } from './database.js';
import type { DatabaseOptions } from './database-options.js';
import { InvalidAppendError, StoreConfigurationError } from './errors.js';
import { ANY, type ExpectedVersion } from './expected-version.js';
import { OutboxRelay, type OutboxRelayOptions } from './outbox-relay.js';
import { crossesSnapshotBoundary, DEFAULT_SNAPSHOT_INTERVAL, deriveReducerVersion } from './snapshots.js';
import { createUpcaster, type VersionedEventMapShape, type UpcasterMap } from './upcasting.js';
import { StoreTelemetry } from '../observability/store.js';
import { telemetryFrom, type ObservabilityOptions, type Telemetry } from '../observability/telemetry.js';
import type { AppendTransactionHook } from './store-transaction.js';
import type {
  AppendToStreamOptions,
  AppendToStreamResult,
  ReadAllOptions,
  ReadAllResult,
  ReadStreamOptions,
  ReadStreamResult,
  StoredEvent,
  StreamId,
} from './types.js';
import { assertStorableEvent, assertStorableId, assertStorableStream } from './input-guard.js';

/** Events read per round trip while folding a stream. */
export const RECONSTRUCT_PAGE_SIZE = 1000;
/** Pages of a fold asked for ahead of the one being folded, on a database server (PostgreSQL). */
const READ_AHEAD = 2;

export interface EventStoreOptions<V extends VersionedEventMapShape = VersionedEventMapShape> extends DatabaseOptions {
  /** GCP project of the event-store topic (used by the outbox relay's publisher). */
  projectId?: string;
  /** Topic the outbox relay publishes every stored event to. */
  eventStoreTopic?: string;
  /** Write a snapshot when reconstructState crosses a multiple of this many events; 0 = never. */
  snapshotInterval?: number;
  /** Upcasters from older event versions to the next one, per event type. */
  upcasters?: UpcasterMap<V>;
  /** Write outbox rows with every append; default: on when `eventStoreTopic` is set. */
  outbox?: boolean;
  /**
   * Apply the store's migrations when the store opens. Default: on for SQLite (embedded), off
   * for PostgreSQL, where `event-bus store migrate` is a deploy step.
   */
  migrate?: boolean;
  /** Use this backend instead of opening one from the database options (the store does not own it). */
  backend?: EventStoreBackend;
  /** Tracer / meter providers (default: the global ones) and logger, shared with its outbox relay (docs/observability.md). */
  observability?: ObservabilityOptions | Telemetry;
  /**
   * Runs inside every append's transaction with the appended events (upcast), before COMMIT:
   * inline projections (`inlineProjections(...)` of runtime/projections). Throwing rolls back.
   */
  onAppendTransaction?: AppendTransactionHook;
}

/** Aggregate types named by an event map. */
export type AggregateTypeOf<M extends EventMapShape> = M[keyof M]['aggregateType'];

/** The (current-version) events of one aggregate type. */
export type EventsOfAggregate<M extends EventMapShape, A extends string> = {
  [T in keyof M]: A extends M[T]['aggregateType'] ? M[T] : never;
}[keyof M];

export type Reducer<S, E extends AnyEventEnvelope> = (state: S, event: StoredEvent<E>) => S;

export interface ReconstructOptions {
  /** Names the reducer's logic for snapshot keys; default: derived hash (see deriveReducerVersion). */
  reducerVersion?: string;
  /** Read and write snapshots (default true when snapshotInterval > 0). */
  snapshots?: boolean;
}

export interface AggregateStreamResult<S> {
  readonly state: S;
  /** Stream version the state includes (0 for a stream without events). */
  readonly currentVersion: number;
  /** Stream version of the snapshot the fold started from, or 0. */
  readonly snapshotVersion: number;
  readonly eventsApplied: number;
}

export class EventStore<
  M extends EventMapShape = EventMapShape,
  V extends VersionedEventMapShape = VersionedEventMapShape,
> {
  readonly catalog: EventCatalog;
  readonly projectId: string | undefined;
  readonly eventStoreTopic: string | undefined;
  readonly snapshotInterval: number;
  private readonly outbox: boolean;
  private readonly upcast: <E extends StoredEvent>(event: E) => E;
  private readonly options: EventStoreOptions<V>;
  private backendPromise: Promise<EventStoreBackend> | undefined;
  private readonly ownsBackend: boolean;
  readonly telemetry: Telemetry;
  private readonly storeTelemetry: StoreTelemetry;

  constructor(options: EventStoreOptions<V> & { catalog: EventCatalog }) {
    const interval = options.snapshotInterval ?? DEFAULT_SNAPSHOT_INTERVAL;
    if (!Number.isSafeInteger(interval) || interval < 0) {
      throw new StoreConfigurationError(`snapshotInterval must be a whole number >= 0 (got ${interval})`);
    }
    this.options = options;
    this.catalog = options.catalog;
    this.projectId = options.projectId;
    this.eventStoreTopic = options.eventStoreTopic;
    this.snapshotInterval = interval;
    this.outbox = options.outbox ?? options.eventStoreTopic !== undefined;
    this.upcast = createUpcaster(options.catalog, options.upcasters as UpcasterMap);
    this.ownsBackend = options.backend === undefined;
    if (options.backend) this.backendPromise = Promise.resolve(options.backend);
    this.telemetry = telemetryFrom(options.observability);
    this.storeTelemetry = new StoreTelemetry(this.telemetry);
  }

  /** The storage backend, opened (and for SQLite migrated) on first use. */
  getBackend(): Promise<EventStoreBackend> {
    this.backendPromise ??= this.openBackend();
    return this.backendPromise;
  }

  private async openBackend(): Promise<EventStoreBackend> {
    const target = resolveDatabaseTarget(this.options);
    // The backends (their SQL, migrations and lock code) load on first use, not on import (decision 0135).
    if (target.kind === 'sqlite') {
      const { openSqliteBackend } = await import('./sqlite-backend.js');
      return openSqliteBackend(target.path, { migrate: this.options.migrate ?? true });
    }
    const { openPostgresBackend } = await import('./postgres-backend.js');
    return openPostgresBackend(this.options, { migrate: this.options.migrate ?? false });
  }

  /** Appends one event to its aggregate's stream (expected version: ANY unless given). */
  async appendEvent(event: M[keyof M], options: AppendToStreamOptions = {}): Promise<AppendToStreamResult> {
    return this.appendToStream(
      { aggregateType: event.aggregateType, aggregateId: event.aggregateId },
      [event],
      options,
    );
  }

  /** Appends events of one stream atomically: all or nothing. */
  async appendToStream(
    stream: StreamId,
    events: readonly M[keyof M][],
    options: AppendToStreamOptions = {},
  ): Promise<AppendToStreamResult> {
    // Both backends accept and refuse the same ids and strings (input-guard.ts).
    assertStorableStream(stream);
    for (const event of events) this.assertValidEvent(event);
    const expectedVersion: ExpectedVersion = options.expectedVersion ?? ANY;
    const backend = await this.getBackend();
    const hook = this.options.onAppendTransaction;
    // Traced: a span per append, its context written into the events' metadata (docs/observability.md).
    return this.storeTelemetry.append(backend.kind, stream, events, expectedVersion, (written) =>
      backend.appendToStream(stream, written, {
        expectedVersion,
        outbox: this.outbox,
        ...(hook && {
          inTransaction: (transaction, stored) =>
            hook(
              transaction,
              stored.map((event) => this.upcast(event)),
            ),
        }),
      }),
    );
  }

  /** Brings a stored event to its type's current version (the upcasters this store was given). */
  upcastEvent<E extends StoredEvent>(event: E): E {
    return this.upcast(event);
  }

  private assertValidEvent(event: AnyEventEnvelope): void {
    const entry = lookupEventType(this.catalog, event.eventType);
    if (event.aggregateType !== entry.aggregateType) {
      throw new InvalidAppendError(
        `Event '${event.eventId}' (${event.eventType}) has aggregateType '${event.aggregateType}' but ${event.eventType} belongs to '${entry.aggregateType}'`,
      );
    }
    if (typeof event.eventId !== 'string' || event.eventId.length === 0) {
      throw new InvalidAppendError(`An event of type ${event.eventType} has no eventId`);
    }
    assertValidPayload(this.catalog, event.eventType, event.eventVersion, event.payload);
    assertStorableEvent(event);
  }

  /** Reads a stream, every event upcast to its type's current version. */
  async readStream<A extends AggregateTypeOf<M> & string>(
    stream: { aggregateType: A; aggregateId: string },
    options: ReadStreamOptions = {},
  ): Promise<ReadStreamResult<EventsOfAggregate<M, A>>> {
    assertStorableStream(stream);
    const result = await (await this.getBackend()).readStream(stream, options);
    return { ...result, events: result.events.map(this.upcast) as StoredEvent<EventsOfAggregate<M, A>>[] };
  }

  /** Reads events in the store's global order after a cursor, upcast (see ReadAllOptions). */
  async readAll(options: ReadAllOptions = {}): Promise<ReadAllResult<M[keyof M]>> {
    if (options.aggregateType !== undefined) assertStorableId('aggregateType', options.aggregateType);
    if (options.aggregateId !== undefined) assertStorableId('aggregateId', options.aggregateId);
    for (const eventType of options.eventTypes ?? []) assertStorableId('eventTypes', eventType);
    const result = await (await this.getBackend()).readAll(options);
    return { ...result, events: result.events.map(this.upcast) as StoredEvent<M[keyof M]>[] };
  }

  /** The spec's call: the state of one aggregate, from its latest snapshot plus later events. */
  async reconstructState<A extends AggregateTypeOf<M> & string, S>(
    aggregateId: string,
    aggregateType: A,
    reducer: Reducer<S, EventsOfAggregate<M, A>>,
    initialState: S,
    options: ReconstructOptions = {},
  ): Promise<S> {
    return (await this.aggregateStream(aggregateId, aggregateType, reducer, initialState, options)).state;
  }

  /** reconstructState with the bookkeeping: version reached, snapshot used, events folded. */
  async aggregateStream<A extends AggregateTypeOf<M> & string, S>(
    aggregateId: string,
    aggregateType: A,
    reducer: Reducer<S, EventsOfAggregate<M, A>>,
    initialState: S,
    options: ReconstructOptions = {},
  ): Promise<AggregateStreamResult<S>> {
    const stream: StreamId = { aggregateType, aggregateId };
    assertStorableStream(stream);
    const backend = await this.getBackend();
    const useSnapshots = (options.snapshots ?? true) && this.snapshotInterval > 0;
    const reducerVersion = useSnapshots
      ? (options.reducerVersion ?? deriveReducerVersion(reducer, initialState, this.eventVersionsOf(aggregateType)))
      : '';
    let state = initialState;
    let version = 0;
    let snapshotVersion = 0;
    if (useSnapshots) {
      const snapshot = await backend.readSnapshot(stream, reducerVersion);
      if (snapshot) {
        state = snapshot.state as S;
        version = snapshotVersion = snapshot.streamVersion;
      }
    }
    let eventsApplied = 0;
    // Versions are gapless, so page n is [from + n·PAGE, …]. On a server (PostgreSQL) the next
    // pages are asked for while this one is folded, up to READ_AHEAD of them and only within the
    // version the last page reported: the database builds them while this process parses.
    const readAhead = backend.kind === 'postgres' ? READ_AHEAD : 0;
    let nextFrom = version + 1;
    const requestPage = (): Promise<ReadStreamResult> => {
      const page = backend.readStream(stream, { from: nextFrom, to: nextFrom + RECONSTRUCT_PAGE_SIZE - 1 });
      page.catch(() => undefined); // a page left unread after an error must not be an unhandled rejection
      nextFrom += RECONSTRUCT_PAGE_SIZE;
      return page;
    };
    const pending = [requestPage()];
    for (;;) {
      const page = await pending.shift()!;
      while (pending.length < readAhead && nextFrom <= page.currentVersion) pending.push(requestPage());
      for (const event of page.events) {
        state = reducer(state, this.upcast(event) as StoredEvent<EventsOfAggregate<M, A>>);
        version = event.position.streamVersion;
        eventsApplied++;
      }
      if (page.events.length < RECONSTRUCT_PAGE_SIZE || version >= page.currentVersion) break;
      if (pending.length === 0) {
        nextFrom = version + 1;
        pending.push(requestPage());
      }
    }
    if (useSnapshots && crossesSnapshotBoundary(snapshotVersion, version, this.snapshotInterval)) {
      await backend.writeSnapshot({ stream, reducerVersion, streamVersion: version, state });
    }
    return { state, currentVersion: version, snapshotVersion, eventsApplied };
  }

  /** `type@version,...` of an aggregate's events: part of the derived reducer version. */
  private eventVersionsOf(aggregateType: string): string {
    return Object.values(this.catalog.events)
      .filter((entry) => entry.aggregateType === aggregateType)
      .map((entry) => `${entry.eventType}@${entry.currentVersion}`)
      .sort()
      .join(',');
  }

  /** A relay for this store's outbox, publishing to its eventStoreTopic. */
  createOutboxRelay(options: Omit<OutboxRelayOptions, 'store'>): OutboxRelay {
    return new OutboxRelay({ observability: this.telemetry, ...options, store: this });
  }

  async close(): Promise<void> {
    if (!this.backendPromise || !this.ownsBackend) return;
    const backend = await this.backendPromise.catch(() => undefined);
    await backend?.close();
  }
}
