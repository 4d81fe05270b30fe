/**
 * The hostile registries of issue 11, one builder each (used by the tests and by
 * bench/hostile.bench.ts, which times how fast each is refused).
 */
import { asyncapiYaml, payloadSchema, thingSchema } from './support.js';

export type RegistryFiles = Record<string, string | Record<string, unknown>>;

export interface HostileCase {
  name: string;
  /** Guard code the refusal carries. */
  code: string;
  /** Registry-relative file the message names, and a pointer inside it. */
  file: string;
  pointer: string;
  files: (context: { url: string }) => RegistryFiles;
}

/** Billion laughs: 9 levels of 9 aliases each (72 alias nodes, 9^9 values once expanded). */
export function aliasBomb(): string {
  const lines = ['x-lol:', '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  const names = 'abcdefghi';
  for (let level = 1; level < names.length; level += 1) {
    const previous = names[level - 1]!;
    lines.push(`  ${names[level]}: &${names[level]} [${Array(9).fill(`*${previous}`).join(',')}]`);
  }
  return lines.join('\n');
}

/** `{ anyOf: [ { anyOf: [ … { type: string } … ] }, { type: null } ] }`, `levels` deep. */
export function nestedAnyOf(levels: number): Record<string, unknown> {
  let schema: Record<string, unknown> = { type: 'string' };
  for (let level = 0; level < levels; level += 1) schema = { anyOf: [schema, { type: 'null' }] };
  return schema;
}

/** A schema file whose `examples` nest arrays `levels` deep (written as text: JSON.stringify would overflow). */
function deepSchemaText(levels: number): string {
  const schema = JSON.stringify(thingSchema({ name: { type: 'string' } }));
  return `${schema.slice(0, -1)},"examples":${'['.repeat(levels)}${']'.repeat(levels)}}`;
}

const withThing = (schema: Record<string, unknown>, extra: RegistryFiles = {}, yaml: Parameters<typeof asyncapiYaml>[0] = {}): RegistryFiles => ({
  'asyncapi.yaml': asyncapiYaml(yaml),
  'schemas/thing/1.json': schema,
  ...extra,
});

export const HOSTILE_CASES: HostileCase[] = [
  {
    name: 'payload $ref to an http URL',
    code: 'remote-ref',
    file: 'asyncapi.yaml',
    pointer: '/components/messages/thingV1/payload/$ref',
    files: ({ url }) => ({ 'asyncapi.yaml': asyncapiYaml({ payloadRef: `${url}/s.json` }) }),
  },
  {
    name: '$ref to an http URL inside a schema file',
    code: 'remote-ref',
    file: 'schemas/thing/1.json',
    pointer: '/properties/name/$ref',
    files: ({ url }) => withThing(thingSchema({ name: { $ref: `${url}/name.json` } })),
  },
  {
    name: '$ref to an https URL hidden in examples',
    code: 'remote-ref',
    file: 'schemas/thing/1.json',
    pointer: '/examples/0/$ref',
    files: ({ url }) => withThing(thingSchema({ name: { type: 'string' } }, { examples: [{ $ref: url.replace('http:', 'https:') }] })),
  },
  {
    name: 'protocol-relative $ref',
    code: 'remote-ref',
    file: 'schemas/thing/1.json',
    pointer: '/properties/name/$ref',
    files: ({ url }) => withThing(thingSchema({ name: { $ref: url.replace('http:', '') } })),
  },
  {
    name: 'YAML alias bomb',
    code: 'yaml-aliases',
    file: 'asyncapi.yaml',
    pointer: '',
    files: () => withThing(thingSchema(), {}, { extra: aliasBomb() }),
  },
  {
    name: '$ref cycle A → B → A',
    code: 'ref-cycle',
    file: 'schemas/common/b.json',
    pointer: '/$ref',
    files: () =>
      withThing(thingSchema({ a: { $ref: '../common/a.json' } }), {
        'schemas/common/a.json': payloadSchema('schemas/common/a.json', { $ref: './b.json' }),
        'schemas/common/b.json': payloadSchema('schemas/common/b.json', { $ref: './a.json' }),
      }),
  },
  {
    name: 'allOf cycle',
    code: 'ref-cycle',
    file: 'schemas/common/b.json',
    pointer: '/allOf/0/$ref',
    files: () =>
      withThing(thingSchema({ a: { $ref: '../common/a.json' } }), {
        'schemas/common/a.json': payloadSchema('schemas/common/a.json', { allOf: [{ $ref: './b.json' }] }),
        'schemas/common/b.json': payloadSchema('schemas/common/b.json', { allOf: [{ $ref: './a.json' }] }),
      }),
  },
  {
    name: 'anyOf nested 22 levels',
    code: 'combinators-too-deep',
    file: 'schemas/thing/1.json',
    pointer: '/properties/a' + '/anyOf/0'.repeat(10) + '/anyOf',
    files: () => withThing(thingSchema({ a: nestedAnyOf(22) })),
  },
  {
    name: '$ref to a file outside the registry folder',
    code: 'ref-outside-root',
    file: 'schemas/thing/1.json',
    pointer: '/properties/secret/$ref',
    files: () => withThing(thingSchema({ secret: { $ref: '../../../outside.json' } })),
  },
  {
    name: 'percent-encoded ../ in a $ref',
    code: 'ref-outside-root',
    file: 'schemas/thing/1.json',
    pointer: '/properties/secret/$ref',
    files: () => withThing(thingSchema({ secret: { $ref: '%2e%2e/%2e%2e/%2e%2e/outside.json' } })),
  },
  {
    name: 'absolute path in a $ref',
    code: 'ref-outside-root',
    file: 'asyncapi.yaml',
    pointer: '/components/messages/thingV1/payload/$ref',
    files: () => ({ 'asyncapi.yaml': asyncapiYaml({ payloadRef: '/etc/hostname' }) }),
  },
  {
    name: 'file:// $ref',
    code: 'remote-ref',
    file: 'schemas/thing/1.json',
    pointer: '/properties/secret/$ref',
    files: () => withThing(thingSchema({ secret: { $ref: 'file:///etc/hostname' } })),
  },
  {
    name: 'schema file over 1 MiB',
    code: 'file-too-large',
    file: 'schemas/thing/1.json',
    pointer: '',
    files: () => withThing(thingSchema({ name: { type: 'string', description: 'x'.repeat(1024 * 1024) } })),
  },
  {
    name: 'arrays nested 100,000 deep',
    code: 'too-deep',
    file: 'schemas/thing/1.json',
    pointer: '/examples/0/0/0',
    files: () => ({ 'asyncapi.yaml': asyncapiYaml(), 'schemas/thing/1.json': deepSchemaText(100_000) }),
  },
  {
    name: 'backtracking-only pattern (backreference)',
    code: 'pattern-unsupported',
    file: 'schemas/thing/1.json',
    pointer: '/properties/name/pattern',
    files: () => withThing(thingSchema({ name: { type: 'string', pattern: '^(a+)\\1$' } })),
  },
  {
    name: 'lookahead in patternProperties',
    code: 'pattern-unsupported',
    file: 'schemas/thing/1.json',
    pointer: '/properties/tags/patternProperties/^(?=x)',
    files: () => withThing(thingSchema({ tags: { type: 'object', patternProperties: { '^(?=x)': { type: 'string' } } } })),
  },
];
