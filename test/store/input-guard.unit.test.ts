/**
 * The store's input guard checks payloads with a fast walk (no paths, `isWellFormed`) and only
 * walks a refused one again for the error (decision 0156). These hold that fast check to the
 * definition — a value is refused exactly when some string or key in it holds a NUL or a lone
 * surrogate — and the error to the one the path-building walk always gave.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertStorableId, assertStorableJson, StoreInputError } from '../../runtime/store/input-guard.js';

// The guard's definition, written independently: NUL, or a surrogate without its partner.
// eslint-disable-next-line no-control-regex
const NOT_STORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function refusedByDefinition(value: unknown): boolean {
  if (typeof value === 'string') return NOT_STORABLE.test(value);
  if (Array.isArray(value)) return value.some(refusedByDefinition);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).some(([key, item]) => NOT_STORABLE.test(key) || refusedByDefinition(item));
  }
  return false;
}

// Strings of single UTF-16 code units drawn so that NUL, lone and paired surrogates all come up often.
const codeUnit = fc.oneof(
  fc.constantFrom('\u0000', '\ud800', '\udbff', '\udc00', '\udfff', '\ud83d\ude42', 'a', 'é', '~', '/'),
  fc.string({ unit: 'binary', maxLength: 3 }),
);
const text = fc.array(codeUnit, { maxLength: 6 }).map((parts) => parts.join(''));
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    text,
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(text, tie('value'), { maxKeys: 4 }),
  ),
})).value;

function errorOf(run: () => void): StoreInputError | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(StoreInputError);
    return error as StoreInputError;
  }
}

describe('input guard', () => {
  it('refuses a JSON value exactly when a string or key in it holds a NUL or a lone surrogate', () => {
    fc.assert(
      fc.property(json, (value) => {
        const error = errorOf(() => assertStorableJson('payload', value));
        expect(error !== undefined).toBe(refusedByDefinition(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses an id exactly when it holds a NUL or a lone surrogate', () => {
    fc.assert(
      fc.property(text, (id) => {
        fc.pre(id.length > 0);
        const error = errorOf(() => assertStorableId('eventId', id));
        expect(error !== undefined).toBe(NOT_STORABLE.test(id));
      }),
      { numRuns: 2000 },
    );
  });

  it('names the first problem the walk meets, with its JSON pointer and index', () => {
    const payload = { ok: 'fine', list: ['a', 'b\u0000c'], nested: { 'k/~': 'x\ud800' } };
    const error = errorOf(() => assertStorableJson('payload', payload));
    // The walk takes the last pushed member first: nested before list.
    expect(error?.field).toBe('payload/nested/k~1~0');
    expect(error?.message).toBe(
      'payload/nested/k~1~0 holds a lone UTF-16 surrogate (at index 1), which is not Unicode text; nothing was written or read',
    );
    expect(errorOf(() => assertStorableJson('payload', { ['bad\udc00key']: 1 }))?.field).toBe('payload key "bad\\udc00key"');
    expect(errorOf(() => assertStorableJson('payload', ['ok', ['\u0000']]))?.message).toBe(
      'payload/1/0 holds a NUL character (at index 0); nothing was written or read',
    );
    expect(errorOf(() => assertStorableJson('payload', { a: ['🙂', 'é'], b: 'plain' }))).toBeUndefined();
  });
});
