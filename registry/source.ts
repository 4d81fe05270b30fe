/**
 * Where registry files come from. The loader only ever asks a source for the text of a file by
 * absolute path, so the same registry reads from disk, from memory (tests, synthetic registries)
 * or from a git ref (the compatibility check's `--base`).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface RegistrySource {
  /** Text of the file at an absolute path; throws when it cannot be read. */
  readText(absolutePath: string): string;
}

/** The file system. */
export class DiskSource implements RegistrySource {
  readText(absolutePath: string): string {
    return readFileSync(absolutePath, 'utf8');
  }
}

/** Files held in memory, keyed by path (resolved against the working directory). */
export class MemorySource implements RegistrySource {
  private readonly files = new Map<string, string>();

  constructor(files: Record<string, string> = {}) {
    for (const [file, text] of Object.entries(files)) this.set(file, text);
  }

  set(file: string, text: string): this {
    this.files.set(path.resolve(file), text);
    return this;
  }

  readText(absolutePath: string): string {
    const text = this.files.get(path.resolve(absolutePath));
    if (text === undefined) throw Object.assign(new Error(`ENOENT: no such file '${absolutePath}'`), { code: 'ENOENT' });
    return text;
  }
}
