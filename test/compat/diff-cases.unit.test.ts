/** Runs the change table (diff-cases.ts): verdict and exact rule ids for every case. */
import { describe, expect, it } from 'vitest';
import { diffSchemaValues } from '../../compat/diff/index.js';
import { cases } from './diff-cases.js';

describe('JSON Schema change table', () => {
  it('has at least 80 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(80);
  });

  it.each(cases.map((testCase) => [testCase.name, testCase] as const))('%s', (_name, testCase) => {
    const result = diffSchemaValues(
      testCase.versions,
      { mode: testCase.mode ?? 'BACKWARD', policy: testCase.policy ?? 'STRICT' },
      testCase.files,
    );
    const rules = [...new Set(result.findings.map((finding) => finding.rule))].sort();
    expect({ compatible: result.compatible, rules }).toEqual({
      compatible: testCase.compatible,
      rules: [...testCase.rules].sort(),
    });
  });
});
