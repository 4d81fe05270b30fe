/**
 * Golden test: the SDK generated for test/fixtures/golden must equal test/fixtures/golden/expected
 * byte for byte (after ajv: tests compare exact output). To accept a deliberate change:
 *   UPDATE_GOLDEN=1 npx vitest run test/generator/golden.unit.test.ts
 */
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderRegistry } from '../../generator/index.js';
import { FIXTURES, FIXTURE_RUNTIME_IMPORT } from './support.js';

const GOLDEN = path.join(FIXTURES, 'golden');
const EXPECTED = path.join(GOLDEN, 'expected');

describe('golden fixture', () => {
  it('generates exactly the committed expected output', async () => {
    const files = await renderRegistry({ input: path.join(GOLDEN, 'asyncapi.yaml'), runtimeImport: FIXTURE_RUNTIME_IMPORT });
    if (process.env.UPDATE_GOLDEN === '1') {
      await rm(EXPECTED, { recursive: true, force: true });
      for (const [file, source] of files) {
        await mkdir(path.dirname(path.join(EXPECTED, file)), { recursive: true });
        await writeFile(path.join(EXPECTED, file), source);
      }
    }
    const expectedFiles = (await readdir(EXPECTED, { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile())
      .map((entry) => path.relative(EXPECTED, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
      .sort();
    expect([...files.keys()]).toEqual(expectedFiles);
    for (const [file, source] of files) {
      expect(source, file).toBe(await readFile(path.join(EXPECTED, file), 'utf8'));
    }
  }, 60_000);
});

describe('catalog extras seam', () => {
  it('writes per-version extras (e.g. avroSchema) as literals into the catalog entry', async () => {
    const files = await renderRegistry({
      input: path.join(GOLDEN, 'asyncapi.yaml'),
      runtimeImport: FIXTURE_RUNTIME_IMPORT,
      extendVersion: (version) => ({ avroSchema: { type: 'record', name: `${version.names.payload}`, fields: [], doc: '*/ "x" ${y}' } }),
    });
    const catalog = files.get('catalog.ts')!;
    expect(catalog).toContain(`avroSchema: { type: 'record', name: 'OrderPlacedV1Payload', fields: [], doc: '*/ "x" \${y}' },`);
    expect(catalog.match(/avroSchema:/g)).toHaveLength(3);
  }, 60_000);
});
