import type { AnyEventEnvelope } from './envelope.js';
import type { DeliveryContext, EventHandler } from './ports.js';
import { DEFAULT_IDEMPOTENCY_CAPACITY } from './defaults.js';

/**
 * At-least-once delivery made effectively-once: a handler wrapped by `idempotent()` runs at most
 * once per event id (per store). The store is pluggable (e.g. a database table shared by all
 * replicas); the default remembers the last N ids in memory.
 */
export interface IdempotencyStore {
  /** True when `eventId` was already handled successfully. */
  has(eventId: string): Promise<boolean> | boolean;
  /** Records a successful handling. */
  add(eventId: string): Promise<void> | void;
}

/** Bounded in-memory store: forgets the least recently seen ids beyond `capacity`. */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  private readonly ids = new Map<string, true>();

  constructor(readonly capacity: number = DEFAULT_IDEMPOTENCY_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.ids.size;
  }

  has(eventId: string): boolean {
    if (!this.ids.has(eventId)) return false;
    // Refresh recency (Map keeps insertion order).
    this.ids.delete(eventId);
    this.ids.set(eventId, true);
    return true;
  }

  add(eventId: string): void {
    this.ids.delete(eventId);
    this.ids.set(eventId, true);
    while (this.ids.size > this.capacity) {
      const oldest = this.ids.keys().next().value as string;
      this.ids.delete(oldest);
    }
  }
}

export interface IdempotentOptions {
  store?: IdempotencyStore;
  /** Called instead of the handler for a duplicate. */
  onDuplicate?: (event: AnyEventEnvelope, context: DeliveryContext) => void;
}

/**
 * Wraps a handler so a redelivered or republished event (same event id) is acked without running
 * it again. Concurrent deliveries of one id run the handler once; a failure records nothing, so
 * the redelivery runs it again.
 */
export function idempotent<E extends AnyEventEnvelope>(handler: EventHandler<E>, options: IdempotentOptions = {}): EventHandler<E> {
  const store = options.store ?? new InMemoryIdempotencyStore();
  const running = new Map<string, Promise<'handled' | 'duplicate'>>();
  return async (event, context) => {
    const pending = running.get(event.eventId);
    if (pending) {
      // Same event already being handled: wait for it (throws if it fails, so this one is nacked too).
      await pending;
      options.onDuplicate?.(event, context);
      return;
    }
    // Registered before the first await, so concurrent deliveries of this id find it.
    const run = (async () => {
      if (await store.has(event.eventId)) return 'duplicate' as const;
      await handler(event, context);
      await store.add(event.eventId);
      return 'handled' as const;
    })();
    running.set(event.eventId, run);
    try {
      if ((await run) === 'duplicate') options.onDuplicate?.(event, context);
    } finally {
      running.delete(event.eventId);
    }
  };
}
