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

  /** The commit `ref` named when the source was opened: every later read uses it. */
  readonly commit: string;

  constructor(
    private readonly root: string,
    readonly ref: string,
  ) {
    assertGitRef(ref);
    // Options end before the ref: `--upload-pack=…` or `-c…` can only ever be read as a revision.
    this.commit = git(root, ['rev-parse', '--verify', '--end-of-options', `${ref}^{commit}`]).trim();
    if (!/^[0-9a-f]{40,64}$/.test(this.commit)) {
      throw new CompatInputError('COMPAT_GIT_FAILED', root, `${JSON.stringify(ref)} names no commit`);
    }
    const listing = git(root, ['ls-tree', '-r', '--name-only', '--end-of-options', this.commit, '--', '.']);
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
      text = this.has(path) ? git(this.root, ['show', '--end-of-options', `${this.commit}:./${rel}`]) : null;
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

/**
 * A revision as `check --base` accepts it: a branch, tag, commit or `HEAD~2`-style expression.
 * Never an option (leading '-'), never a `rev:path` (':'), no whitespace or control characters.
 */
export const GIT_REF = /^(?!-)[A-Za-z0-9._/@{}~^+-]{1,256}$/;

export function assertGitRef(ref: string): void {
  if (!GIT_REF.test(ref) || ref.includes('..') || ref.includes('@{-')) {
    throw new CompatInputError(
      'COMPAT_USAGE',
      JSON.stringify(ref),
      'not a git revision --base accepts (a branch, tag or commit such as origin/main or HEAD~1; no leading "-", ":", ".." or spaces)',
    );
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
