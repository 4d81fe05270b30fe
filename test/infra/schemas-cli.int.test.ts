import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { randomPrefix, runCli } from './support.js';

const projectId = process.env.GCP_PROJECT_ID ?? 'event-bus-test';

/** A one-event registry on disk whose v2 adds a required field: Avro cannot resolve v1 data with it. */
function breakingRegistry(): string {
  const root = mkdtempSync(join(tmpdir(), 'event-bus-infra-'));
  const schema = (version: number, extra: Record<string, unknown>): object => ({
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `https://schemas.clone.dev/events/thing.happened/${version}.json`,
    type: 'object',
    additionalProperties: false,
    required: ['thingId', ...Object.keys(extra)],
    properties: { thingId: { type: 'string' }, ...extra },
  });
  mkdirSync(join(root, 'schemas', 'thing.happened'), { recursive: true });
  writeFileSync(join(root, 'schemas', 'thing.happened', '1.json'), JSON.stringify(schema(1, {})));
  writeFileSync(
    join(root, 'schemas', 'thing.happened', '2.json'),
    JSON.stringify(schema(2, { colour: { type: 'string' } })),
  );
  writeFileSync(
    join(root, 'asyncapi.yaml'),
    [
      'asyncapi: 3.0.0',
      'info: { title: t, version: 1.0.0 }',
      'channels:',
      '  thingHappened:',
      '    address: thing.happened',
      '    x-aggregate-type: thing',
      '    messages:',
      "      thingHappenedV1: { x-event-type: thing.happened, x-event-version: 1, payload: { $ref: './schemas/thing.happened/1.json' } }",
      "      thingHappenedV2: { x-event-type: thing.happened, x-event-version: 2, payload: { $ref: './schemas/thing.happened/2.json' } }",
      '',
    ].join('\n'),
  );
  return root;
}

describe('event-bus schemas', () => {
  it(
    'reports a version whose Avro schema does not resolve against the previous one as a finding (exit 1)',
    { timeout: 300_000 },
    async () => {
      const root = breakingRegistry();
      const flags = [
        '--registry',
        join(root, 'asyncapi.yaml'),
        '--schemas-dir',
        join(root, 'schemas'),
        '--avro-dir',
        join(root, 'no-generated-avro'),
        '--project',
        projectId,
        '--topic-prefix',
        randomPrefix('s'),
      ];
      const plan = await runCli(['schemas', 'plan', ...flags]);
      expect(plan.exitCode).toBe(1);
      expect(plan.stdout).toMatch(
        /^error\[SCHEMA_REVISION_INCOMPATIBLE\]: thing\.happened: the Avro schema of v2 does not resolve against v1/,
      );

      const usage = await runCli(['schemas', 'plan', ...flags, '--encoding', 'XML']);
      expect(usage.exitCode).toBe(2);
      expect(usage.stderr).toMatch(/--encoding/);
    },
  );

  it('annotates pending changes for GitHub with --format github', { timeout: 300_000 }, async () => {
    const prefix = randomPrefix('s');
    const run = await runCli([
      'schemas',
      'plan',
      '--project',
      projectId,
      '--topic-prefix',
      prefix,
      '--format',
      'github',
    ]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(`::warning title=schemas create::create schema ${prefix}.user.created (AVRO)`);
  });
});
