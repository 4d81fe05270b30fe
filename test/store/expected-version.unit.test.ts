/**
 * The expected-version rule exists twice: matchesExpectedVersion (SQLite, and the message of a
 * conflict) and expectedVersionRange (the [min, max] PostgreSQL's store_append checks). They
 * must admit exactly the same versions.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ANY,
  expectedVersionRange,
  matchesExpectedVersion,
  NO_STREAM,
  STREAM_EXISTS,
  type ExpectedVersion,
} from '../../runtime/store/expected-version.js';

const expectedVersions: fc.Arbitrary<ExpectedVersion> = fc.oneof(
  fc.constantFrom<ExpectedVersion>(ANY, NO_STREAM, STREAM_EXISTS),
  fc.nat({ max: 50 }),
  fc.constantFrom(Number.MAX_SAFE_INTEGER),
);
const versions = fc.oneof(fc.nat({ max: 60 }), fc.constantFrom(Number.MAX_SAFE_INTEGER));

describe('expectedVersionRange', () => {
  it('admits exactly the versions matchesExpectedVersion admits', () => {
    fc.assert(
      fc.property(expectedVersions, versions, (expected, current) => {
        const [min, max] = expectedVersionRange(expected);
        expect(current >= min && current <= max).toBe(matchesExpectedVersion(current, expected));
      }),
      { numRuns: 2000 },
    );
  });

  it('names the sentinels as ranges', () => {
    expect(expectedVersionRange(NO_STREAM)).toEqual([0, 0]);
    expect(expectedVersionRange(STREAM_EXISTS)).toEqual([1, Number.MAX_SAFE_INTEGER]);
    expect(expectedVersionRange(ANY)).toEqual([0, Number.MAX_SAFE_INTEGER]);
    expect(expectedVersionRange(7)).toEqual([7, 7]);
  });
});
