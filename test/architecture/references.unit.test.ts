/**
 * Every reference in code and docs points inside the repository: no FACTS.md outside it (the
 * facts the code relies on are docs/emulator-facts.md), and every `docs/….md` path named exists.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const SCANNED = ['runtime', 'ops', 'cli', 'compat', 'generator', 'docs', 'test', 'bench', '.ci'];

function files(): string[] {
  const found = ['README.md', 'index.ts', 'store.ts', 'dlq.ts'];
  for (const dir of SCANNED) {
    if (!existsSync(join(root, dir))) continue;
    for (const file of readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })) {
      if (/\.(ts|md)$|(^|\/)run$/.test(file) && !file.includes('fixtures/')) found.push(join(dir, file));
    }
  }
  return found;
}

describe('references', () => {
  const all = files().map((file) => ({ file, text: readFileSync(join(root, file), 'utf8') }));

  it('no file cites a FACTS.md outside the repository', () => {
    const citing = all.filter(({ text }) => /(?<![\w-])FACTS\.md/.test(text.replaceAll('emulator-facts.md', ''))).map(({ file }) => file);
    expect(citing.filter((file) => file !== 'test/architecture/references.unit.test.ts')).toEqual([]);
  });

  it('every docs/….md path named in code and docs exists', () => {
    const missing = all.flatMap(({ file, text }) =>
      [...text.matchAll(/\bdocs\/[\w./-]+?\.md\b/g)]
        .map((match) => match[0])
        .filter((path) => !existsSync(join(root, path)))
        .map((path) => `${file}: ${path}`),
    );
    expect(missing).toEqual([]);
  });

  it('"the spec" is defined inside the repository', () => {
    expect(existsSync(join(root, 'docs/spec.md'))).toBe(true);
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain('docs/spec.md');
  });
});
