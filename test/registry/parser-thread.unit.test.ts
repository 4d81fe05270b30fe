/**
 * Decision 0165: for a registry on disk @asyncapi/parser runs in a worker thread. Its findings
 * are those of the parser in this thread (the same document read through a non-disk source);
 * when the worker dies with a parse pending, the parse is redone here and gives the same
 * findings; and a process that generated exits on its own (the idle worker holds nothing open).
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiskSource, MemorySource } from '../../registry/source.js';
import { stopParserThread, validateAsyncApi } from '../../registry/validate.js';
import { REPO_ROOT } from '../generator/support.js';

let work: string;
let file: string;
let text: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'parser-thread-'));
  await mkdir(path.join(work, 'schemas'), { recursive: true });
  // Findings in the document (no info.version, an unknown operation action) and in a $ref'd file.
  text = [
    'asyncapi: 3.0.0',
    'info:',
    '  title: Broken',
    'channels:',
    '  a:',
    '    address: thing.added',
    '    messages:',
    '      thingAdded:',
    "        payload: { $ref: './schemas/a.json' }",
    'operations:',
    '  sendA:',
    '    action: shout',
    "    channel: { $ref: '#/channels/a' }",
    '',
  ].join('\n');
  file = path.join(work, 'asyncapi.yaml');
  await writeFile(file, text);
  await writeFile(path.join(work, 'schemas', 'a.json'), JSON.stringify({ type: 'object', properties: { n: { type: 'nonsense' } } }));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** The same files, read through a source the worker cannot use: the parser runs in this thread. */
async function inThisThread(): Promise<MemorySource> {
  return new MemorySource({ [file]: text, [path.join(work, 'schemas', 'a.json')]: await readFile(path.join(work, 'schemas', 'a.json'), 'utf8') });
}

describe("the parser's worker thread", () => {
  it('finds what the parser finds in this thread: same files, lines, pointers, codes and messages', async () => {
    const here = await validateAsyncApi(file, text, await inThisThread());
    const there = await validateAsyncApi(file, text, new DiskSource());
    expect(here.length).toBeGreaterThan(1);
    expect(there).toEqual(here);
  });

  it('dies with a parse pending: the parse is redone in this thread, same findings, and the next parse starts a new worker', async () => {
    const expected = await validateAsyncApi(file, text, await inThisThread());
    const pending = validateAsyncApi(file, text, new DiskSource());
    expect(await stopParserThread()).toBe(true);
    expect(await pending).toEqual(expected);
    expect(await validateAsyncApi(file, text, new DiskSource())).toEqual(expected);
    // That parse ran in a new worker.
    expect(await stopParserThread()).toBe(true);
  });

  it('a process that generates exits on its own, code 0', async () => {
    const out = path.join(work, 'out');
    const script = [
      `import { generate } from ${JSON.stringify(pathToFileURL(path.join(REPO_ROOT, 'generator', 'index.ts')).href)};`,
      `const result = await generate({ input: ${JSON.stringify(path.join(REPO_ROOT, 'test', 'fixtures', 'golden', 'asyncapi.yaml'))}, out: ${JSON.stringify(out)} });`,
      'console.log(result.files.length);',
    ].join('\n');
    const tsx = pathToFileURL(path.join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
    const child = spawn(process.execPath, ['--import', tsx, '--input-type=module', '-e', script], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
      child.on('exit', (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    expect({ code, output }).toEqual({ code: 0, output: expect.stringMatching(/^\d+\n$/) });
  }, 120_000);
});
