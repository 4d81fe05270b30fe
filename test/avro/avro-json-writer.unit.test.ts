/**
 * The direct Avro JSON writer against avsc: for every event version of the registry and the
 * fixture schemas, the text it writes is byte-identical to avsc's `toString` of the same value
 * (built by the general path: adapter → avsc value), and a payload that does not fit falls back
 * to the general path's error with the JSON pointer.
 */
import avro from 'avsc';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileAvroJsonWriter } from '../../runtime/codec/avro-json-writer.js';
import { AvroEncodeError, createAvroCodec, type EventVersionEntry } from '../../runtime/index.js';
import { arbitraryForSchema } from '../../testing/arbitrary.js';
import { orderPlacedV1Entry, orderPlacedV2Entry } from './support/fixture-catalog.js';
import { loadFixtureRef, orderPlacedV1, orderPlacedV2 } from './support/fixture-schemas.js';
import { loadRegistryAvroVersions, registryRefs } from './support/registry-avro.js';

const registry = await loadRegistryAvroVersions();
const binary = createAvroCodec('avro-binary');
const json = createAvroCodec('avro-json');

/** avsc's Avro JSON of the payload, by the general path (binary encode, avsc decode, avsc toString). */
function avscText(entry: EventVersionEntry, payload: unknown): string {
  const type = avro.Type.forSchema(entry.avroSchema as avro.Schema, { wrapUnions: true });
  return type.toString(type.fromBuffer(binary.encode(entry, payload)));
}

const cases: Array<[string, EventVersionEntry, fc.Arbitrary<unknown>]> = [
  ...registry.map((version): [string, EventVersionEntry, fc.Arbitrary<unknown>] => [
    version.schemaFile,
    version.entry,
    arbitraryForSchema(version.schema, { loadRef: registryRefs.loadRef }),
  ]),
  ['fixture order.placed v1', orderPlacedV1Entry, arbitraryForSchema(orderPlacedV1, { loadRef: loadFixtureRef })],
  ['fixture order.placed v2', orderPlacedV2Entry, arbitraryForSchema(orderPlacedV2, { loadRef: loadFixtureRef })],
];

describe('direct Avro JSON writer', () => {
  it('takes every schema of the registry and the fixtures', () => {
    for (const [, entry] of cases) expect(compileAvroJsonWriter(entry.avroSchema)).toBeTypeOf('function');
  });

  it.each(cases)('%s: byte-identical to avsc for sampled valid payloads', (_name, entry, arbitrary) => {
    const write = compileAvroJsonWriter(entry.avroSchema)!;
    fc.assert(
      fc.property(arbitrary, (payload) => {
        const text = write(payload);
        expect(text).toBe(avscText(entry, payload));
        expect(json.encode(entry, payload).toString('utf8')).toBe(text);
      }),
      { numRuns: 100 },
    );
  });

  it('falls back to the general path for a payload that does not fit, which names the pointer', () => {
    const payload = {
      orderId: '6f1c2b9e-3d4a-4c8e-9f21-7a5b0c3d2e10',
      total: { amountMinor: 12.5, currency: 'EUR' },
      status: 'paid',
      lines: [],
      placedAt: '2026-11-28T11:40:02.5Z',
      nickname: null,
    };
    expect(() => json.encode(orderPlacedV1Entry, payload)).toThrow(AvroEncodeError);
    expect(() => json.encode(orderPlacedV1Entry, payload)).toThrow(/\/total\/amountMinor/);
    expect(() => json.encode(orderPlacedV1Entry, { ...payload, total: { amountMinor: 1, currency: 'EUR' }, extra: 1 })).toThrow(
      /unknown property 'extra'/,
    );
  });

  it('quotes strings exactly as JSON.stringify and avsc do, escapes and surrogates included', () => {
    const schema = { type: 'record', name: 'S', fields: [{ name: 's', type: 'string' }, { name: 'm', type: { type: 'map', values: 'string' } }] };
    const type = avro.Type.forSchema(schema as avro.Schema, { wrapUnions: true });
    const write = compileAvroJsonWriter(schema)!;
    const tricky = ['', 'plain', 'quote " inside', 'back\\slash', 'tab\t nl\n', '\u0000\u001f\u007f', 'é ü ß 中文', '\u2028\u2029',
      '😀 pair', 'lone \ud800 high', 'lone \udfff low', '\udfff\ud800 reversed', '</script>'];
    for (const text of tricky) {
      const payload = { s: text, m: { [text]: text } };
      expect(write(payload)).toBe(type.toString(payload));
      expect(write(payload)).toBe(`{"s":${JSON.stringify(text)},"m":{${JSON.stringify(text)}:${JSON.stringify(text)}}}`);
    }
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(write({ s: text, m: {} })).toBe(`{"s":${JSON.stringify(text)},"m":{}}`);
      }),
      { numRuns: 500 },
    );
  });

  it('writes records of no field, one field and nested records as avsc does', () => {
    const schema = {
      type: 'record', name: 'Outer', fields: [
        { name: 'empty', type: { type: 'record', name: 'Empty', fields: [] } },
        { name: 'one', type: { type: 'record', name: 'One', fields: [{ name: 'n', type: 'int' }] } },
        { name: 'list', type: { type: 'array', items: 'Empty' } },
      ],
    };
    const type = avro.Type.forSchema(schema as avro.Schema, { wrapUnions: true });
    const write = compileAvroJsonWriter(schema)!;
    for (const payload of [{ empty: {}, one: { n: 1 }, list: [] }, { empty: {}, one: { n: -7 }, list: [{}, {}] }]) {
      expect(write(payload)).toBe(type.toString(payload));
    }
  });

  it('declines schema shapes it does not take (bytes, multi-branch unions)', () => {
    expect(compileAvroJsonWriter({ type: 'record', name: 'B', fields: [{ name: 'b', type: 'bytes' }] })).toBeUndefined();
    expect(compileAvroJsonWriter({ type: 'record', name: 'U', fields: [{ name: 'u', type: ['null', 'string', 'long'] }] })).toBeUndefined();
  });
});
