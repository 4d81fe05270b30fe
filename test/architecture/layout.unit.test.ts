/**
 * The folder layout is the architecture (docs/decisions/0002): runtime/ is what services run and
 * never imports operator tooling (ops/), the CLI (cli/), the generator or generated code.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

function sourcesUnder(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => join(dir, file));
}

/** Every relative module specifier in a file, resolved to a repository path. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.[^'"]+)['"]/g)].map((match) => match[1]!);
  return specifiers.map((specifier) => relative(root, resolve(join(root, file, '..'), specifier)));
}

describe('layout', () => {
  it('runtime/ imports nothing from ops/, cli/, generator/, compat/ or generated/', () => {
    const files = sourcesUnder('runtime');
    expect(files.length).toBeGreaterThan(50);
    const offending = files.flatMap((file) =>
      importsOf(file)
        .filter((target) => /^(ops|cli|generator|compat|generated)\//.test(target))
        .map((target) => `${file} -> ${target}`),
    );
    expect(offending).toEqual([]);
  });

  it('runtime/ holds no provisioning, schema sync or dead-letter operator tooling', () => {
    const files = sourcesUnder('runtime');
    expect(files.filter((file) => /(^|\/)infra\/|parked-messages\.ts$|schema-sync|provision/.test(file))).toEqual([]);
  });

  it('ops/ is used by cli/ (the verbs infra, schemas, dlq)', () => {
    const users = sourcesUnder('cli').filter((file) => importsOf(file).some((target) => target.startsWith('ops/')));
    expect(users.length).toBeGreaterThanOrEqual(3);
  });
});
