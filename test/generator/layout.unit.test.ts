/**
 * The layout the generator writes (decision 0130): the printer keeps a group on one line exactly
 * when it fits in 120 columns, and the generated SDK files are what prettier would make of them
 * (prettier is the oracle here, a dev dependency of the tests only: generation does not run it).
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { renderRegistry } from '../../generator/index.js';
import { group, hardline, ifBreak, indent, line, printDoc, softline, textWidth } from '../../generator/layout.js';
import { placeDocs } from '../../generator/render.js';
import { FIXTURES, FIXTURE_RUNTIME_IMPORT, REPO_ROOT } from './support.js';

/** The options decision 0021 fixed for the SDK files (they were formatted with these before 0130). */
const PRETTIER_OPTIONS: prettier.Options = {
  parser: 'typescript',
  printWidth: 120,
  singleQuote: true,
  trailingComma: 'all',
  quoteProps: 'preserve',
  endOfLine: 'lf',
};

const list = (items: string[]) => group(['[', indent([softline, items.flatMap((item, index) => (index === 0 ? [item] : [',', line, item]))]), ifBreak(','), softline, ']']);

describe('layout printer', () => {
  it('keeps a group flat exactly when it fits in the width, counting the text after it up to the next break', () => {
    const items = ['aaaa', 'bbbb', 'cccc'];
    // '[aaaa, bbbb, cccc]' is 18 columns.
    expect(printDoc(list(items), { width: 18 })).toBe('[aaaa, bbbb, cccc]');
    expect(printDoc(list(items), { width: 17 })).toBe('[\n  aaaa,\n  bbbb,\n  cccc,\n]');
    // A ';' after the group counts: the rest of the line must fit too.
    expect(printDoc([list(items), ';'], { width: 18 })).toBe('[\n  aaaa,\n  bbbb,\n  cccc,\n];');
    expect(printDoc([list(items), ';', hardline, 'next line is not counted'], { width: 19 })).toBe('[aaaa, bbbb, cccc];\nnext line is not counted');
  });

  it('breaks every group around a hard line, indents from where the doc is placed and trims trailing spaces', () => {
    expect(printDoc(group(['{', indent([line, 'a;', hardline, 'b;']), line, '}']))).toBe('{\n  a;\n  b;\n}');
    expect(printDoc(['x =', group(indent([line, 'y']))], { width: 4 })).toBe('x =\n  y');
    expect(placeDocs('    key: \ue0000\ue001,\n', [list(['aaaaaaaaaa', 'bbbbbbbbbb'])])).toBe('    key: [aaaaaaaaaa, bbbbbbbbbb],\n');
    expect(placeDocs('    key: \ue0000\ue001,', [list(['a'.repeat(60), 'b'.repeat(60)])])).toBe(`    key: [\n      ${'a'.repeat(60)},\n      ${'b'.repeat(60)},\n    ],`);
  });

  it('counts wide characters as two columns', () => {
    expect(textWidth('abc')).toBe(3);
    expect(textWidth('日本')).toBe(4);
    expect(textWidth('e\u0301')).toBe(1);
  });
});

async function syntheticRegistry(events: number): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'event-bus-layout-'));
  const channels: string[] = [];
  const messages: string[] = [];
  for (let i = 0; i < events; i += 1) {
    const type = `entity${i}.changed_with_a_rather_long_name_${'x'.repeat(i * 7)}`;
    await mkdir(path.join(dir, 'schemas', type), { recursive: true });
    await writeFile(
      path.join(dir, 'schemas', type, '1.json'),
      JSON.stringify({
        $schema: 'http://json-schema.org/draft-07/schema#',
        title: `Entity${i}Changed`,
        description: `Entity ${i} changed; ${'and the description goes on '.repeat(i)}.`,
        type: 'object',
        additionalProperties: false,
        required: ['status'],
        properties: {
          status: { type: 'string', enum: Array.from({ length: i * 3 + 1 }, (_, n) => `state_${n}_'quoted'_"too"`) },
          pair: { type: 'array', items: [{ type: 'string' }, { type: 'number' }], minItems: 2, additionalItems: i % 2 === 0 },
          detail: { title: `Entity${i}Detail`, type: 'object', properties: { score: { type: ['number', 'null'] } } },
        },
      }),
    );
    channels.push(`  c${i}:\n    address: '${type}'\n    description: '${'A channel description that keeps going. '.repeat(i)}'\n    messages:\n      m${i}:\n        $ref: '#/components/messages/m${i}'`);
    messages.push(`    m${i}:\n      x-event-type: '${type}'\n      x-event-version: 1\n      payload:\n        $ref: './schemas/${type}/1.json'`);
  }
  await writeFile(
    path.join(dir, 'asyncapi.yaml'),
    `asyncapi: 3.0.0\ninfo:\n  title: Layout\n  version: 1.0.0\nchannels:\n${channels.join('\n')}\ncomponents:\n  messages:\n${messages.join('\n')}\n`,
  );
  return path.join(dir, 'asyncapi.yaml');
}

describe('generated files are laid out as prettier lays them out', () => {
  const registries: Array<[string, () => Promise<string>]> = [
    ['this repository', async () => path.join(REPO_ROOT, 'asyncapi.yaml')],
    ['the golden fixture', async () => path.join(FIXTURES, 'golden', 'asyncapi.yaml')],
    ['the layout fixture (long names, unions, tuples, intersections)', async () => path.join(FIXTURES, 'layout', 'asyncapi.yaml')],
    ['the hostile fixture', async () => path.join(FIXTURES, 'hostile', 'asyncapi.yaml')],
    ['a synthetic registry of growing widths', () => syntheticRegistry(6)],
  ];
  for (const [name, input] of registries) {
    it(name, async () => {
      const files = await renderRegistry({ input: await input(), runtimeImport: FIXTURE_RUNTIME_IMPORT });
      let checked = 0;
      for (const [file, source] of files) {
        // ajv's validator modules keep ajv's own layout (decision 0021).
        if (!file.endsWith('.ts') || file.startsWith('validators/')) continue;
        expect(source, file).toBe(await prettier.format(source, PRETTIER_OPTIONS));
        checked += 1;
      }
      expect(checked).toBe(5);
    }, 120_000);
  }
});
