/**
 * The committed API report (docs/api-report.md) is what the code exports, entry point by entry
 * point, as the type checker sees it. A change to the public surface fails here until the report
 * is regenerated (`npm run api:report`) and the diff reviewed.
 */
import { expect, it } from 'vitest';
import { committedReport, exportedNames, renderReport } from './api-report.js';

it('docs/api-report.md lists exactly the names every entry point exports', () => {
  const names = exportedNames();
  expect(names['./runtime']!.length).toBeLessThan(150);
  expect(renderReport(names)).toBe(committedReport());
});
