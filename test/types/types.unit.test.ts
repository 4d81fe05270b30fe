/**
 * `tsc --noEmit` over generated/ and the type tests: valid SDK uses compile, and every
 * `@ts-expect-error` (missing field, wrong enum, unknown type, wrong nullable, extra property)
 * is a real compile error — an unused directive fails tsc.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runTsc } from '../generator/support.js';

describe('types of the generated SDK', () => {
  it('generated/ and test/types compile; every expected error is an error', async () => {
    const result = await runTsc(path.join(REPO_ROOT, 'test', 'types', 'tsconfig.json'));
    expect(result.output).toBe('');
    expect(result.exitCode).toBe(0);
  }, 120_000);

  it('createEvent without a type argument rejects a wrong aggregate type and another event’s payload', async () => {
    const result = await runTsc(path.join(REPO_ROOT, 'test', 'types', 'tsconfig.overloads.json'));
    expect(result.output).toBe('');
    expect(result.exitCode).toBe(0);
  }, 120_000);
});
