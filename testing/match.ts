/**
 * Partial deep matching for assertions on events, with a message that says where the first
 * difference is. Framework-neutral: a failed expectation throws `EventAssertionError`, which any
 * test runner (vitest, node:test, jest) reports as a failure.
 */

/** `expected` may leave out any object key; arrays must match element by element. */
export type DeepPartial<T> = T extends readonly (infer U)[]
  ? readonly DeepPartial<U>[]
  : T extends object
    ? { readonly [K in keyof T]?: DeepPartial<T[K]> }
    : T;

export class EventAssertionError extends Error {
  readonly code = 'EVENT_ASSERTION_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'EventAssertionError';
  }
}

/** The JSON pointer of the first place `actual` differs from `expected`, or undefined when it matches. */
export function firstMismatch(actual: unknown, expected: unknown, at = ''): string | undefined {
  if (Object.is(actual, expected)) return undefined;
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return at || '/';
    if (actual.length !== expected.length) return `${at}/length`;
    for (let i = 0; i < expected.length; i++) {
      const mismatch = firstMismatch(actual[i], expected[i], `${at}/${i}`);
      if (mismatch !== undefined) return mismatch;
    }
    return undefined;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return at || '/';
    for (const [key, value] of Object.entries(expected)) {
      const child = `${at}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (value === undefined) {
        if ((actual as Record<string, unknown>)[key] !== undefined) return child;
        continue;
      }
      if (!Object.hasOwn(actual, key)) return child;
      const mismatch = firstMismatch((actual as Record<string, unknown>)[key], value, child);
      if (mismatch !== undefined) return mismatch;
    }
    return undefined;
  }
  return at || '/';
}

/** Compact JSON for messages, cut at `max` characters. */
export function preview(value: unknown, max = 400): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** What a `thenThrows` accepts: an error code, an error class, or a predicate. */
export type ErrorExpectation = (new (...args: never[]) => Error) | ((error: unknown) => boolean) | string;

export function matchesError(error: unknown, expected: ErrorExpectation | undefined): boolean {
  if (expected === undefined) return true;
  if (typeof expected === 'string') return (error as { code?: unknown })?.code === expected;
  if (expected.prototype instanceof Error || expected === Error) return error instanceof (expected as new () => Error);
  return (expected as (error: unknown) => boolean)(error);
}
