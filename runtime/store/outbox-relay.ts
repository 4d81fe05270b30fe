/**
 * The relay half of the transactional outbox. appendEvent commits events and outbox rows in one
 * transaction; the relay claims unsent rows under a lease, publishes each event to the
 * event-store topic through the runtime's publisher port, and marks it sent. A relay that dies
 * after publishing but before marking leaves the rows to be claimed again when the lease ends:
 * delivery is at-least-once and consumers dedupe by event id.
 */
import { DEFAULT_EVENT_STORE_TOPIC } from '../defaults.js';
import type { EventPublisherPort } from '../ports.js';
import type { EventStoreBackend } from './backend.js';
import type { OutboxStats } from './types.js';
import { StoreTelemetry } from '../observability/store.js';
import { telemetryFrom, type ObservabilityOptions, type Telemetry } from '../observability/telemetry.js';

/** Outbox rows claimed per round trip. */
export const DEFAULT_RELAY_BATCH_SIZE = 100;
/** How long a claim is exclusive; must exceed the time one batch takes to publish. */
export const DEFAULT_RELAY_LEASE_MILLISECONDS = 30_000;
/** Wait between polls when the outbox is empty. */
export const DEFAULT_RELAY_POLL_INTERVAL_MILLISECONDS = 200;

/** Anything that can hand over a backend: an EventStore or a backend itself. */
export type OutboxSource =
  EventStoreBackend | { getBackend(): Promise<EventStoreBackend>; readonly eventStoreTopic?: string | undefined };

export interface OutboxRelayOptions {
  store: OutboxSource;
  publisher: EventPublisherPort;
  /** Full topic id; default: the store's eventStoreTopic, then DEFAULT_EVENT_STORE_TOPIC. */
  topic?: string;
  batchSize?: number;
  leaseMilliseconds?: number;
  pollIntervalMilliseconds?: number;
  /** Called with every publish or database failure the running loop survives. Default: logged at level warn. */
  onError?: (error: unknown) => void;
  /** Tracer / meter providers (default: the global ones) and logger (docs/observability.md). */
  observability?: ObservabilityOptions | Telemetry;
}

/** Counters since this relay started; lag = publish time minus the event's commit time. */
export interface OutboxRelayMetrics {
  readonly batches: number;
  readonly claimed: number;
  readonly published: number;
  readonly failed: number;
  /** Claims of rows that had been claimed before (redeliveries after a crash or failure). */
  readonly retried: number;
  readonly lastLagMilliseconds: number | null;
  readonly maxLagMilliseconds: number | null;
  /** Published events per second since the first batch. */
  readonly throughputPerSecond: number;
  readonly startedAt: string | null;
  readonly lastPublishedAt: string | null;
}

export interface RelayBatchResult {
  readonly claimed: number;
  readonly published: number;
  readonly failed: number;
}

export interface OutboxRelayStats extends OutboxStats {
  /** Age of the oldest unsent event, ms; 0 when none is pending. */
  readonly lagMilliseconds: number;
}

function isBackend(source: OutboxSource): source is EventStoreBackend {
  return 'claimOutbox' in source;
}

export class OutboxRelay {
  readonly topic: string;
  private readonly options: OutboxRelayOptions;
  private readonly batchSize: number;
  private readonly leaseMilliseconds: number;
  private readonly pollIntervalMilliseconds: number;
  private counters = { batches: 0, claimed: 0, published: 0, failed: 0, retried: 0 };
  private lastLag: number | null = null;
  private maxLag: number | null = null;
  private firstBatchAt: number | null = null;
  private lastPublishedAt: number | null = null;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;
  private readonly telemetry: StoreTelemetry;
  private stopObserving: (() => void) | undefined;

  constructor(options: OutboxRelayOptions) {
    const telemetry = telemetryFrom(options.observability);
    this.telemetry = new StoreTelemetry(telemetry);
    this.options = {
      ...options,
      onError:
        options.onError ??
        ((error) => telemetry.logger.log('warn', 'outbox relay failure', { topic: this.topic, error })),
    };
    this.topic =
      options.topic ??
      (isBackend(options.store) ? undefined : options.store.eventStoreTopic) ??
      DEFAULT_EVENT_STORE_TOPIC;
    this.batchSize = options.batchSize ?? DEFAULT_RELAY_BATCH_SIZE;
    this.leaseMilliseconds = options.leaseMilliseconds ?? DEFAULT_RELAY_LEASE_MILLISECONDS;
    this.pollIntervalMilliseconds = options.pollIntervalMilliseconds ?? DEFAULT_RELAY_POLL_INTERVAL_MILLISECONDS;
  }

  private backend(): Promise<EventStoreBackend> {
    const source = this.options.store;
    return isBackend(source) ? Promise.resolve(source) : source.getBackend();
  }

  /** Claims one batch, publishes it (concurrently; the publisher keeps per-key order) and marks it. */
  async relayOnce(): Promise<RelayBatchResult> {
    const backend = await this.backend();
    const entries = await backend.claimOutbox({ limit: this.batchSize, leaseMs: this.leaseMilliseconds });
    if (entries.length === 0) return { claimed: 0, published: 0, failed: 0 };
    this.firstBatchAt ??= Date.now();
    this.counters.batches++;
    this.counters.claimed += entries.length;
    this.counters.retried += entries.filter((entry) => entry.attempts > 1).length;
    const results = await Promise.allSettled(
      entries.map(({ event }) => {
        // The envelope as stored, without the store's bookkeeping.
        const { position: _position, ...envelope } = event;
        // Traced: continues the trace of the append that wrote the event.
        return this.telemetry.relay(this.topic, envelope, () =>
          this.options.publisher.publish(envelope, { topic: this.topic }),
        );
      }),
    );
    const sent: number[] = [];
    const failed: number[] = [];
    let firstError: unknown;
    const now = Date.now();
    results.forEach((result, index) => {
      const event = entries[index]!.event;
      if (result.status === 'fulfilled') {
        sent.push(event.position.globalPosition);
        const lag = now - Date.parse(event.position.recordedAt);
        this.lastLag = lag;
        this.maxLag = Math.max(this.maxLag ?? 0, lag);
        this.telemetry.relayed(this.topic, event.eventType, lag);
      } else {
        failed.push(event.position.globalPosition);
        firstError ??= result.reason;
      }
    });
    await backend.markOutboxSent(sent);
    if (failed.length > 0) {
      await backend.releaseOutbox(failed, firstError instanceof Error ? firstError.message : String(firstError));
      this.options.onError?.(firstError);
    }
    this.counters.published += sent.length;
    this.counters.failed += failed.length;
    if (sent.length > 0) this.lastPublishedAt = now;
    return { claimed: entries.length, published: sent.length, failed: failed.length };
  }

  /** Relays until a claim comes back empty (rows leased by another relay are not waited for). */
  async drain(): Promise<number> {
    let published = 0;
    for (;;) {
      const batch = await this.relayOnce();
      published += batch.published;
      if (batch.claimed === 0 || batch.failed > 0) return published;
    }
  }

  /** Runs the relay loop in the background until stop(). */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.stopObserving = this.telemetry.observeOutbox(this.topic, () => this.stats());
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let idle = true;
      try {
        const batch = await this.relayOnce();
        idle = batch.claimed < this.batchSize || batch.failed > 0;
      } catch (error) {
        this.options.onError?.(error);
      }
      if (idle && !this.stopping) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.pollIntervalMilliseconds);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
      }
    }
  }

  /** Stops the loop after the batch in flight; unsent rows stay in the outbox. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
    this.stopObserving?.();
    this.stopObserving = undefined;
  }

  metrics(): OutboxRelayMetrics {
    const elapsedSeconds = this.firstBatchAt === null ? 0 : (Date.now() - this.firstBatchAt) / 1000;
    return {
      ...this.counters,
      lastLagMilliseconds: this.lastLag,
      maxLagMilliseconds: this.maxLag,
      throughputPerSecond: elapsedSeconds > 0 ? this.counters.published / elapsedSeconds : 0,
      startedAt: this.firstBatchAt === null ? null : new Date(this.firstBatchAt).toISOString(),
      lastPublishedAt: this.lastPublishedAt === null ? null : new Date(this.lastPublishedAt).toISOString(),
    };
  }

  /** Deletes outbox entries sent more than `olderThanMilliseconds` ago (the events stay); returns how many. */
  async pruneSent(olderThanMilliseconds: number): Promise<number> {
    return (await this.backend()).pruneOutbox(new Date(Date.now() - olderThanMilliseconds));
  }

  /** What is still waiting in the outbox, and how old the oldest waiting event is. */
  async stats(): Promise<OutboxRelayStats> {
    const stats = await (await this.backend()).outboxStats();
    const lagMilliseconds =
      stats.oldestPendingRecordedAt === null ? 0 : Math.max(0, Date.now() - Date.parse(stats.oldestPendingRecordedAt));
    return { ...stats, lagMilliseconds };
  }
}
