/**
 * Issue 11, the registry rows: every hostile registry is refused by `generate` and by `check`
 * with exit 2 and a message naming the file and the pointer, before any parser or resolver runs;
 * a local HTTP server proves no request is ever made; nothing is written outside `--out`.
 */
import { createServer, type Server } from 'node:http';
import { existsSync, readdirSync, symlinkSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generate, guardRegistry, isRegistryGuardError, OutputPathError, RegistryGuardError } from '../../generator/index.js';
import { run as runGenerate } from '../../cli/commands/generate.js';
import { runCheck } from '../../cli/commands/check.js';
import { REPO_ROOT, FIXTURES } from '../generator/support.js';
import { HOSTILE_CASES } from './hostile-registries.js';
import { asyncapiYaml, thingSchema, writeRegistry } from './support.js';

let requests = 0;
const servers: Server[] = [];
let answeringUrl = '';
let silentUrl = '';

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${address.port}`;
}

beforeAll(async () => {
  // One server answers with a schema, the other never answers (it used to hang generate forever).
  answeringUrl = await listen((_request, response) => {
    requests += 1;
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ type: 'string' }));
  });
  silentUrl = await listen(() => {
    requests += 1;
  });
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

function captureStderr(): { text: () => string; restore: () => void } {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => {
    chunks.push(String(chunk));
    return true;
  });
  return { text: () => chunks.join(''), restore: () => spy.mockRestore() };
}

describe('hostile registries are refused before parsing', () => {
  for (const hostile of HOSTILE_CASES) {
    for (const [label, url] of [['answering server', () => answeringUrl], ['silent server', () => silentUrl]] as const) {
      if (label === 'silent server' && hostile.code !== 'remote-ref') continue;
      it(`${hostile.name}${hostile.code === 'remote-ref' ? ` (${label})` : ''}: generate and check exit 2 naming file and pointer`, async () => {
        const registry = await writeRegistry(hostile.files({ url: url() }));
        const before = requests;

        const error = await generate({ input: registry.input, out: registry.out }).catch((caught: unknown) => caught);
        expect(isRegistryGuardError(error), String(error)).toBe(true);
        const { diagnostic, guardCode } = error as RegistryGuardError;
        expect(guardCode).toBe(hostile.code);
        expect(diagnostic.file.endsWith(hostile.file), diagnostic.file).toBe(true);
        expect(diagnostic.pointer ?? '').toMatch(new RegExp(`^${hostile.pointer.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));

        const stderr = captureStderr();
        let generateExit: number;
        try {
          generateExit = await runGenerate({ input: registry.input, out: registry.out, runtimeImport: '../runtime/index.js', runtimeClasses: true });
        } finally {
          stderr.restore();
        }
        expect(generateExit).toBe(2);
        expect(stderr.text()).toContain(`${hostile.file}${hostile.pointer === '' ? '' : `#${hostile.pointer}`}`);
        expect(stderr.text()).toContain(`[${hostile.code}]`);

        const err: string[] = [];
        const checkExit = await runCheck(
          { root: registry.root, format: 'text' },
          { stdout: () => undefined, stderr: (text) => void err.push(text) },
        );
        expect(checkExit).toBe(2);
        expect(err.join('')).toContain(hostile.file);
        expect(err.join('')).toContain(`[${hostile.code}]`);

        expect(requests - before, 'HTTP requests made').toBe(0);
        expect(existsSync(registry.out), 'nothing generated').toBe(false);
      });
    }
  }

  it('a symlink inside the registry that points out of it is refused', async () => {
    const outside = await mkdtemp(path.join(tmpdir(), 'event-bus-outside-'));
    await writeFile(path.join(outside, 'secret.json'), JSON.stringify({ $id: 'https://schemas.test/events/secret.json', const: 'password' }));
    const registry = await writeRegistry({
      'asyncapi.yaml': asyncapiYaml(),
      'schemas/thing/1.json': thingSchema({ secret: { $ref: '../linked/secret.json' } }),
    });
    symlinkSync(outside, path.join(registry.root, 'schemas', 'linked'));
    const error = await generate({ input: registry.input, out: registry.out }).catch((caught: unknown) => caught);
    expect((error as RegistryGuardError).guardCode).toBe('ref-outside-root');
    expect((error as RegistryGuardError).diagnostic.pointer).toBe('/properties/secret/$ref');
  });

  it('recursion through properties is data, not a cycle: the guard lets it through', async () => {
    const registry = await writeRegistry({
      'asyncapi.yaml': asyncapiYaml(),
      'schemas/thing/1.json': thingSchema({ child: { $ref: '#' }, children: { type: 'array', items: { $ref: '#' } } }),
    });
    expect(guardRegistry(registry.input).files).toEqual(['asyncapi.yaml', 'schemas/thing/1.json']);
  });

  it('accepts the product registry, the test fixtures and every AsyncAPI example of the corpus (no false refusal)', () => {
    const report = guardRegistry(path.join(REPO_ROOT, 'asyncapi.yaml'));
    expect(report.files).toContain('schemas/common/ids.json');
    expect(report.refs).toBeGreaterThan(20);
    for (const fixture of readdirSync(FIXTURES, { withFileTypes: true })) {
      const input = path.join(FIXTURES, fixture.name, 'asyncapi.yaml');
      if (fixture.isDirectory() && existsSync(input)) expect(() => guardRegistry(input), fixture.name).not.toThrow();
    }
    const corpus = path.join(REPO_ROOT, '..', 'shared', 'corpus', 'asyncapi-examples');
    const examples = existsSync(corpus)
      ? (readdirSync(corpus, { recursive: true }) as string[]).filter((file) => /\.ya?ml$/.test(file))
      : [];
    // Examples that $ref schemas on the web are refused (the registry is read offline); nothing else is.
    const refused: string[] = [];
    for (const example of examples) {
      try {
        // The social-media example shares ../common/: its registry root is the corpus folder.
        guardRegistry(path.join(corpus, example), { root: corpus });
      } catch (error) {
        expect((error as RegistryGuardError).guardCode, `${example}: ${String(error)}`).toBe('remote-ref');
        refused.push(example);
      }
    }
    if (examples.length > 0) expect(refused).toEqual(['adeo-kafka-request-reply-asyncapi.yml']);
  });
});

describe('output paths stay under --out', () => {
  it("a channel address '../../../x' is refused instead of writing x/1.avsc outside --out", async () => {
    const container = await mkdtemp(path.join(tmpdir(), 'event-bus-container-'));
    const registry = await writeRegistry({ 'asyncapi.yaml': asyncapiYaml({ address: '../../../x', eventType: '../../../x', pubsubSchema: true }), 'schemas/thing/1.json': thingSchema({ name: { type: 'string' } }, { required: ['name'] }) }, container);
    const error = await generate({ input: registry.input, out: registry.out }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OutputPathError);
    expect((error as Error).message).toContain('avro/../../../x/1.avsc');
    expect(existsSync(path.join(container, 'x'))).toBe(false);
    expect(existsSync(registry.out)).toBe(false);
    // `--check` refuses too, and the CLI exits 2.
    await expect(generate({ input: registry.input, out: registry.out, check: true })).rejects.toBeInstanceOf(OutputPathError);
    const stderr = captureStderr();
    try {
      expect(await runGenerate({ input: registry.input, out: registry.out, runtimeImport: '../runtime/index.js', runtimeClasses: true })).toBe(2);
    } finally {
      stderr.restore();
    }
    expect(stderr.text()).toContain('refusing to write "avro/../../../x/1.avsc"');
  });

  it('a symlinked folder inside --out that points elsewhere is not written through', async () => {
    const registry = await writeRegistry({ 'asyncapi.yaml': asyncapiYaml(), 'schemas/thing/1.json': thingSchema({ name: { type: 'string' } }, { required: ['name'] }) });
    const elsewhere = await mkdtemp(path.join(tmpdir(), 'event-bus-elsewhere-'));
    await mkdir(registry.out, { recursive: true });
    symlinkSync(elsewhere, path.join(registry.out, 'validators'));
    await expect(generate({ input: registry.input, out: registry.out, avro: false })).rejects.toBeInstanceOf(OutputPathError);
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('the registry itself still generates (the guard and the path checks pass good input)', async () => {
    const registry = await writeRegistry({ 'asyncapi.yaml': asyncapiYaml({ eventType: 'thing.happened', pubsubSchema: true }), 'schemas/thing/1.json': thingSchema({ name: { type: 'string' } }, { required: ['name'] }) });
    const result = await generate({ input: registry.input, out: registry.out });
    expect(result.files).toContain('avro/thing.happened/1.avsc');
    expect(await readFile(path.join(registry.out, 'avro/thing.happened/1.avsc'), 'utf8')).toContain('"name"');
  });
});
