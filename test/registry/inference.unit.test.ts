/**
 * The registry module's defaults (docs/registry.md, "The registry module, and what it infers"),
 * on registries held in memory. The parser is not run here (`validate: false`): these are the
 * reader's rules; the corpus tests run the whole path.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectRegistry, MemorySource, topicFromAddress, validTopicId } from '../../registry/index.js';

const ROOT = path.resolve('/virtual/registry');

async function read(files: Record<string, unknown>) {
  const source = new MemorySource();
  for (const [file, content] of Object.entries(files)) source.set(path.join(ROOT, file), typeof content === 'string' ? content : JSON.stringify(content));
  return inspectRegistry({ file: path.join(ROOT, 'asyncapi.yaml'), source, validate: false });
}

describe('inferred conventions', () => {
  it('takes event types from names or keys and versions from suffixes, paths or 1', async () => {
    const { model, errors } = await read({
      'asyncapi.yaml': `asyncapi: 3.0.0
info: { title: T, version: '1' }
channels:
  orders:
    address: 'shop/{shopId}/orders'
    messages:
      placedV2: { name: order.placed, payload: { $ref: './schemas/order.placed/2.json' } }
      cancelled: { payload: { $ref: '#/components/schemas/Cancelled' } }
      refundedV3: { payload: { type: object, properties: { amount: { type: number } } } }
components:
  schemas:
    Cancelled: { type: object, properties: { reason: { type: string } } }
`,
      'schemas/order.placed/2.json': { type: 'object', properties: { id: { type: 'string' } } },
    });
    expect(errors).toEqual([]);
    const summary = model.events.map((event) => ({
      type: event.eventType,
      aggregate: event.aggregateType,
      topic: event.topic,
      versions: event.versions.map((version) => [version.version, version.inferred.version, version.payload.form]),
    }));
    expect(summary).toEqual([
      { type: 'cancelled', aggregate: 'cancelled', topic: 'shop.orders', versions: [[1, 'default', 'ref']] },
      { type: 'order.placed', aggregate: 'order', topic: 'shop.orders', versions: [[2, 'suffix', 'file']] },
      { type: 'refunded', aggregate: 'refunded', topic: 'shop.orders', versions: [[3, 'suffix', 'inline']] },
    ]);
    expect(model.events[1]!.parameters).toEqual(['shopId']);
    // A file without $id gets one from its path.
    expect(model.events[1]!.versions[0]!.payload.schemaId).toBe('file:///schemas/order.placed/2.json');
  });

  it('takes the version from the schema path <type>/<n>.json and unwraps a multi-format payload', async () => {
    const { model, errors } = await read({
      'asyncapi.yaml': `asyncapi: 3.0.0
info: { title: T, version: '1' }
channels:
  c:
    address: thing.happened
    messages:
      m:
        name: thing.happened
        payload:
          schemaFormat: 'application/schema+json;version=draft-07'
          schema: { $ref: './thing.happened/4.json' }
`,
      'thing.happened/4.json': { type: 'object' },
    });
    expect(errors).toEqual([]);
    expect(model.events[0]!.versions[0]).toMatchObject({ version: 4, inferred: { version: 'path' }, payload: { form: 'file', schemaFormat: 'application/schema+json;version=draft-07' } });
  });

  it('reports every problem at once: remote refs, other schema formats, invalid topics', async () => {
    const { errors } = await read({
      'asyncapi.yaml': `asyncapi: 3.0.0
info: { title: T, version: '1' }
channels:
  a:
    address: a.b
    messages:
      m1: { payload: { schemaFormat: 'application/vnd.apache.avro;version=1.9.0', schema: { $ref: 'https://example.com/x.avsc' } } }
      m2: { payload: { schemaFormat: 'application/raml+yaml;version=1.0', schema: { type: string } } }
  bad:
    address: bad
    x-topic: 'has space'
    messages:
      m3: { payload: { type: string } }
`,
    });
    expect(errors.map((error) => [error.code, error.pointer])).toEqual([
      ['remote-ref', '/channels/a/messages/m1/payload/schema/$ref'],
      ['schema-format', '/channels/a/messages/m2/payload/schemaFormat'],
      ['topic-id', '/channels/bad/x-topic'],
    ]);
    for (const error of errors) expect(error).toMatchObject({ line: expect.any(Number), hint: expect.any(String) });
  });

  it('keeps ajv strict mode and unknown formats as warnings, not errors', async () => {
    const { errors, warnings } = await read({
      'asyncapi.yaml': `asyncapi: 3.0.0
info: { title: T, version: '1' }
channels:
  c:
    address: thing.happened
    messages:
      m: { payload: { properties: { a: { type: [string, 'null'], format: iri-reference } }, required: [a] } }
`,
    });
    expect(errors).toEqual([]);
    expect(warnings.map((warning) => warning.code).sort()).toEqual(['schema-strict', 'unknown-format']);
  });
});

describe('topic ids from addresses', () => {
  it('keeps valid topic ids and maps parameterised addresses to one valid topic', () => {
    expect(topicFromAddress('user.created')).toBe('user.created');
    expect(topicFromAddress('smartylighting/streetlights/1/0/event/{streetlightId}/lighting/measured')).toBe(
      'smartylighting.streetlights.1.0.event.lighting.measured',
    );
    expect(topicFromAddress('/')).toBe('');
    expect(validTopicId('goog-topic')).toBe(false);
    expect(validTopicId('a/b')).toBe(false);
  });
});
