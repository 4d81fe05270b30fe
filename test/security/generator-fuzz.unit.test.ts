/**
 * Issue 11, property-based fuzzing of the generator (fast-check): hostile strings in every
 * schema position. Two levels:
 * - the code builder, thousands of cases: a literal always parses as one string literal holding
 *   exactly the text, a doc comment never ends early, keys and property accesses keep their text,
 *   and no output carries a hidden character after escaping;
 * - the whole pipeline (guard → model → ajv → render → format), fewer cases because each compiles
 *   and formats a registry: it either generates or refuses with a GeneratorError, never crashes;
 *   what it generates parses as TypeScript, stays text, names no identifier from schema text, and
 *   its validator accepts the hostile example (nothing good is lost).
 */
import path from 'node:path';
import fc from 'fast-check';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { GeneratorError, guardRegistry, isRegistryGuardError, renderRegistry } from '../../generator/index.js';
import { loadRegistry } from '../../registry/index.js';
import { access, docComment, literal, typeKey, valueKey } from '../../generator/code.js';
import { escapeControlCharacters, hasControlCharacters } from '../../generator/guard/index.js';
import { isEventBusError } from '../../runtime/errors.js';
import { IMPORTABLE_BASE, asyncapiYaml, thingSchema, writeRegistry } from './support.js';

/** Strings that try to escape literals and comments, plus random text of every kind. */
const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '*/ globalThis.pwned = 1; /*', '`${globalThis.pwned = 1}`', "'; globalThis.pwned = 1; '", '"); globalThis.pwned=1;//',
      '</script>', '\u0000', '\u001b[2J', '\u202eevil\u202c', '\u2028', '\u2029', '\ufeff', '\ud800', '\udfff', '\\', '\\u0000',
      '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'class', 'default', 'await', 'enum', 'eval',
      '${', '}}', '{{', '{{{x}}}', '#', '%', '\r\n', '\n\n */\n', '/*', '//', '@ts-ignore', '// @ts-nocheck',
    ),
  },
);

function parseDiagnostics(source: string): readonly ts.Diagnostic[] {
  const file = ts.createSourceFile('x.ts', source, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  return (file as unknown as { parseDiagnostics: readonly ts.Diagnostic[] }).parseDiagnostics;
}

describe('fuzzing the code builder (fast-check)', () => {
  it('literals, keys, property access and doc comments keep any text exactly and stay text (4 × 1,000 cases)', () => {
    fc.assert(
      fc.property(hostileString, (text) => {
        const source = escapeControlCharacters(`const x = ${literal(text).toString()};`);
        expect(hasControlCharacters(source)).toBe(false);
        const file = ts.createSourceFile('x.ts', source, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
        const statement = file.statements[0] as ts.VariableStatement;
        expect(file.statements).toHaveLength(1);
        const initializer = statement.declarationList.declarations[0]!.initializer!;
        expect(ts.isStringLiteral(initializer)).toBe(true);
        expect((initializer as ts.StringLiteral).text).toBe(text);
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(hostileString, (text) => {
        const source = escapeControlCharacters(`${docComment([text, 'second line']).toString()}export const x = 1;`);
        expect(hasControlCharacters(source)).toBe(false);
        expect(parseDiagnostics(source)).toEqual([]);
        const file = ts.createSourceFile('x.ts', source, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
        // The comment cannot close early: the only statement is the declaration after it.
        expect(file.statements).toHaveLength(1);
        expect(file.statements[0]!.getText(file)).toBe('export const x = 1;');
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(hostileString, (key) => {
        const typeSource = escapeControlCharacters(`type T = { ${typeKey(key).toString()}: 1 };`);
        expect(parseDiagnostics(typeSource)).toEqual([]);
        const type = ((ts.createSourceFile('x.ts', typeSource, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS).statements[0] as ts.TypeAliasDeclaration).type as ts.TypeLiteralNode).members[0]!;
        const name = type.name!;
        expect(ts.isIdentifier(name) ? name.text : (name as ts.StringLiteral).text).toBe(key);
        // Values: `__proto__` stays an own key; evaluating the literal yields exactly { [key]: 1 }.
        const value = new Function(`return { ${valueKey(key).toString()}: 1 }`)() as Record<string, unknown>;
        expect(Object.keys(value)).toEqual([key]);
        expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(hostileString, (key) => {
        const read = new Function('object', `return object${access(key).toString()};`) as (object: unknown) => unknown;
        expect(read({ [key]: 'found' })).toBe('found');
      }),
      { numRuns: 1000 },
    );
  });
});

interface PipelineCase {
  title: string;
  description: string;
  propertyName: string;
  enumValue: string;
  constValue: string;
  defaultValue: string;
  summary: string;
  aggregateType: string;
  infoTitle: string;
  comment: string;
}

const pipelineCase = fc.record<PipelineCase>({
  title: hostileString,
  description: hostileString,
  propertyName: hostileString.filter((name) => name.length > 0),
  enumValue: hostileString,
  constValue: hostileString,
  defaultValue: hostileString,
  summary: hostileString,
  aggregateType: hostileString.filter((name) => name.length > 0),
  infoTitle: hostileString,
  comment: hostileString,
});

/** Each case parses, compiles and formats a registry (~0.3–0.6 s here): few runs per `npm test`, more with FUZZ_RUNS. */
const PIPELINE_RUNS = Number(process.env.FUZZ_RUNS ?? 10);

describe('fuzzing the whole generator (fast-check)', () => {
  it('hostile strings in every schema position: generated or refused with a GeneratorError; output parses, stays text, runs no schema text, validates the hostile example', async () => {
    delete (globalThis as { pwned?: unknown }).pwned;
    let generated = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(pipelineCase, async (hostile) => {
        const example = { [hostile.propertyName]: hostile.enumValue, fixed: hostile.constValue, free: hostile.defaultValue };
        const schema = thingSchema(
          {
            [hostile.propertyName]: { type: 'string', title: hostile.title, description: hostile.description, enum: [hostile.enumValue, 'plain'], $comment: hostile.comment },
            fixed: { type: 'string', const: hostile.constValue, description: hostile.description },
            free: { type: 'string', default: hostile.defaultValue, examples: [hostile.defaultValue] },
          },
          { title: hostile.title, description: hostile.description, examples: [example] },
        );
        const yaml = asyncapiYaml({ eventType: 'thing.happened' })
          .replace('  title: Hostile', `  title: ${JSON.stringify(hostile.infoTitle)}`)
          .replace('    x-aggregate-type: thing', `    x-aggregate-type: ${JSON.stringify(hostile.aggregateType)}\n    summary: ${JSON.stringify(hostile.summary)}`);
        const registry = await writeRegistry({ 'asyncapi.yaml': yaml, 'schemas/thing/1.json': schema }, IMPORTABLE_BASE);
        let files: Map<string, string>;
        try {
          guardRegistry(registry.input);
          // The AsyncAPI parser (a second per document) is skipped: the model reads the document as written.
          const loaded = await loadRegistry({ file: registry.input, validate: false });
          files = await renderRegistry({ registry: loaded, avro: false, runtimeImport: '../../../../../runtime/index.js' });
        } catch (error) {
          // A refusal is fine when it is typed and says where; anything else is a crash.
          expect(error instanceof GeneratorError || isEventBusError(error) || isRegistryGuardError(error), String(error)).toBe(true);
          refused += 1;
          return;
        }
        generated += 1;
        for (const [file, source] of files) {
          expect(hasControlCharacters(source), file).toBe(false);
          if (!file.endsWith('.ts')) continue;
          expect(parseDiagnostics(source), file).toEqual([]);
        }
        const validator = files.get('validators/thing.happened.v1.ts')!;
        const { writeFile, mkdir } = await import('node:fs/promises');
        await mkdir(path.join(registry.out, 'validators'), { recursive: true });
        await writeFile(path.join(registry.out, 'validators', 'thing.happened.v1.ts'), validator);
        const { validate } = (await import(path.join(registry.out, 'validators', 'thing.happened.v1.ts'))) as { validate: (data: unknown) => boolean };
        expect(validate(example), 'the hostile example is still valid').toBe(true);
        expect(validate({ ...example, fixed: `${hostile.constValue}x` })).toBe(false);
        expect((globalThis as { pwned?: unknown }).pwned).toBeUndefined();
      }),
      { numRuns: PIPELINE_RUNS },
    );
    console.info(`generator fuzz: ${generated} generated, ${refused} refused with a typed error`);
    expect(generated + refused).toBe(PIPELINE_RUNS);
    expect(generated).toBeGreaterThan(0);
  }, 120_000);
});
