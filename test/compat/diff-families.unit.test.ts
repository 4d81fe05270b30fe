/** Runs the family table (diff-families.ts): STRICT verdict and exact rule ids, and the LENIENT verdict. */
import { describe, expect, it } from 'vitest';
import { diffSchemaValues } from '../../compat/diff/index.js';
import { families } from './diff-families.js';

describe('Confluent case families, restated', () => {
  it.each(families.map((testCase) => [`${testCase.family}: ${testCase.name}`, testCase] as const))(
    '%s',
    (_name, testCase) => {
      const strict = diffSchemaValues(testCase.versions, { mode: 'BACKWARD', policy: 'STRICT' });
      const rules = [...new Set(strict.findings.map((finding) => finding.rule))].sort();
      expect({ compatible: strict.compatible, rules }).toEqual({
        compatible: testCase.compatible,
        rules: [...testCase.rules].sort(),
      });
      const lenient = diffSchemaValues(testCase.versions, { mode: 'BACKWARD', policy: 'LENIENT' });
      expect(lenient.compatible).toBe(testCase.lenient ?? testCase.compatible);
    },
  );
});
