/** Helpers for the generator tests: generate a fixture registry in place, run tsc. */
import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { generate, type GenerateOptions, type GenerateResult } from '../../generator/index.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures');

/** Runtime import from test/fixtures/<name>/<dir>/ to the repository's runtime. */
export const FIXTURE_RUNTIME_IMPORT = '../../../../runtime/index.js';

/**
 * Generates fixture `name` into test/fixtures/<name>/out (inside the repository, so that
 * node_modules resolves for tsc and at import time; ignored by git and by the root tsconfig).
 */
export async function generateFixture(
  name: string,
  options: Omit<GenerateOptions, 'input' | 'out'> = {},
): Promise<{ out: string; result: GenerateResult }> {
  const out = path.join(FIXTURES, name, 'out');
  await rm(out, { recursive: true, force: true });
  const result = await generate({
    input: path.join(FIXTURES, name, 'asyncapi.yaml'),
    out,
    runtimeImport: FIXTURE_RUNTIME_IMPORT,
    ...options,
  });
  return { out, result };
}

const execFileAsync = promisify(execFile);

export interface TscResult {
  exitCode: number;
  output: string;
}

/** Runs `tsc --noEmit -p <project>` from the repository root. */
export async function runTsc(project: string): Promise<TscResult> {
  try {
    const { stdout, stderr } = await execFileAsync(path.join(REPO_ROOT, 'node_modules', '.bin', 'tsc'), ['--noEmit', '-p', project], {
      cwd: REPO_ROOT,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { exitCode: 0, output: stdout + stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { exitCode: typeof failure.code === 'number' ? failure.code : 1, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` };
  }
}

/** Writes a tsconfig in `dir` that type-checks `include` with the project's compiler options. */
export async function writeTsconfig(dir: string, include: string[]): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'tsconfig.json');
  const base = path.relative(dir, path.join(REPO_ROOT, 'tsconfig.json')).split(path.sep).join('/');
  await writeFile(file, JSON.stringify({ extends: base, compilerOptions: { noEmit: true }, include, exclude: [] }, null, 2));
  return file;
}
