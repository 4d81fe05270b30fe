/**
 * Issue 11: generated files stay text (a NUL in a description made git treat types.ts as binary),
 * and `check --base` never hands git an option.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '../../generator/index.js';
import { escapeControlCharacters, hasControlCharacters } from '../../generator/guard/index.js';
import { runCheck } from '../../cli/commands/check.js';
import { GitSource, assertGitRef } from '../../compat/sources.js';
import { asyncapiYaml, thingSchema, writeRegistry } from './support.js';

const HIDDEN_TEXT = 'NUL\u0000 ESC\u001b[31m DEL\u007f C1\u0085 RLO\u202eevil\u202c BOM\ufeff ZWSP\u200b';

describe('generated files stay text', () => {
  it('escapes control and bidi characters from schema text; git diff shows lines, not "Binary files differ"', async () => {
    const registry = await writeRegistry({
      'asyncapi.yaml': asyncapiYaml().replace('    x-aggregate-type: thing', `    x-aggregate-type: thing\n    summary: ${JSON.stringify(HIDDEN_TEXT)}`),
      'schemas/thing/1.json': thingSchema(
        { name: { type: 'string', description: HIDDEN_TEXT, enum: [HIDDEN_TEXT, 'plain'] } },
        { description: HIDDEN_TEXT, required: ['name'] },
      ),
    });
    const result = await generate({ input: registry.input, out: registry.out, avro: true });
    expect(result.files).toContain('types.ts');
    for (const file of result.files) {
      const text = readFileSync(path.join(registry.out, file), 'utf8');
      expect(hasControlCharacters(text), file).toBe(false);
      expect(text.includes('\u0000'), file).toBe(false);
    }
    const types = readFileSync(path.join(registry.out, 'types.ts'), 'utf8');
    expect(types).toContain('NUL\\u0000 ESC\\u001b[31m DEL\\u007f C1\\u0085 RLO\\u202eevil\\u202c');
    // git's own verdict: numstat prints "-\t-" for binary files.
    let output = '';
    try {
      execFileSync('git', ['diff', '--no-index', '--numstat', '/dev/null', path.join(registry.out, 'types.ts')], { encoding: 'utf8' });
    } catch (error) {
      output = String((error as { stdout?: unknown }).stdout ?? ''); // exit 1: the files differ
    }
    expect(output).toMatch(/^\d+\t\d+\t/);
  });

  it('keeps the value of escaped characters in string literals (the enum still matches the raw text)', async () => {
    expect(escapeControlCharacters('"a\u202eb"')).toBe('"a\\u202eb"');
    expect(JSON.parse(escapeControlCharacters(JSON.stringify(HIDDEN_TEXT)))).toBe(HIDDEN_TEXT);
    expect(escapeControlCharacters('tab\tand\nnewline é — ü')).toBe('tab\tand\nnewline é — ü');
  });
});

describe('check --base: git refs are validated and never read as options', () => {
  const hostileRefs = ['--upload-pack=touch /tmp/pwned', '-c', '--output=/tmp/x', 'HEAD:asyncapi.yaml', 'main..evil', 'a b', 'x\u0000y', ''];

  it('refuses option-like and malformed refs before git runs (exit 2)', async () => {
    const registry = await writeRegistry({ 'asyncapi.yaml': asyncapiYaml(), 'schemas/thing/1.json': thingSchema() });
    for (const ref of hostileRefs) {
      expect(() => assertGitRef(ref), JSON.stringify(ref)).toThrow(/not a git revision --base accepts/);
      const err: string[] = [];
      const exit = await runCheck(
        { root: registry.root, format: 'text', generated: false, base: ref },
        { stdout: () => undefined, stderr: (text) => void err.push(text) },
      );
      expect(exit, JSON.stringify(ref)).toBe(2);
      expect(err.join('')).toContain('not a git revision --base accepts');
    }
    expect(existsSync(path.join(tmpdir(), 'pwned'))).toBe(false);
  }, 60_000);

  it('accepts ordinary revisions and reads the tree of the commit they name', async () => {
    const registry = await writeRegistry({ 'asyncapi.yaml': asyncapiYaml(), 'schemas/thing/1.json': thingSchema() });
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: registry.root, encoding: 'utf8' });
    git('init', '-q');
    git('add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.test', 'commit', '-qm', 'base');
    for (const ref of ['HEAD', 'HEAD~0', 'HEAD^{commit}', git('rev-parse', 'HEAD').trim()]) {
      const source = new GitSource(registry.root, ref);
      expect(source.commit).toBe(git('rev-parse', 'HEAD').trim());
      expect(readdirSync(registry.root)).toContain('asyncapi.yaml');
      expect(source.readText(path.join(registry.root, 'asyncapi.yaml'))).toContain('thing.happened');
    }
  });
});
