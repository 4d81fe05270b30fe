/** The runtime without @opentelemetry/api installed: a child process in which the package cannot be resolved. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { repoRoot } from '../support/registry-catalog.js';

it('publishes, handles, stores and relays with every @opentelemetry package unresolvable', () => {
  const support = join(repoRoot, 'test', 'observability', 'support');
  const run = spawnSync(
    process.execPath,
    ['--require', join(support, 'block-otel.cjs'), '--import', 'tsx', join(support, 'without-api.script.ts')],
    { cwd: repoRoot, encoding: 'utf8', timeout: 60_000, env: { ...process.env, EVENT_BUS_TRANSPORT: 'in-process' } },
  );
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(JSON.parse(run.stdout)).toEqual({
    apiImportable: false,
    relayed: 1,
    delivered: 1,
    traceparent: null,
    storedMetadata: {},
    tracer: 'none',
    runtimeSeesApi: false,
  });
});
