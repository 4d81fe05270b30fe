import { mkdtemp, mkdir, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModel, RegistryError } from '../../generator/index.js';
import { inspectRegistry, loadRegistry } from '../../registry/index.js';
import { loadTemplate, TemplateError } from '../../generator/render.js';
import { run } from '../../cli/commands/generate.js';
import { REPO_ROOT } from './support.js';

const MINIMAL_DOC = (payloadRef: string, extra = ''): string => `asyncapi: 3.0.0
info: { title: T, version: 1.0.0 }
channels:
  thing:
    address: thing.happened
    x-aggregate-type: thing
${extra}    messages:
      thingV1: { $ref: '#/components/messages/thingV1' }
components:
  messages:
    thingV1:
      x-event-type: thing.happened
      x-event-version: 1
      payload: { $ref: '${payloadRef}' }
`;

async function tempRegistry(doc: string, schemas: Record<string, unknown>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'event-bus-model-'));
  for (const [file, schema] of Object.entries(schemas)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), typeof schema === 'string' ? schema : JSON.stringify(schema));
  }
  await writeFile(path.join(dir, 'asyncapi.yaml'), doc);
  return path.join(dir, 'asyncapi.yaml');
}

const schema = (id: string, properties: Record<string, unknown>): Record<string, unknown> => ({
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: id,
  type: 'object',
  properties,
});

describe('model of the project registry', () => {
  it('has the ten domain events with the spec names, sorted, and shared definitions once', async () => {
    const model = buildModel(await loadRegistry({ file: path.join(REPO_ROOT, 'asyncapi.yaml') }));
    expect(model.events.map((event) => event.names.event)).toEqual([
      'ConversationEndedEvent',
      'ConversationStartedEvent',
      'ConversationTurnCompletedEvent',
      'DocumentProcessedEvent',
      'DocumentProcessingFailedEvent',
      'FaceModelCreatedEvent',
      'FaceModelCreationFailedEvent',
      'UserCreatedEvent',
      'VoiceModelTrainedEvent',
      'VoiceModelTrainingFailedEvent',
    ]);
    const user = model.events.find((event) => event.eventType === 'user.created')!;
    expect(user).toMatchObject({ aggregateType: 'user', topic: 'user.created', orderingKey: 'aggregateId' });
    expect(user.currentVersion).toBe(user.versions[user.versions.length - 1]!.version);
    expect(user.versions[0]).toMatchObject({ schemaFile: 'schemas/user.created/1.json', schemaId: 'https://schemas.clone.dev/events/user.created/1.json' });
    const keys = model.definitions.map((definition) => definition.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toContain('schemas/common/ids.json#/definitions/Uuid');
    // A titled nested object is one named type, shared by the versions that carry the same schema.
    expect(model.nestedTypes.filter((nested) => nested.name.startsWith('TurnLatency')).map((nested) => nested.name)).toEqual(['TurnLatency']);
    // Every version schema has examples to test its validator with.
    for (const version of model.events.flatMap((event) => event.versions)) expect(version.examples.length, version.schemaFile).toBeGreaterThan(0);
  }, 30_000);
});

const errorsOf = async (input: string) => (await inspectRegistry({ file: input })).errors;

describe('registry errors', () => {
  it('an invalid document fails with the parser diagnostics: file, line, pointer', async () => {
    const input = await tempRegistry(MINIMAL_DOC('./s.json'), { 's.json': schema('https://x.example/s.json', { a: { type: 'strin' } }) });
    const error = await loadRegistry({ file: input }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RegistryError);
    const diagnostics = (error as RegistryError).diagnostics;
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics.some((d) => d.file.endsWith('s.json') && d.pointer === '/properties/a/type' && typeof d.line === 'number')).toBe(true);
  }, 30_000);

  it('`event-bus generate` exits 2 and prints the diagnostics', async () => {
    const input = await tempRegistry('asyncapi: 3.0.0\ninfo: {}\n', {});
    const out = path.join(path.dirname(input), 'out');
    const stderr: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (stderr.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      expect(await run({ input, out, runtimeImport: '../runtime/index.js', runtimeClasses: true })).toBe(2);
    } finally {
      process.stderr.write = write;
    }
    expect(stderr.join('')).toMatch(/asyncapi\.yaml:\d+:\d+: "info" property must have required property/);
    expect(await readdir(path.dirname(input))).not.toContain('out');
  }, 30_000);

  it('reports every problem at once, each with file, line, pointer and a hint', async () => {
    const doc = `asyncapi: 3.0.0
info: { title: T, version: 1.0.0 }
channels:
  a:
    address: a.happened
    x-ordering-key: sometimes
    messages:
      aV1: { payload: { $ref: './missing.json' } }
  b:
    address: b.happened
    x-topic: 'goog-b'
    messages:
      bV1: { x-event-version: 0, payload: { type: object } }
`;
    const errors = await errorsOf(await tempRegistry(doc, {}));
    const byCode = Object.fromEntries(errors.map((d) => [d.code, d]));
    expect(Object.keys(byCode).sort()).toEqual(expect.arrayContaining(['event-version', 'topic-id', 'unresolved-ref']));
    expect(byCode['unresolved-ref']).toMatchObject({ pointer: '/channels/a/messages/aV1/payload/$ref', line: 8, hint: expect.any(String) });
    expect(byCode['event-version']).toMatchObject({ pointer: '/channels/b/messages/bV1/x-event-version', line: 13 });
    expect(byCode['topic-id']).toMatchObject({ pointer: '/channels/b/x-topic', line: 11 });
  }, 30_000);

  it("refuses a property named '__proto__' with the file and pointer", async () => {
    const input = await tempRegistry(MINIMAL_DOC('./s.json'), {
      's.json': `{"$id":"https://x.example/s.json","type":"object","properties":{"nested":{"type":"object","properties":{"__proto__":{"type":"string"}}}}}`,
    });
    const errors = await errorsOf(input);
    const proto = errors.find((d) => d.code === 'proto-property');
    expect(proto).toMatchObject({ pointer: '/properties/nested/properties/__proto__' });
    expect(proto!.file).toMatch(/s\.json$/);
  }, 30_000);

  it('refuses a $ref whose file and $id disagree', async () => {
    const input = await tempRegistry(MINIMAL_DOC('./a/s.json'), {
      'a/s.json': schema('https://x.example/a/s.json', { b: { $ref: '../common/b.json#/definitions/B' } }),
      'common/b.json': { $id: 'https://x.example/elsewhere/b.json', definitions: { B: { type: 'string' } } },
    });
    const errors = await errorsOf(input);
    expect(errors).toEqual([expect.objectContaining({ code: 'ref-id-mismatch', pointer: '/properties/b/$ref' })]);
  }, 30_000);

  it('infers a missing aggregate type; refuses an $id that could close a comment', async () => {
    const noAggregate = await tempRegistry(MINIMAL_DOC('./s.json').replace('    x-aggregate-type: thing\n', ''), {
      's.json': schema('https://x.example/s.json', {}),
    });
    const model = await loadRegistry({ file: noAggregate });
    expect(model.events[0]).toMatchObject({ eventType: 'thing.happened', aggregateType: 'thing', aggregateTypeInferred: true });
    const starId = await tempRegistry(MINIMAL_DOC('./s.json'), { 's.json': schema('https://x.example/*/process.exit(1)/*', {}) });
    expect(await errorsOf(starId)).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'schema-id', pointer: '/$id' })]));
  }, 30_000);
});

describe('templates', () => {
  it('load only when every value goes through an escaping helper', () => {
    for (const name of ['types.ts.hbs', 'validators.ts.hbs', 'validator-module.ts.hbs', 'catalog.ts.hbs', 'bus.ts.hbs', 'index.ts.hbs']) {
      expect(() => loadTemplate(name)).not.toThrow();
    }
    expect(() => loadTemplate('bare', 'const x = {{description}};')).toThrow(TemplateError);
    expect(() => loadTemplate('triple', 'const x = {{{literal description}}};')).toThrow(TemplateError);
    expect(() => loadTemplate('unknown', '{{lookup this "x"}}')).toThrow(TemplateError);
    expect(() => loadTemplate('partial', '{{> other}}')).toThrow(TemplateError);
    expect(loadTemplate('ok', 'const x = {{literal description}};')({ description: '"; process.exit(1); "' })).toBe(
      `const x = '"; process.exit(1); "';`,
    );
    expect(loadTemplate('ok', 'const x = {{literal description}};')({ description: "'; process.exit(1); '" })).toBe(
      `const x = "'; process.exit(1); '";`,
    );
  });
});
