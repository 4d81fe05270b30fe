/**
 * Old and new schemas resolve their `$ref`s in separate scopes: two documents that keep the same
 * `$id` (a file diffed against its edited self) must not see each other's definitions.
 */
import { describe, expect, it } from 'vitest';
import { diffSchemaFiles, SchemaResolver } from '../../compat/diff/index.js';
import { MemorySource } from '../../compat/sources.js';

const ID = 'https://schemas.example.test/order.json';
const order = (idType: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  $id: ID,
  type: 'object',
  properties: { id: { $ref: '#/definitions/Id' }, ...extra },
  definitions: { Id: { type: idType } },
});

function diff(oldSchema: unknown, newSchema: unknown): { compatible: boolean; found: string[] } {
  const source = new MemorySource({
    '/w/old.json': JSON.stringify(oldSchema, null, 2),
    '/w/new.json': JSON.stringify(newSchema, null, 2),
  });
  const result = diffSchemaFiles('/w/old.json', '/w/new.json', { mode: 'BACKWARD', policy: 'STRICT' }, source);
  return { compatible: result.compatible, found: result.findings.map((f) => `${f.file}:${f.pointer} ${f.rule}`) };
}

describe('resolution scopes', () => {
  it('reports a $ref’d definition changed string → integer when both files keep the same $id', () => {
    expect(diff(order('string'), order('integer'))).toEqual({
      compatible: false,
      found: ['/w/new.json:/definitions/Id/type TYPE_CHANGED'],
    });
  });

  it('reports it under FORWARD too, and finds nothing between identical files', () => {
    const source = new MemorySource({
      '/w/old.json': JSON.stringify(order('string')),
      '/w/new.json': JSON.stringify(order('integer')),
    });
    const forward = diffSchemaFiles('/w/old.json', '/w/new.json', { mode: 'FORWARD', policy: 'STRICT' }, source);
    expect(forward.findings.map((f) => f.rule)).toEqual(['TYPE_CHANGED']);
    expect(diff(order('string'), order('string'))).toEqual({ compatible: true, found: [] });
  });

  it('keeps each document’s own definitions when one resolver loads both (as `check` does)', () => {
    const source = new MemorySource({
      '/r/1.json': JSON.stringify(order('string')),
      '/r/2.json': JSON.stringify(order('integer')),
    });
    const resolver = new SchemaResolver(source);
    const first = resolver.rootNode('/r/1.json');
    const second = resolver.rootNode('/r/2.json');
    const idOf = (root: typeof first): unknown => resolver.deref(resolver.child(root, 'properties', 'id')!).value;
    expect(idOf(first)).toEqual({ type: 'string' });
    expect(idOf(second)).toEqual({ type: 'integer' });
  });
});
