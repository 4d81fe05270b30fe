/**
 * EventReplayer: replays a time range of stored events, in the store's global order, to a
 * handler or to a replay topic. The store is the source of truth for replay: Pub/Sub `seek`
 * is not used (the emulator does not implement it, and retention would bound it anyway).
 *
 *   const replayer = new EventReplayer({ catalog, eventStoreTopic: 'clone-event-store', replaySubscription: 'clone-replay' });
 *   await replayer.replayTimeRange(new Date('2024-01-01'), new Date('2024-01-31'), async (event) => { ... });
 */
import type { EventCatalog } from '../catalog.js';
import { DEFAULT_EVENT_STORE_TOPIC, REPLAY_TOPIC_SUFFIX } from '../defaults.js';
import type { EventMapShape } from '../envelope.js';
import { EventBusError } from '../errors.js';
import type { EventPublisherPort } from '../ports.js';
import { EventStore, type EventStoreOptions } from '../store/event-store.js';
import type { EventFilter, ReadAllResult, StoredEvent } from '../store/types.js';
import type { VersionedEventMapShape } from '../store/upcasting.js';
import { StoreTelemetry } from '../observability/store.js';
import { telemetryFrom } from '../observability/telemetry.js';

/** Events read from the store per round trip. */
export const DEFAULT_REPLAY_BATCH_SIZE = 500;
export { REPLAY_TOPIC_SUFFIX };

export interface EventReplayerOptions<V extends VersionedEventMapShape = VersionedEventMapShape> extends Omit<
  EventStoreOptions<V>,
  'snapshotInterval' | 'outbox'
> {
  /** Subscription (on the replay topic) that consumers of republished events read from. */
  replaySubscription?: string;
  /** Topic republishTimeRange publishes to; default EVENT_BUS_REPLAY_TOPIC, then `${eventStoreTopic}-replay`. */
  replayTopic?: string;
  /** Replay from this store instead of opening one from the database options. */
  store?: EventStore<EventMapShape, V>;
  batchSize?: number;
  /** Upcast events to their current version (default). false: replay events exactly as stored. */
  upcast?: boolean;
}

export interface ReplayProgress {
  /** Events handed to the handler (or published) so far. */
  readonly processed: number;
  /** Events in the range when the replay started. */
  readonly total: number;
  /** Global position of the last event processed: pass it as `after` to resume an interrupted replay. */
  readonly lastPosition: number;
  /** occurredAt of the last event processed. */
  readonly lastOccurredAt: string | null;
}

export interface ReplayOptions<M extends EventMapShape> {
  /** Only these event types. */
  eventTypes?: readonly (keyof M & string)[];
  /** Only this aggregate type / aggregate. */
  aggregateType?: M[keyof M]['aggregateType'];
  aggregateId?: string;
  /** Called after every batch and once at the end. */
  onProgress?: (progress: ReplayProgress) => void;
  /** Stops between events; the promise rejects with ReplayAbortedError. */
  signal?: AbortSignal;
  /** Resume after this event (a previous replay's `lastPosition`); default: from the start of the range. */
  after?: number;
}

export interface RepublishOptions<M extends EventMapShape> extends ReplayOptions<M> {
  publisher: EventPublisherPort;
  /** Default: the replayer's replay topic. */
  topic?: string;
}

export type ReplayHandler<E> = (event: E) => Promise<void> | void;

export class ReplayAbortedError extends EventBusError {
  constructor(readonly progress: ReplayProgress) {
    super(
      'REPLAY_ABORTED',
      `Replay aborted after ${progress.processed} of ${progress.total} events (last position ${progress.lastPosition})`,
    );
  }
}

export class InvalidReplayRangeError extends EventBusError {
  constructor(from: Date, to: Date) {
    super(
      'REPLAY_INVALID_RANGE',
      `Replay range must satisfy from < to with valid dates (got ${String(from)} .. ${String(to)})`,
    );
  }
}

export class EventReplayer<
  M extends EventMapShape = EventMapShape,
  V extends VersionedEventMapShape = VersionedEventMapShape,
> {
  readonly replayTopic: string;
  readonly replaySubscription: string | undefined;
  private readonly store: EventStore<M, V>;
  private readonly ownsStore: boolean;
  private readonly batchSize: number;
  private readonly upcast: boolean;
  private readonly telemetry: StoreTelemetry;

  constructor(options: EventReplayerOptions<V> & { catalog: EventCatalog }) {
    const { store, replaySubscription, replayTopic, batchSize, upcast, ...storeOptions } = options;
    // Replays only read: no outbox rows, no snapshots.
    this.store = (store as EventStore<M, V> | undefined) ?? new EventStore<M, V>({ ...storeOptions, outbox: false });
    this.ownsStore = store === undefined;
    this.replaySubscription = replaySubscription;
    this.replayTopic =
      replayTopic ??
      process.env.EVENT_BUS_REPLAY_TOPIC ??
      `${options.eventStoreTopic ?? DEFAULT_EVENT_STORE_TOPIC}${REPLAY_TOPIC_SUFFIX}`;
    this.batchSize = batchSize ?? DEFAULT_REPLAY_BATCH_SIZE;
    this.upcast = upcast ?? true;
    this.telemetry = new StoreTelemetry(
      options.observability !== undefined ? telemetryFrom(options.observability) : this.store.telemetry,
    );
  }

  /** Hands every event with from <= occurredAt < to (and the filters) to `handler`, in order, one at a time. */
  async replayTimeRange(
    from: Date,
    to: Date,
    handler: ReplayHandler<StoredEvent<M[keyof M]>>,
    options: ReplayOptions<M> = {},
  ): Promise<ReplayProgress> {
    // Traced: a span for the run, one per event linked to the trace of its append.
    return this.telemetry.replay('handler', from, to, () =>
      this.run(from, to, options, async (events) => {
        let handled = 0;
        for (const event of events) {
          if (options.signal?.aborted) break;
          await this.telemetry.replayEvent(event, async () => handler(event));
          handled++;
        }
        return handled;
      }),
    );
  }

  /** Publishes the range to the replay topic, a batch at a time (the publisher keeps per-key order). */
  async republishTimeRange(from: Date, to: Date, options: RepublishOptions<M>): Promise<ReplayProgress> {
    const topic = options.topic ?? this.replayTopic;
    return this.telemetry.replay('republish', from, to, () =>
      this.run(from, to, options, async (events) => {
        await Promise.all(
          events.map((event) => {
            const { position: _position, ...envelope } = event;
            return this.telemetry.replayEvent(event, () => options.publisher.publish(envelope, { topic }));
          }),
        );
        return events.length;
      }),
    );
  }

  private async run(
    from: Date,
    to: Date,
    options: ReplayOptions<M>,
    /** Processes a page in order; returns how many it processed (fewer: aborted). */
    handlePage: (events: StoredEvent<M[keyof M]>[]) => Promise<number>,
  ): Promise<ReplayProgress> {
    if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from >= to)
      throw new InvalidReplayRangeError(from, to);
    const filter: EventFilter = {
      occurredFrom: from,
      occurredTo: to,
      ...(options.eventTypes !== undefined && { eventTypes: options.eventTypes }),
      ...(options.aggregateType !== undefined && { aggregateType: options.aggregateType }),
      ...(options.aggregateId !== undefined && { aggregateId: options.aggregateId }),
    };
    const backend = await this.store.getBackend();
    const total = await backend.countEvents(filter);
    let after = options.after ?? 0;
    let progress: ReplayProgress = { processed: 0, total, lastPosition: after, lastOccurredAt: null };
    for (;;) {
      const read = { ...filter, after, limit: this.batchSize };
      const page = (this.upcast ? await this.store.readAll(read) : await backend.readAll(read)) as ReadAllResult<
        M[keyof M]
      >;
      if (page.events.length > 0) {
        const handled = await handlePage(page.events);
        if (handled > 0) {
          const last = page.events[handled - 1]!;
          const processed = progress.processed + handled;
          // Events committed into the range after the count make processed exceed the first total.
          progress = {
            processed,
            total: Math.max(total, processed),
            lastPosition: last.position.globalPosition,
            lastOccurredAt: last.occurredAt,
          };
          options.onProgress?.(progress);
        }
        if (handled < page.events.length) throw new ReplayAbortedError(progress);
      }
      after = page.lastPosition;
      if (options.signal?.aborted) throw new ReplayAbortedError(progress);
      if (page.caughtUp) break;
    }
    if (progress.processed === 0) options.onProgress?.(progress);
    return progress;
  }

  async close(): Promise<void> {
    if (this.ownsStore) await this.store.close();
  }
}
