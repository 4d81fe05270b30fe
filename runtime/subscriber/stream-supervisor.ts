/**
 * Keeps one subscription's stream alive until close(): when the stream ends the supervisor opens a
 * new one after a jittered backoff, indefinitely; when the client reports a broken connection it
 * probes the broker and reports an outage through onError within one probe timeout; and while it
 * is open it holds a timer so the process does not exit underneath it (docs/reliability.md).
 */
import { DEFAULT_HEALTH_PROBE_TIMEOUT_MILLISECONDS, DEFAULT_RECONNECT_BACKOFF } from '../defaults.js';
import { EventBusError } from '../errors.js';
import type { MessageListener, StreamOptions, Transport, TransportSubscription } from '../transport/transport.js';

/** connecting: opened, not yet confirmed; connected: the broker answers; reconnecting: outage or stream re-open; closed: close() ran. */
export type SubscriptionState = 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface SubscriptionHealth {
  readonly subscription: string;
  readonly state: SubscriptionState;
  /** When the subscription entered this state (ISO 8601). */
  readonly since: string;
  /** Streams re-opened after one ended. */
  readonly reopened: number;
  /** Outages reported through onError. */
  readonly outages: number;
  /** What made it leave 'connected' last. */
  readonly lastError?: string;
}

export interface SubscriptionStateChange {
  readonly subscription: string;
  readonly state: SubscriptionState;
  readonly previous: SubscriptionState;
  readonly error?: Error;
}

export interface ReconnectOptions {
  /** First backoff before re-opening; doubles per failed attempt. Default 250. */
  initialMilliseconds?: number;
  /** Cap of one backoff. Default 30 000. */
  maxMilliseconds?: number;
  /** How long a health probe waits for the broker. Default 2500. */
  probeTimeoutMilliseconds?: number;
}

/** The broker did not answer, or a subscription's stream could not be (re)opened. */
export class SubscriptionOutageError extends EventBusError {
  readonly retryable = true;
}

export interface StreamSupervisorInit {
  transport: Transport;
  subscription: string;
  listener: MessageListener;
  stream: Pick<StreamOptions, 'flowControl' | 'closeTimeoutMilliseconds'>;
  onError: (error: Error) => void;
  onStateChange?: ((change: SubscriptionStateChange) => void) | undefined;
  /** Re-creates missing resources (autoCreate: the emulator forgets everything when it restarts). */
  provision?: (() => Promise<void>) | undefined;
  reconnect?: ReconnectOptions | undefined;
}

function withTimeout<T>(promise: Promise<T>, milliseconds: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${milliseconds} ms`)), milliseconds);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class StreamSupervisor {
  private state: SubscriptionState = 'connecting';
  private since = new Date();
  private lastError: string | undefined;
  private reopened = 0;
  private outages = 0;
  private outageReported = false;
  private stream: TransportSubscription | undefined;
  private generation = 0;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private keepAlive: NodeJS.Timeout | undefined;
  private checking = false;
  private closed = false;
  private readonly backoff: Required<ReconnectOptions>;

  constructor(private readonly init: StreamSupervisorInit) {
    this.backoff = {
      initialMilliseconds: init.reconnect?.initialMilliseconds ?? DEFAULT_RECONNECT_BACKOFF.initialMilliseconds,
      maxMilliseconds: init.reconnect?.maxMilliseconds ?? DEFAULT_RECONNECT_BACKOFF.maxMilliseconds,
      probeTimeoutMilliseconds: init.reconnect?.probeTimeoutMilliseconds ?? DEFAULT_HEALTH_PROBE_TIMEOUT_MILLISECONDS,
    };
  }

  health(): SubscriptionHealth {
    return {
      subscription: this.init.subscription,
      state: this.state,
      since: this.since.toISOString(),
      reopened: this.reopened,
      outages: this.outages,
      ...(this.lastError !== undefined && { lastError: this.lastError }),
    };
  }

  start(): void {
    this.open();
    // A ref'd timer: an open subscription keeps its process alive even while no stream is open.
    this.keepAlive = setInterval(() => undefined, 60_000);
    void this.check();
  }

  /** A message arrived: the stream works. */
  delivered(): void {
    if (this.state !== 'connected' && !this.closed) this.connected();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.keepAlive);
    const stream = this.stream;
    this.stream = undefined;
    this.setState('closed');
    await stream?.close();
  }

  private open(): void {
    const generation = ++this.generation;
    const current = (): boolean => generation === this.generation && !this.closed;
    this.stream = this.init.transport.subscribe(this.init.subscription, this.init.listener, {
      ...this.init.stream,
      onError: (error) => {
        if (current()) this.init.onError(error);
      },
      onDisconnect: (error) => {
        if (!current()) return;
        this.setState('reconnecting', error);
        this.schedule(0);
      },
      onEnd: (error) => {
        if (!current()) return;
        this.stream = undefined;
        this.setState('reconnecting', error);
        this.schedule(this.delay());
      },
    });
  }

  /** One attempt at a time: probe, re-create what is missing, re-open the stream if it ended. */
  private schedule(delay: number): void {
    if (this.closed || this.retryTimer !== undefined || this.checking) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.check();
    }, delay);
  }

  private delay(): number {
    const ceiling = Math.min(this.backoff.maxMilliseconds, this.backoff.initialMilliseconds * 2 ** this.attempt);
    this.attempt += 1;
    return Math.round(ceiling * (0.5 + Math.random() / 2));
  }

  private async check(): Promise<void> {
    if (this.closed || this.checking) return;
    this.checking = true;
    try {
      const timeout = this.backoff.probeTimeoutMilliseconds;
      const described = await withTimeout(this.init.transport.describeSubscription(this.init.subscription), timeout, 'the broker');
      if (!described) {
        if (!this.init.provision) {
          throw new SubscriptionOutageError('SUBSCRIPTION_NOT_FOUND', `Subscription '${this.init.subscription}' does not exist`);
        }
        await withTimeout(this.init.provision(), timeout * 4, 'provisioning');
      }
      if (this.closed) return;
      if (this.stream && this.outageReported) {
        // After a real outage the client may sit in its own backoff (up to a minute) before it
        // retries: start a fresh stream now that the broker answers.
        const stale = this.stream;
        this.stream = undefined;
        this.generation += 1;
        void stale.close().catch(() => undefined);
      }
      if (!this.stream) {
        this.open();
        this.reopened += 1;
      }
      this.connected();
    } catch (error) {
      if (this.closed) return;
      this.outage(error as Error);
    } finally {
      this.checking = false;
    }
    if (this.state !== 'connected') this.schedule(this.delay());
  }

  private outage(error: Error): void {
    this.setState('reconnecting', error);
    if (this.outageReported) return;
    this.outageReported = true;
    this.outages += 1;
    this.init.onError(
      new SubscriptionOutageError(
        'SUBSCRIPTION_UNREACHABLE',
        `Subscription '${this.init.subscription}' cannot receive: ${error.message}; reconnecting until close()`,
        { cause: error },
      ),
    );
  }

  private connected(): void {
    this.attempt = 0;
    this.outageReported = false;
    this.setState('connected');
  }

  private setState(state: SubscriptionState, error?: Error): void {
    if (error) this.lastError = error.message;
    if (state === this.state) return;
    const previous = this.state;
    this.state = state;
    this.since = new Date();
    try {
      this.init.onStateChange?.({
        subscription: this.init.subscription,
        state,
        previous,
        ...(error && { error }),
      });
    } catch (listenerError) {
      this.init.onError(listenerError as Error);
    }
  }
}
