import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.unit.test.ts'],
          // Projects with different worker limits must run in separate groups.
          sequence: { groupOrder: 0 },
          testTimeout: 30_000,
          // Loading the registry (the AsyncAPI parser's start-up included) in a beforeAll.
          hookTimeout: 60_000,
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
