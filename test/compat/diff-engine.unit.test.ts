/** Engine properties beyond single changes: recursion, sharing, depth, canonical hashing, locating pointers. */
import { describe, expect, it } from 'vitest';
import { diffSchemaValues } from '../../compat/diff/index.js';
import { diffSchemas } from '../../compat/diff/modes.js';
import { SchemaResolver } from '../../compat/diff/resolver.js';
import { canonicalHash, canonicalJson } from '../../compat/json.js';
import { SourceLocator } from '../../registry/locate.js';
import { MemorySource } from '../../compat/sources.js';

function chain(size: number, lastMaxLength: number): Record<string, unknown> {
  const definitions: Record<string, unknown> = {};
  for (let d = 0; d < size; d += 1) {
    definitions[`Node${d}`] = {
      type: 'object',
      additionalProperties: false,
      properties: {
        name: { type: 'string', maxLength: d === size - 1 ? lastMaxLength : 50 },
        next: { $ref: `#/definitions/Node${(d + 1) % size}` },
        self: { $ref: `#/definitions/Node${d}` },
      },
    };
  }
  return { definitions, $ref: '#/definitions/Node0' };
}

/** Every definition refers to every other one: paths multiply, pairs do not. */
function dense(size: number, changed: boolean): Record<string, unknown> {
  const definitions: Record<string, unknown> = {};
  for (let d = 0; d < size; d += 1) {
    const properties: Record<string, unknown> = {
      id: { type: 'string', maxLength: changed && d === size - 1 ? 10 : 20 },
    };
    for (let e = 0; e < size; e += 1) properties[`to${e}`] = { $ref: `#/definitions/Node${e}` };
    definitions[`Node${d}`] = { type: 'object', additionalProperties: false, properties };
  }
  return { definitions, $ref: '#/definitions/Node0' };
}

function run(oldSchema: unknown, newSchema: unknown): ReturnType<typeof diffSchemas> {
  const source = new MemorySource({
    '/r/old.json': JSON.stringify(oldSchema),
    '/r/new.json': JSON.stringify(newSchema),
  });
  const resolver = new SchemaResolver(source, (path) => path.slice(3));
  return diffSchemas(new SourceLocator(), resolver.rootNode('/r/old.json'), resolver.rootNode('/r/new.json'), {
    mode: 'BACKWARD',
    policy: 'STRICT',
  });
}

describe('diff engine', () => {
  it('finds a change at the end of a 1000-definition recursive chain without overflowing the stack', () => {
    const result = run(chain(1000, 50), chain(1000, 40));
    expect(result.compatible).toBe(false);
    expect(result.findings.map((finding) => [finding.file, finding.pointer, finding.rule])).toEqual([
      ['new.json', '/definitions/Node999/properties/name/maxLength', 'MAX_LENGTH_DECREASED'],
    ]);
  });

  it('compares each pair of definitions once however many paths reach it', () => {
    const size = 30;
    const result = run(dense(size, false), dense(size, true));
    // 30 definitions with 31 properties each: about size × (size + 2) pairs, against size^depth paths.
    expect(result.comparisons).toBeLessThanOrEqual(size * (size + 2) + 1);
    expect(result.findings.map((finding) => finding.pointer)).toEqual([
      `/definitions/Node${size - 1}/properties/id/maxLength`,
    ]);
  });

  it('reports a change in a shared definition once, where it is', () => {
    const common = { definitions: { Id: { type: 'string', maxLength: 36 } } };
    const common2 = { definitions: { Id: { type: 'string', maxLength: 20 } } };
    const schema = (file: string): Record<string, unknown> => ({
      type: 'object',
      properties: {
        a: { $ref: `${file}#/definitions/Id` },
        b: { $ref: `${file}#/definitions/Id` },
        c: { items: { $ref: `${file}#/definitions/Id` } },
      },
    });
    const result = diffSchemaValues(
      [schema('/common/a.json'), schema('/common/b.json')],
      { mode: 'BACKWARD', policy: 'STRICT' },
      {
        '/common/a.json': common,
        '/common/b.json': common2,
      },
    );
    expect(result.findings.map((finding) => [finding.file, finding.pointer, finding.rule])).toEqual([
      ['/common/b.json', '/definitions/Id/maxLength', 'MAX_LENGTH_DECREASED'],
    ]);
  });

  it('hashes the canonical form: key order and whitespace do not matter, values do', () => {
    expect(canonicalJson({ b: [1, { d: 2, c: 'x' }], a: null })).toBe('{"a":null,"b":[1,{"c":"x","d":2}]}');
    expect(canonicalHash(JSON.parse('{ "b": 1,\n "a": [true] }'))).toBe(canonicalHash({ a: [true], b: 1 }));
    expect(canonicalHash({ a: 1 })).not.toBe(canonicalHash({ a: 2 }));
  });

  it('locates JSON pointers in JSON and YAML text, keys included', () => {
    const locator = new SourceLocator();
    const json = '{\n  "properties": {\n    "a/b": { "maxLength": 3 }\n  }\n}\n';
    expect(locator.locate(json, '/properties/a~1b/maxLength')).toEqual({ line: 3, column: 14 });
    const yaml = 'channels:\n  userCreated:\n    x-compatibility: NONE\n    messages: [a, b]\n';
    expect(locator.locate(yaml, '/channels/userCreated/x-compatibility')).toEqual({ line: 3, column: 5 });
    expect(locator.locate(yaml, '/channels/userCreated/messages/1')).toEqual({ line: 4, column: 19 });
    // A pointer past the end lands on the deepest node that exists.
    expect(locator.locate(yaml, '/channels/userCreated/nope/deeper')).toEqual({ line: 2, column: 3 });
  });
});
