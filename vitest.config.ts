import { defineConfig } from 'vitest/config';

/**
 * Unit-named files that run tsc, the generator (parser, prettier) or the CLI many times, or spawn
 * worker threads: seconds to minutes each. They run in the `tools` project with the
 * `*.tools.test.ts` files, so `npm run test:unit` stays fast; `npm test` runs everything.
 */
const TOOL_RUNNING_FILES = [
  'test/generator/determinism.unit.test.ts',
  'test/generator/golden.unit.test.ts',
  'test/generator/hostile.unit.test.ts',
  'test/generator/model.unit.test.ts',
  'test/compat/check.unit.test.ts',
  'test/compat/diff-cli.unit.test.ts',
  'test/types/types.unit.test.ts',
  'test/registry/registry.unit.test.ts',
  'test/store/sqlite-threads.unit.test.ts',
  // The public corpora (parser + generator + tsc over every document), the CLI in consumer
  // projects, the parser's worker thread, prettier over every generated file, fresh ajv compiles.
  'test/corpus/asyncapi-examples.unit.test.ts',
  'test/corpus/json-schema-suite.unit.test.ts',
  'test/consumer/project-config.unit.test.ts',
  'test/consumer/registry-path.unit.test.ts',
  'test/registry/parser-thread.unit.test.ts',
  'test/generator/layout.unit.test.ts',
  'test/generator/kept-validators.unit.test.ts',
];

export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.unit.test.ts'],
          exclude: ['**/node_modules/**', ...TOOL_RUNNING_FILES],
          // Projects with different worker limits must run in separate groups.
          sequence: { groupOrder: 0 },
          testTimeout: 30_000,
          // Loading the registry (the AsyncAPI parser's start-up included) in a beforeAll.
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          // Tests that run tsc, the generator or the CLI as a child process: seconds each, so they
          // stay out of the fast unit tier (`npm run test:unit`); `npm test` runs them.
          name: 'tools',
          include: ['test/**/*.tools.test.ts', ...TOOL_RUNNING_FILES],
          sequence: { groupOrder: 0 },
          testTimeout: 120_000,
          // A beforeAll that loads or generates a registry (the parser's start-up included).
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'int',
          include: ['test/**/*.int.test.ts'],
          sequence: { groupOrder: 1 },
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Integration files share one emulator and one PostgreSQL; two cores on this machine.
          maxWorkers: 2,
        },
      },
    ],
  },
});
