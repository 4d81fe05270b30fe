/**
 * Decision 0166: the registry's schema checks compile each payload once, strictly, in a fresh ajv
 * with the generator's code options, and the generator writes that compile's standalone source
 * instead of compiling again. Checked here: the kept source is byte for byte the one a fresh
 * compile writes, on the project's registry, the fixtures and registries made to reach each
 * branch (inline payloads, a payload inside a YAML file of named schemas, an unknown format, a
 * pattern, union types); and where a payload alone could compile differently from beside the
 * others (an embedded `$id`) or strict mode refuses one, the checks keep nothing and report what
 * they reported before.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../generator/model.js';
import { compileStandaloneValidator, compileStandaloneValidatorAfresh, keepStandaloneSources, keptStandaloneSource } from '../../generator/validators.js';
import { loadRegistryWhileParsing } from '../../registry/load.js';
import { loadRegistry } from '../../registry/index.js';
import { FIXTURES, REPO_ROOT } from './support.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'kept-validators-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function writeRegistry(name: string, files: Record<string, string>): Promise<string> {
  const dir = path.join(work, name);
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
  return path.join(dir, 'asyncapi.yaml');
}

const channel = (key: string, address: string, message: string, payload: string): string =>
  `  ${key}:\n    address: ${address}\n    messages:\n      ${message}:\n        x-event-type: ${address}\n        x-event-version: 1\n        payload:\n${payload}\n`;

/** Loads `file` as the generator does; every payload's kept source against a fresh compile. */
async function compare(file: string): Promise<{ kept: number; payloads: number; warnings: string[] }> {
  const { model: registry } = await loadRegistryWhileParsing({ file }, () => undefined, keepStandaloneSources);
  const model = buildModel(registry);
  let kept = 0;
  let payloads = 0;
  for (const version of model.events.flatMap((event) => event.versions)) {
    if (version.payloadForm === 'none') continue;
    payloads += 1;
    if (keptStandaloneSource(registry, version.schemaId)) kept += 1;
    expect(compileStandaloneValidator(model, version), `${version.eventType} v${version.version}`).toBe(compileStandaloneValidatorAfresh(model, version));
  }
  return { kept, payloads, warnings: registry.warnings.map((warning) => warning.code) };
}

describe('standalone validators kept from the schema checks', () => {
  it.each([
    ['the project registry', path.join(REPO_ROOT, 'asyncapi.yaml')],
    ['the golden fixture', path.join(FIXTURES, 'golden', 'asyncapi.yaml')],
    ['the layout fixture', path.join(FIXTURES, 'layout', 'asyncapi.yaml')],
  ])('%s: every payload kept, byte-identical to a fresh compile', async (_name, file) => {
    const { kept, payloads } = await compare(file);
    expect(payloads).toBeGreaterThan(0);
    expect(kept).toBe(payloads);
  });

  it('inline payloads, a payload in a YAML file of named schemas, unknown formats, patterns and union types: kept and identical', async () => {
    const file = await writeRegistry('mixed', {
      'asyncapi.yaml':
        'asyncapi: 3.0.0\ninfo:\n  title: Mixed\n  version: 1.0.0\nchannels:\n' +
        channel('a', 'thing.added', 'thingAdded', "          type: object\n          required: [id]\n          properties:\n            id: { type: string, pattern: '^[a-z]+$' }\n            n: { type: [integer, 'null'] }") +
        channel('b', 'thing.named', 'thingNamed', "          $ref: './schemas/named.yaml#/Named'") +
        channel('c', 'thing.formatted', 'thingFormatted', "          $ref: './schemas/formatted.json'"),
      'schemas/named.yaml': 'Named:\n  type: object\n  properties:\n    tag: { $ref: "#/Tag" }\nTag:\n  type: string\n  maxLength: 10\n',
      'schemas/formatted.json': JSON.stringify({
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'object',
        properties: { code: { type: 'string', format: 'x-unknown-code' }, at: { type: 'string', format: 'date-time' }, map: { type: 'object', patternProperties: { '^k[0-9]+$': { type: 'number' } } } },
      }),
    });
    const { kept, payloads, warnings } = await compare(file);
    expect(payloads).toBe(3);
    expect(kept).toBe(3);
    expect(warnings).toContain('unknown-format');
  });

  it('an embedded $id: nothing kept (the shared compile runs), sources still identical', async () => {
    const file = await writeRegistry('embedded-id', {
      'asyncapi.yaml': 'asyncapi: 3.0.0\ninfo:\n  title: Embedded\n  version: 1.0.0\nchannels:\n' + channel('a', 'thing.added', 'thingAdded', "          $ref: './schemas/a.json'"),
      'schemas/a.json': JSON.stringify({
        $schema: 'http://json-schema.org/draft-07/schema#',
        $id: 'https://example.test/a.json',
        type: 'object',
        properties: { inner: { $ref: '#/definitions/inner' } },
        definitions: { inner: { $id: 'https://example.test/inner.json', type: 'string' } },
      }),
    });
    const { kept, payloads } = await compare(file);
    expect(payloads).toBe(1);
    expect(kept).toBe(0);
  });

  it('a payload strict mode refuses: the same schema-strict warning as loadRegistry reports, the others still identical', async () => {
    const file = await writeRegistry('strict', {
      'asyncapi.yaml':
        'asyncapi: 3.0.0\ninfo:\n  title: Strict\n  version: 1.0.0\nchannels:\n' +
        channel('a', 'thing.added', 'thingAdded', "          $ref: './schemas/a.json'") +
        channel('b', 'thing.removed', 'thingRemoved', "          $ref: './schemas/b.json'"),
      'schemas/a.json': JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { id: { type: 'string' } } }),
      // `minimum` on a string: valid draft-07, refused by ajv's strict mode (strictTypes).
      'schemas/b.json': JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { id: { type: 'string', minimum: 1 } } }),
    });
    const { kept, payloads, warnings } = await compare(file);
    expect(payloads).toBe(2);
    expect(kept).toBe(1);
    expect(warnings).toContain('schema-strict');
    const plain = await loadRegistry({ file });
    expect(plain.warnings).toEqual((await loadRegistryWhileParsing({ file }, () => undefined, keepStandaloneSources)).model.warnings);
  });
});
