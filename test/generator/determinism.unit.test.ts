/**
 * Same input → same bytes; `generate --check` is 0 on the committed generated/ and 1 (listing
 * the stale files) after a schema edit; writing removes files that are no longer generated.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { generate, renderRegistry } from '../../generator/index.js';
import { GENERATED_HEADER } from '../../generator/render.js';
import { run } from '../../cli/commands/generate.js';
import { REPO_ROOT } from './support.js';

const execFileAsync = promisify(execFile);

async function captureStdout(action: () => Promise<number>): Promise<{ code: number; stdout: string }> {
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => (chunks.push(String(chunk)), true)) as typeof process.stdout.write;
  try {
    return { code: await action(), stdout: chunks.join('') };
  } finally {
    process.stdout.write = write;
  }
}

async function copyRegistry(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'event-bus-generate-'));
  for (const entry of ['asyncapi.yaml', 'schemas', 'generated']) await cp(path.join(REPO_ROOT, entry), path.join(dir, entry), { recursive: true });
  return dir;
}

describe('determinism and --check', () => {
  it('renders byte-identical output twice', async () => {
    const input = path.join(REPO_ROOT, 'asyncapi.yaml');
    const first = await renderRegistry({ input });
    const second = await renderRegistry({ input });
    expect([...second.entries()]).toEqual([...first.entries()]);
    for (const [file, source] of first) {
      // Avro definitions are JSON and cannot carry the header comment.
      if (file.endsWith('.ts')) expect(source.startsWith(GENERATED_HEADER)).toBe(true);
      expect(source).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z.*generated/i);
    }
  }, 60_000);

  it('the committed generated/ is up to date: `event-bus generate --check` exits 0', async () => {
    const { stdout } = await execFileAsync(path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), ['cli/bin.ts', 'generate', '--check'], {
      cwd: REPO_ROOT,
    });
    expect(stdout).toMatch(/^generated: up to date \(\d+ files\)\n$/);
  }, 60_000);

  it('after a schema edit --check exits 1 listing the stale files; generate fixes it and removes extra files', async () => {
    const dir = await copyRegistry();
    const input = path.join(dir, 'asyncapi.yaml');
    const out = path.join(dir, 'generated');
    const flags = { input, out, runtimeImport: '../runtime/index.js', runtimeClasses: true, check: true };
    expect((await captureStdout(() => run(flags))).code).toBe(0);

    const schemaFile = path.join(dir, 'schemas', 'user.created', '2.json');
    const schema = JSON.parse(await readFile(schemaFile, 'utf8')) as { description: string };
    schema.description += ' Edited.';
    await writeFile(schemaFile, JSON.stringify(schema, null, 2));
    await writeFile(path.join(out, 'leftover.ts'), `${GENERATED_HEADER}\nexport {};\n`);
    await writeFile(path.join(out, 'users-own-file.ts'), 'export const mine = 1;\n');

    const stale = await captureStdout(() => run(flags));
    expect(stale.code).toBe(1);
    expect(stale.stdout).toBe(
      [
        // The wire document carries the v2 Avro schema, whose doc the description became.
        `${out}/asyncapi.wire.yaml: stale`,
        `${out}/avro/user.created/2.avsc: stale`,
        `${out}/catalog.ts: stale`,
        `${out}/leftover.ts: stale`,
        `${out}/types.ts: stale`,
        `${out}/validators/user.created.v2.ts: stale`,
        '6 stale file(s); run `event-bus generate`',
        '',
      ].join('\n'),
    );

    const written = await generate({ input, out });
    expect(written.written).toEqual(['asyncapi.wire.yaml', 'avro/user.created/2.avsc', 'catalog.ts', 'types.ts', 'validators/user.created.v2.ts']);
    expect(written.stale).toEqual(['leftover.ts']);
    expect((await generate({ input, out, check: true })).stale).toEqual([]);
    // Files without the generated header belong to the user and stay.
    expect(await readFile(path.join(out, 'users-own-file.ts'), 'utf8')).toBe('export const mine = 1;\n');
  }, 60_000);
});
