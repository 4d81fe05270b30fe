/**
 * The generated validators of the project registry: every schema example passes its validator,
 * and crafted invalid payloads fail with the right instance path and keyword.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalog } from '../../generated/index.js';
import type { ValidationIssue } from '../../runtime/index.js';
import { REPO_ROOT } from './support.js';

type Payload = Record<string, unknown>;

const versions = Object.values(catalog.events).flatMap((entry) => Object.values(entry.versions).map((version) => ({ entry, version })));

async function schemaOf(schemaFile: string): Promise<{ examples: Payload[]; required: string[]; properties: Record<string, Payload> }> {
  return JSON.parse(await readFile(path.join(REPO_ROOT, schemaFile), 'utf8')) as never;
}

function issuesOf(result: ReturnType<(typeof versions)[number]['version']['validate']>): ValidationIssue[] {
  return result.valid ? [] : result.issues;
}

describe('generated validators', () => {
  it('cover every event version of the registry', () => {
    expect(versions.length).toBeGreaterThanOrEqual(10);
  });

  it.each(versions.map(({ entry, version }) => [`${entry.eventType} v${version.version}`, version] as const))(
    '%s: examples pass; missing, mistyped and extra fields fail at their instance path',
    async (_name, version) => {
      const schema = await schemaOf(version.schemaFile);
      expect(schema.examples.length).toBeGreaterThan(0);
      for (const example of schema.examples) expect(version.validate(example)).toEqual({ valid: true });
      const example = schema.examples[0]!;

      for (const field of schema.required) {
        const { [field]: _removed, ...rest } = example;
        expect(issuesOf(version.validate(rest))).toContainEqual(
          expect.objectContaining({ instancePath: '', keyword: 'required', params: { missingProperty: field } }),
        );
      }
      const extra = issuesOf(version.validate({ ...example, unexpectedField: 1 }));
      expect(extra).toContainEqual(expect.objectContaining({ instancePath: '', keyword: 'additionalProperties' }));

      for (const [field, property] of Object.entries(schema.properties)) {
        if (property.type === 'string' || (Array.isArray(property.type) && property.type.includes('string') && !property.type.includes('number'))) {
          expect(issuesOf(version.validate({ ...example, [field]: 42 }))[0], field).toMatchObject({ instancePath: `/${field}`, keyword: 'type' });
        }
        if (Array.isArray(property.enum)) {
          expect(issuesOf(version.validate({ ...example, [field]: 'not-a-listed-value' }))[0], field).toMatchObject({ instancePath: `/${field}`, keyword: 'enum' });
        }
      }
      expect(issuesOf(version.validate('not an object'))[0]).toMatchObject({ instancePath: '', keyword: 'type' });
    },
  );

  it('reports formats, shared definitions and nested paths', async () => {
    const user = catalog.events['user.created']!.versions[1]!;
    const userExample = (await schemaOf(user.schemaFile)).examples[0]!;
    const badUser = issuesOf(user.validate({ ...userExample, email: 'not-an-email', userId: 'not-a-uuid' }));
    expect(badUser.map((issue) => [issue.instancePath, issue.keyword]).sort()).toEqual(
      expect.arrayContaining([['/email', 'format'], ['/userId', 'format']]),
    );
    expect(badUser.find((issue) => issue.instancePath === '/email')!.message).toBe('must match format "email"');

    const turn = catalog.events['conversation.turn_completed']!;
    const turnVersion = turn.versions[turn.currentVersion]!;
    const turnExample = (await schemaOf(turnVersion.schemaFile)).examples[0]! as Payload & { latency: Payload; citedDocumentIds: string[] };
    const badTurn = issuesOf(
      turnVersion.validate({ ...turnExample, latency: { ...turnExample.latency, speechToTextMs: 'fast' }, citedDocumentIds: ['nope'] }),
    );
    expect(badTurn.map((issue) => issue.instancePath)).toEqual(expect.arrayContaining(['/latency/speechToTextMs', '/citedDocumentIds/0']));
  });
});
