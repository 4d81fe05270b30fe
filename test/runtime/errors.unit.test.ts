/**
 * Error guards match by brand and code, so errors thrown by another copy of the runtime (a second
 * install of the package in one process) are recognised: the copy is made by reloading the modules.
 */
import { describe, expect, it, vi } from 'vitest';
import { EventBusError, hasErrorCode, isEventBusError } from '../../runtime/errors.js';
import { ExpectedVersionConflictError, isDuplicateEventIdError, isExpectedVersionConflictError } from '../../runtime/store/errors.js';

async function otherCopy() {
  vi.resetModules();
  const errors = await import('../../runtime/errors.js');
  const store = await import('../../runtime/store/errors.js');
  return { errors, store };
}

describe('error guards', () => {
  it('recognise an error of another copy of the runtime by brand and code', async () => {
    const copy = await otherCopy();
    expect(copy.store.ExpectedVersionConflictError).not.toBe(ExpectedVersionConflictError);
    const foreign = new copy.store.ExpectedVersionConflictError({ aggregateType: 'user', aggregateId: 'u-1' }, 2, 1);
    expect(foreign instanceof ExpectedVersionConflictError).toBe(false);
    expect(isExpectedVersionConflictError(foreign)).toBe(true);
    expect(isEventBusError(foreign, 'STORE_EXPECTED_VERSION_CONFLICT')).toBe(true);
    expect(hasErrorCode(foreign, 'STORE_DUPLICATE_EVENT_ID', 'STORE_EXPECTED_VERSION_CONFLICT')).toBe(true);
    expect(isDuplicateEventIdError(foreign)).toBe(false);
    // And the other way round.
    expect(copy.store.isExpectedVersionConflictError(new ExpectedVersionConflictError({ aggregateType: 'user', aggregateId: 'u-1' }, 2, 1))).toBe(true);
  });

  it('do not take a plain error with a code (a Node ENOENT, a gRPC error) for one of ours', () => {
    const plain = Object.assign(new Error('no such file'), { code: 'STORE_EXPECTED_VERSION_CONFLICT' });
    expect(isEventBusError(plain)).toBe(false);
    expect(isExpectedVersionConflictError(plain)).toBe(false);
    expect(hasErrorCode(plain, 'STORE_EXPECTED_VERSION_CONFLICT')).toBe(false);
  });

  it('match the code when one is given', () => {
    const error = new EventBusError('SOME_CODE', 'message');
    expect(isEventBusError(error)).toBe(true);
    expect(isEventBusError(error, 'SOME_CODE')).toBe(true);
    expect(isEventBusError(error, 'OTHER_CODE')).toBe(false);
  });
});
