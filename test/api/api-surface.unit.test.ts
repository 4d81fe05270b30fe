/**
 * The public surface, checked without the type checker (the full report, with the package root,
 * is checked by api-report.tools.test.ts): the './runtime', './store' and './dlq' entry points
 * export named names only, exactly the ones docs/api-report.md lists; generated code imports the
 * runtime only through its public entry point.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
const repoRoot = join(import.meta.dirname, '../..');

const EXPLICIT_ENTRIES: Record<string, string> = { './runtime': 'runtime/index.ts', './store': 'store.ts', './dlq': 'dlq.ts' };

function source(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(join(repoRoot, file), 'utf8'), ts.ScriptTarget.ES2022, true);
}

/** Names a file exports by `export { … } from` / `export type { … } from`; throws on `export *`. */
function namedExports(file: string): string[] {
  const names: string[] = [];
  for (const statement of source(file).statements) {
    if (!ts.isExportDeclaration(statement)) continue;
    const clause = statement.exportClause;
    if (!clause || !ts.isNamedExports(clause)) throw new Error(`${file}: export * is not allowed in an entry point`);
    const allTypes = statement.isTypeOnly;
    for (const element of clause.elements) names.push(`${allTypes || element.isTypeOnly ? 'type ' : ''}${element.name.text}`);
  }
  return names;
}

/** The names docs/api-report.md lists under an entry point, as `name` or `type name`. */
function reportedNames(entry: string): string[] {
  const report = readFileSync(join(repoRoot, 'docs/api-report.md'), 'utf8');
  const section = report.split('\n## ').find((part) => part.startsWith(`\`${entry}\` `));
  if (!section) throw new Error(`docs/api-report.md has no section for ${entry}`);
  return section
    .split('\n')
    .filter((line) => line.startsWith('- '))
    .map((line) => line.slice(2));
}

describe('the public API', () => {
  for (const [entry, file] of Object.entries(EXPLICIT_ENTRIES)) {
    it(`${entry} (${file}) exports named names only, exactly those of the API report`, () => {
      const names = namedExports(file);
      expect(new Set(names).size).toBe(names.length);
      // The report says `type` for a name that is only a type; a value exported as a type would differ.
      expect([...names].sort()).toEqual([...reportedNames(entry)].sort());
    });
  }

  it('the runtime exports far fewer names than the 239 of export * (internals stay internal)', () => {
    const names = namedExports('runtime/index.ts');
    expect(names.length).toBeLessThan(150);
    for (const internal of ['streamLockKey', 'checksumOf', 'createPgPool', 'canonicalJson', 'RECONSTRUCT_PAGE_SIZE', 'sharedInProcess']) {
      expect(names.map((name) => name.replace('type ', ''))).not.toContain(internal);
    }
  });

  it('the root re-exports only the generated SDK and the runtime entry point by export *', () => {
    const stars = source('index.ts')
      .statements.filter(ts.isExportDeclaration)
      .filter((statement) => !statement.exportClause)
      .map((statement) => (statement.moduleSpecifier as ts.StringLiteral).text);
    expect(stars.sort()).toEqual(['./generated/index.js', './runtime/index.js']);
  });

  it('generated code imports the runtime only through its public entry point', () => {
    const dirs = ['generated', 'test/fixtures/golden/expected'];
    const runtimeImports = dirs.flatMap((dir) =>
      readdirSync(join(repoRoot, dir))
        .filter((file) => file.endsWith('.ts'))
        .flatMap((file) =>
          source(join(dir, file))
            .statements.filter(ts.isImportDeclaration)
            .map((statement) => (statement.moduleSpecifier as ts.StringLiteral).text)
            .filter((specifier) => specifier.includes('runtime'))
            .map((specifier) => relative(repoRoot, resolve(repoRoot, dir, specifier))),
        ),
    );
    expect(runtimeImports.length).toBeGreaterThan(6);
    expect(new Set(runtimeImports)).toEqual(new Set(['runtime/index.js']));
  });
});
