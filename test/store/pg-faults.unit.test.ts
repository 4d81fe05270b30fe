import { describe, expect, it } from 'vitest';
import {
  backoffMilliseconds,
  DEFAULT_STORE_RETRY,
  DuplicateEventIdError,
  isRetryableStoreError,
  StoreUnavailableError,
  withStoreRetry,
} from '../../runtime/store/index.js';

const pgError = (code: string) => Object.assign(new Error(`pg ${code}`), { code });

describe('PostgreSQL fault classification', () => {
  it.each(['57P01', '57P03', '40001', '40P01', '08006', 'ECONNREFUSED', 'ECONNRESET'])('%s is retryable', (code) => {
    expect(isRetryableStoreError(pgError(code))).toBe(true);
  });
  it('a lost connection without a code is retryable', () => {
    expect(isRetryableStoreError(new Error('Connection terminated unexpectedly'))).toBe(true);
  });
  it.each(['23505', '42P01', '22P02'])('%s (constraint, missing table, bad input) is not', (code) => {
    expect(isRetryableStoreError(pgError(code))).toBe(false);
  });

  it('backoff is jittered and bounded by the cap', () => {
    expect(backoffMilliseconds(1, DEFAULT_STORE_RETRY, () => 1)).toBe(100);
    expect(backoffMilliseconds(3, DEFAULT_STORE_RETRY, () => 1)).toBe(400);
    expect(backoffMilliseconds(30, DEFAULT_STORE_RETRY, () => 1)).toBe(2000);
    expect(backoffMilliseconds(30, DEFAULT_STORE_RETRY, () => 0)).toBe(0);
  });
});

describe('withStoreRetry', () => {
  it('retries a retryable failure and returns the later success', async () => {
    let calls = 0;
    const retried: number[] = [];
    const result = await withStoreRetry(
      'read',
      async () => {
        calls += 1;
        if (calls < 3) throw pgError('57P01');
        return 'ok';
      },
      { initialDelayMilliseconds: 1 },
      { onRetry: (_operation, attempt) => retried.push(attempt) },
    );
    expect(result).toBe('ok');
    expect(retried).toEqual([1, 2]);
  });

  it('gives up after maxAttempts with a typed, retryable error that says so', async () => {
    let calls = 0;
    const failure = await withStoreRetry(
      'append',
      async () => {
        calls += 1;
        throw pgError('40P01');
      },
      { maxAttempts: 3, initialDelayMilliseconds: 1 },
    ).catch((error: unknown) => error);
    expect(calls).toBe(3);
    expect(failure).toBeInstanceOf(StoreUnavailableError);
    expect(failure).toMatchObject({ code: 'STORE_UNAVAILABLE', retryable: true, attempts: 3, operation: 'append' });
    expect((failure as Error).message).toContain('after 3 attempts: 40P01 deadlock detected');
  });

  it('does not retry what a retry cannot cure', async () => {
    let calls = 0;
    const duplicate = new DuplicateEventIdError('e-1');
    await expect(
      withStoreRetry('append', async () => {
        calls += 1;
        throw duplicate;
      }),
    ).rejects.toBe(duplicate);
    expect(calls).toBe(1);
  });
});
