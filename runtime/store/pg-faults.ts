/**
 * PostgreSQL faults, handled in one place: every pool and every pooled client gets an 'error'
 * listener (an unhandled 'error' event kills the process), errors that a retry can cure are
 * recognised by SQLSTATE or socket code, and operations that are safe to repeat are retried with
 * bounded, jittered exponential backoff. What is still failing after the last attempt surfaces as
 * a typed `StoreUnavailableError` (retryable: true) that says how often it was tried.
 */
import type pg from 'pg';
import { EventStoreError, StoreErrorCode } from './errors.js';

/** SQLSTATEs after which the same statement may succeed on another try (or another connection). */
export const RETRYABLE_SQLSTATES: Readonly<Record<string, string>> = {
  '40001': 'serialization failure',
  '40P01': 'deadlock detected',
  '57P01': 'server is shutting down (admin shutdown)',
  '57P02': 'server crashed (crash shutdown)',
  '57P03': 'server is starting up or shutting down (cannot connect now)',
  '53300': 'too many connections',
  '08000': 'connection exception',
  '08001': 'cannot establish connection',
  '08003': 'connection does not exist',
  '08004': 'server rejected the connection',
  '08006': 'connection failure',
};

/** Socket-level codes of a lost or refused connection. */
const RETRYABLE_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);

/** Messages node-postgres uses for a connection that went away (no code attached). */
const CONNECTION_LOST = /Connection terminated|connection terminated unexpectedly|Client has encountered a connection error|Connection closed|timeout exceeded when trying to connect/i;

/** Why `error` is worth another try, or undefined when it is not (constraint violations, bad SQL, ...). */
export function retryableReason(error: unknown): string | undefined {
  if (error instanceof StoreUnavailableError) return error.reason;
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (Object.hasOwn(RETRYABLE_SQLSTATES, code)) return `${code} ${RETRYABLE_SQLSTATES[code]}`;
    if (RETRYABLE_SOCKET_CODES.has(code)) return `${code} (connection lost)`;
  }
  if (typeof message === 'string' && CONNECTION_LOST.test(message)) return 'connection lost';
  return undefined;
}

export function isRetryableStoreError(error: unknown): boolean {
  return retryableReason(error) !== undefined;
}

/** The database did not answer (or kept refusing) through every attempt; nothing is known to be written unless `ambiguous`. */
export class StoreUnavailableError extends EventStoreError {
  readonly retryable = true;
  /** The failure hit the COMMIT: the write may or may not have happened. */
  readonly ambiguous: boolean;
  constructor(
    readonly operation: string,
    readonly attempts: number,
    readonly reason: string,
    options: { cause?: unknown; ambiguous?: boolean } = {},
  ) {
    super(
      StoreErrorCode.Unavailable,
      `PostgreSQL ${operation} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${reason}` +
        (options.ambiguous ? ' (the commit outcome is unknown: read the stream before writing again)' : '; retry later'),
      { cause: options.cause },
    );
    this.ambiguous = options.ambiguous === true;
  }
}

export interface StoreRetryPolicy {
  /** Attempts in total, the first one included. Default 6. */
  maxAttempts?: number;
  /** Backoff before the second attempt; doubles after every further one. Default 100. */
  initialDelayMilliseconds?: number;
  /** Cap of one backoff. Default 2000. */
  maxDelayMilliseconds?: number;
}

export const DEFAULT_STORE_RETRY: Required<StoreRetryPolicy> = {
  maxAttempts: 6,
  initialDelayMilliseconds: 100,
  maxDelayMilliseconds: 2000,
};

/** Full jitter: a uniform delay in [0, min(cap, initial * 2^(attempt-1))]. */
export function backoffMilliseconds(attempt: number, policy: Required<StoreRetryPolicy>, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMilliseconds, policy.initialDelayMilliseconds * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling * random());
}

export interface RetryObserver {
  /** Called before every backoff (attempt is the one that failed). */
  onRetry?: (operation: string, attempt: number, error: unknown) => void;
}

/**
 * Runs `work` until it succeeds, fails with a non-retryable error (thrown as it is) or runs out of
 * attempts (thrown as StoreUnavailableError). Only for operations that are safe to repeat.
 */
export async function withStoreRetry<T>(
  operation: string,
  work: (attempt: number) => Promise<T>,
  policy: StoreRetryPolicy = {},
  observer: RetryObserver = {},
): Promise<T> {
  const resolved = { ...DEFAULT_STORE_RETRY, ...policy };
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work(attempt);
    } catch (error) {
      const reason = retryableReason(error);
      if (reason === undefined) throw error;
      if (attempt >= resolved.maxAttempts) {
        const ambiguous = error instanceof StoreUnavailableError && error.ambiguous;
        throw new StoreUnavailableError(operation, attempt, reason, { cause: error, ambiguous });
      }
      observer.onRetry?.(operation, attempt, error);
      await new Promise((resolve) => setTimeout(resolve, backoffMilliseconds(attempt, resolved)));
    }
  }
}

const GUARDED = Symbol.for('event-bus.pg-guarded');

/**
 * Attaches 'error' listeners to the pool and to every client it creates. node-postgres emits
 * 'error' on an idle client (through the pool) and on a checked-out client (on the client itself)
 * when the server ends the connection; without a listener either one crashes the process. The
 * query that was running rejects on its own, so the listeners only report.
 */
export function guardPool(pool: pg.Pool, onError: (error: Error) => void = () => undefined): pg.Pool {
  const marked = pool as pg.Pool & { [GUARDED]?: boolean };
  if (marked[GUARDED]) return pool;
  marked[GUARDED] = true;
  pool.on('error', onError);
  pool.on('connect', (client) => {
    client.on('error', onError);
  });
  return pool;
}
