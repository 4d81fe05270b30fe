/** Where registry files come from: the working tree, or a git ref (for `check --base`). */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { CompatInputError } from './errors.js';
import type { TextSource } from './diff/resolver.js';

export class DiskSource implements TextSource {
  constructor(private readonly display: (path: string) => string = (path) => path) {}

  readText(absolutePath: string): string {
    try {
      return readFileSync(absolutePath, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reason =
        code === 'ENOENT'
          ? 'no such file'
          : code === 'EISDIR'
            ? 'is a directory, not a file'
            : `cannot read (${code ?? String(error)})`;
      throw new CompatInputError('COMPAT_FILE_MISSING', this.display(absolutePath), reason, { cause: error });
    }
  }
}

/**
 * The files under `root` as they were at a git ref. Paths are the same absolute paths as in the
 * working tree, so a registry loaded from either compares file by file.
 */
export class GitSource implements TextSource {
  private readonly files = new Map<string, string | null>();
  readonly paths: string[];

  constructor(
    private readonly root: string,
    readonly ref: string,
  ) {
    const listing = git(root, ['ls-tree', '-r', '--name-only', ref, '--', '.']);
    this.paths = listing
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => resolve(root, line));
  }

  has(absolutePath: string): boolean {
    return this.paths.includes(resolve(absolutePath));
  }

  readText(absolutePath: string): string {
    const path = resolve(absolutePath);
    let text = this.files.get(path);
    if (text === undefined) {
      const rel = relative(this.root, path).split('\\').join('/');
      text = this.has(path) ? git(this.root, ['show', `${this.ref}:./${rel}`]) : null;
      this.files.set(path, text);
    }
    if (text === null) {
      throw new CompatInputError(
        'COMPAT_FILE_MISSING',
        `${this.ref}:${relative(this.root, path)}`,
        'no such file at this ref',
      );
    }
    return text;
  }
}

function git(cwd: string, args: string[]): string {
  try {
    return execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    throw new CompatInputError('COMPAT_GIT_FAILED', cwd, `git ${args.join(' ')} failed: ${stderr || String(error)}`, {
      cause: error,
    });
  }
}

/** Files held in memory (tests, benchmarks, synthetic registries). */
export class MemorySource implements TextSource {
  private readonly files = new Map<string, string>();

  constructor(files: Record<string, string> = {}) {
    for (const [path, text] of Object.entries(files)) this.files.set(resolve(path), text);
  }

  set(path: string, text: string): void {
    this.files.set(resolve(path), text);
  }

  readText(absolutePath: string): string {
    const text = this.files.get(resolve(absolutePath));
    if (text === undefined) throw new CompatInputError('COMPAT_FILE_MISSING', absolutePath, 'no such file');
    return text;
  }
}
