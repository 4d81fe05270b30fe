import type { ReceivedMessage } from '../transport/transport.js';

/** Outcome of handling one message, decided by the subscriber. */
export type Outcome = 'acked' | 'nacked' | 'dead-lettered';

export type Work = (message: ReceivedMessage) => Promise<Outcome>;

interface KeyState {
  readonly queue: ReceivedMessage[];
  running: boolean;
  /** Id of the message whose handler is running. */
  current: string | undefined;
  /** The running message was nacked and already came back before its handler's outcome was known. */
  returnedEarly: boolean;
  /** Message id this key waits to see again after a nack (it must be handled before later ones). */
  waitingFor: string | undefined;
  holdTimer: NodeJS.Timeout | undefined;
}

export interface OrderedDispatchOptions {
  /** Max time later messages of a key are held waiting for a nacked one to come back. */
  holdMilliseconds: number;
}

/**
 * Runs one handler at a time per ordering key (the Node client hands out the next message of a
 * key before the previous handler finished). After a nack the key's later messages are held,
 * unhandled, until the nacked message is redelivered, so a key's handlers never run out of order;
 * if it does not come back within holdMilliseconds the held messages are nacked too.
 * Messages without a key run concurrently.
 */
export class OrderedDispatch {
  private readonly keys = new Map<string, KeyState>();
  private readonly running = new Set<Promise<unknown>>();
  private stopped = false;

  constructor(
    private readonly work: Work,
    private readonly options: OrderedDispatchOptions,
  ) {}

  get inFlight(): number {
    return this.running.size;
  }

  /** drain() was called: no new work, and handlers should not start retries. */
  get stopping(): boolean {
    return this.stopped;
  }

  dispatch(message: ReceivedMessage): void {
    if (this.stopped) {
      message.nack();
      return;
    }
    const key = message.orderingKey;
    if (!key) {
      this.run(message, undefined);
      return;
    }
    let state = this.keys.get(key);
    if (!state) {
      state = { queue: [], running: false, current: undefined, returnedEarly: false, waitingFor: undefined, holdTimer: undefined };
      this.keys.set(key, state);
    }
    if (state.running && state.current === message.id) {
      // Redelivered before the nack's bookkeeping ran (the broker can be that quick): it is next.
      state.returnedEarly = true;
      state.queue.unshift(message);
    } else if (state.waitingFor === message.id) {
      // The nacked message is back: it goes first, then the held ones.
      this.release(state);
      state.queue.unshift(message);
    } else {
      // A redelivery of a message we already hold replaces the stale copy.
      const stale = state.queue.findIndex((held) => held.id === message.id);
      if (stale >= 0) state.queue.splice(stale, 1, message);
      else state.queue.push(message);
    }
    this.pump(key, state);
  }

  /** Stops taking work, nacks held messages and waits for running handlers. */
  async drain(): Promise<void> {
    this.stopped = true;
    for (const state of this.keys.values()) {
      this.release(state);
      for (const held of state.queue.splice(0)) held.nack();
    }
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
    for (const state of this.keys.values()) for (const held of state.queue.splice(0)) held.nack();
    this.keys.clear();
  }

  private pump(key: string, state: KeyState): void {
    if (state.running || state.waitingFor !== undefined || this.stopped) return;
    const next = state.queue.shift();
    if (!next) {
      this.keys.delete(key);
      return;
    }
    state.running = true;
    state.current = next.id;
    state.returnedEarly = false;
    this.run(next, (outcome) => {
      state.running = false;
      state.current = undefined;
      if (outcome === 'nacked' && !this.stopped && !state.returnedEarly) this.hold(key, state, next.id);
      state.returnedEarly = false;
      this.pump(key, state);
    });
  }

  private hold(key: string, state: KeyState, messageId: string): void {
    state.waitingFor = messageId;
    state.holdTimer = setTimeout(() => {
      // It did not come back here (another client got it, or it was dead-lettered): let the
      // broker redeliver the held ones in order after it.
      this.release(state);
      for (const held of state.queue.splice(0)) held.nack();
      this.pump(key, state);
    }, this.options.holdMilliseconds);
    state.holdTimer.unref?.();
  }

  private release(state: KeyState): void {
    if (state.holdTimer) clearTimeout(state.holdTimer);
    state.holdTimer = undefined;
    state.waitingFor = undefined;
  }

  private run(message: ReceivedMessage, done: ((outcome: Outcome) => void) | undefined): void {
    let settle!: () => void;
    const tracked = new Promise<void>((resolve) => (settle = resolve));
    this.running.add(tracked);
    void this.work(message)
      .then(
        (outcome) => done?.(outcome),
        () => done?.('nacked'),
      )
      .finally(() => {
        this.running.delete(tracked);
        settle();
      });
  }
}
