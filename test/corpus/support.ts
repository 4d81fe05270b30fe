/**
 * Shared by the corpus tests: where the public corpora are (`../shared/corpus/` relative to the
 * repository root, never copied into the project), where generated SDKs go, and one `tsc` run
 * over all of them (one process for every document: tsc's start-up is most of its cost).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../support/registry-catalog.js';

export const CORPUS_DIR = path.resolve(repoRoot, '..', 'shared', 'corpus');
export const OUT_DIR = path.join(repoRoot, 'test', 'corpus', '.generated');

/** True when the corpus folder exists; otherwise prints the line saying the tests are skipped. */
export function corpusAvailable(folder: string): boolean {
  const dir = path.join(CORPUS_DIR, folder);
  if (existsSync(dir)) return true;
  console.log(`corpus tests skipped: ${dir} is absent (see /work/shared/corpus/SOURCES.md)`);
  return false;
}

/** A fresh output folder for one test file. */
export async function freshOutDir(name: string): Promise<string> {
  const dir = path.join(OUT_DIR, name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  return dir;
}

/** Writes `files` (relative path → text) under `dir`. */
export async function writeFiles(dir: string, files: ReadonlyMap<string, string>): Promise<void> {
  for (const [file, text] of files) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
}

/** The runtime import a generated SDK under `sdkDir` uses to reach this repository's runtime. */
export function runtimeImportFrom(sdkDir: string): string {
  return path.relative(sdkDir, path.join(repoRoot, 'runtime', 'index.js')).split(path.sep).join('/');
}

export interface TscError {
  file: string;
  line: number;
  message: string;
}

/**
 * `tsc --strict --noEmit` once over every .ts file under `dir` (the project's compiler options);
 * returns the errors by file (absolute path).
 */
export async function typecheck(dir: string): Promise<TscError[]> {
  const config = {
    extends: path.relative(dir, path.join(repoRoot, 'tsconfig.json')).split(path.sep).join('/'),
    compilerOptions: { noEmit: true, strict: true, rootDir: path.relative(dir, repoRoot).split(path.sep).join('/') },
    include: ['./**/*.ts'],
    exclude: [],
  };
  await writeFile(path.join(dir, 'tsconfig.json'), JSON.stringify(config, null, 2));
  const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const output = await promisify(execFile)(process.execPath, [tsc, '-p', path.join(dir, 'tsconfig.json'), '--pretty', 'false'], {
    cwd: dir,
    maxBuffer: 64 * 1024 * 1024,
  }).then(
    ({ stdout }) => stdout,
    (error: { stdout?: string }) => error.stdout ?? String(error),
  );
  const errors: TscError[] = [];
  for (const line of output.split('\n')) {
    const match = /^(.+?)\((\d+),\d+\): error (.*)$/.exec(line.trim());
    if (match) errors.push({ file: path.resolve(dir, match[1]!), line: Number(match[2]), message: match[3]! });
  }
  if (errors.length === 0 && /error TS/.test(output)) errors.push({ file: dir, line: 0, message: output.slice(0, 2000) });
  return errors;
}
