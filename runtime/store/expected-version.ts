import { ExpectedVersionConflictError } from './errors.js';
import type { StreamId } from './types.js';

/**
 * Stream versions count events: a stream that does not exist is at version 0, its first
 * event has version 1. An expected version is either that number or one of three sentinels.
 */
export const NO_STREAM = 'no_stream' as const;
export const STREAM_EXISTS = 'stream_exists' as const;
export const ANY = 'any' as const;

export type ExpectedVersion = number | typeof NO_STREAM | typeof STREAM_EXISTS | typeof ANY;

/** Version of a stream with no events. */
export const EMPTY_STREAM_VERSION = 0;

/** The one place that decides whether `expected` admits `current`. Pure. */
export function matchesExpectedVersion(current: number, expected: ExpectedVersion): boolean {
  switch (expected) {
    case ANY:
      return true;
    case NO_STREAM:
      return current === EMPTY_STREAM_VERSION;
    case STREAM_EXISTS:
      return current > EMPTY_STREAM_VERSION;
    default:
      return current === expected;
  }
}

/**
 * The versions `expected` admits, as an inclusive range [min, max]: the same decision as
 * matchesExpectedVersion, in a form a SQL statement can check (PostgreSQL's store_append).
 */
export function expectedVersionRange(expected: ExpectedVersion): readonly [min: number, max: number] {
  switch (expected) {
    case ANY:
      return [EMPTY_STREAM_VERSION, Number.MAX_SAFE_INTEGER];
    case NO_STREAM:
      return [EMPTY_STREAM_VERSION, EMPTY_STREAM_VERSION];
    case STREAM_EXISTS:
      return [EMPTY_STREAM_VERSION + 1, Number.MAX_SAFE_INTEGER];
    default:
      return [expected, expected];
  }
}

export function assertExpectedVersion(stream: StreamId, current: number, expected: ExpectedVersion): void {
  if (!matchesExpectedVersion(current, expected)) {
    throw new ExpectedVersionConflictError(stream, current, expected);
  }
}

export function isValidExpectedVersion(value: unknown): value is ExpectedVersion {
  return (
    value === ANY ||
    value === NO_STREAM ||
    value === STREAM_EXISTS ||
    (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)
  );
}
