import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serializeAvroSchema, type AvroRecordSchema } from '../../generator/avro/index.js';
import {
  AvroEncodeError,
  AvroSchemaIncompatibleError,
  AvroSchemaMissingError,
  createAvroCodec,
  PayloadDecodeError,
  type AvroEncoding,
  type EventVersionEntry,
} from '../../runtime/index.js';
import { arbitraryForSchema } from '../../testing/arbitrary.js';
import { orderPlacedV1Entry, orderPlacedV2Entry } from './support/fixture-catalog.js';
import { loadFixtureRef, orderPlacedV1, orderPlacedV2 } from './support/fixture-schemas.js';

const ENCODINGS: AvroEncoding[] = ['avro-json', 'avro-binary'];

const basePayload = {
  orderId: '6f1c2b9e-3d4a-4c8e-9f21-7a5b0c3d2e10',
  total: { amountMinor: 1250, currency: 'EUR' },
  status: 'paid',
  lines: [{ sku: 'ABC-123', quantity: 2, price: { amountMinor: 625, currency: 'EUR' } }],
  placedAt: '2026-11-28T11:40:02.5Z',
  nickname: null,
};

describe.each(ENCODINGS)('createAvroCodec(%s)', (encoding) => {
  const codec = createAvroCodec(encoding);

  it.each([
    ['v1', orderPlacedV1, orderPlacedV1Entry],
    ['v2', orderPlacedV2, orderPlacedV2Entry],
  ] as const)('round-trips every sampled valid %s payload to a deep-equal object', (_name, schema, entry) => {
    fc.assert(
      fc.property(arbitraryForSchema(schema, { loadRef: loadFixtureRef }), (payload) => {
        expect(entry.validate(payload)).toEqual({ valid: true });
        expect(codec.decode(entry, codec.encode(entry, payload))).toStrictEqual(payload);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps absent, null and a value apart for an optional-nullable property', () => {
    for (const couponCode of [undefined, null, 'SAVE10']) {
      const payload = couponCode === undefined ? { ...basePayload } : { ...basePayload, couponCode };
      const decoded = codec.decode(orderPlacedV2Entry, codec.encode(orderPlacedV2Entry, payload)) as Record<
        string,
        unknown
      >;
      expect(decoded).toStrictEqual(payload);
      expect(Object.hasOwn(decoded, 'couponCode')).toBe(couponCode !== undefined);
    }
  });

  it('reads the serialized .avsc text as well as the schema object', () => {
    const textEntry: EventVersionEntry = {
      ...orderPlacedV2Entry,
      avroSchema: serializeAvroSchema(orderPlacedV2Entry.avroSchema as AvroRecordSchema),
    };
    const payload = { ...basePayload, locale: 'en-US', tags: { a: null } };
    expect(codec.encode(textEntry, payload)).toEqual(codec.encode(orderPlacedV2Entry, payload));
    expect(codec.decode(textEntry, codec.encode(orderPlacedV2Entry, payload))).toStrictEqual(payload);
  });

  it('resolves data written by v1 into a v2 reader (new optional properties stay absent) and back', () => {
    const v1Payload = { ...basePayload, note: 'leave at the door' };
    const fromV1 = codec.decodeAs(orderPlacedV1Entry, orderPlacedV2Entry, codec.encode(orderPlacedV1Entry, v1Payload));
    expect(fromV1).toStrictEqual(v1Payload);
    expect(orderPlacedV2Entry.validate(fromV1)).toEqual({ valid: true });

    const v2Payload = {
      ...v1Payload,
      couponCode: null,
      locale: 'fr-FR',
      giftWrap: { amountMinor: 1, currency: 'USD' },
    };
    const fromV2 = codec.decodeAs(orderPlacedV2Entry, orderPlacedV1Entry, codec.encode(orderPlacedV2Entry, v2Payload));
    expect(fromV2).toStrictEqual(v1Payload);
  });

  it('rejects malformed bytes with PayloadDecodeError', () => {
    const valid = codec.encode(orderPlacedV2Entry, basePayload);
    const malformed = [
      Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
      valid.subarray(0, valid.length - 3),
      Buffer.from('{"orderId": 1}'),
      Buffer.from(''),
    ];
    if (encoding === 'avro-binary') malformed.push(Buffer.concat([valid, Buffer.from([0x00])]));
    for (const data of malformed) {
      let caught: unknown;
      try {
        codec.decode(orderPlacedV2Entry, data);
      } catch (error) {
        caught = error;
      }
      expect(caught, data.toString('hex')).toBeInstanceOf(PayloadDecodeError);
      expect((caught as PayloadDecodeError).code).toBe('PAYLOAD_DECODE_FAILED');
      expect((caught as PayloadDecodeError).encoding).toBe(encoding);
    }
    expect(() => codec.decodeAs(orderPlacedV1Entry, orderPlacedV2Entry, Buffer.from([0x02]))).toThrow(
      PayloadDecodeError,
    );
  });

  it('refuses payloads that do not fit the Avro schema with AvroEncodeError and the JSON pointer', () => {
    const cases: Array<[unknown, string, RegExp]> = [
      [{ ...basePayload, extra: 1 }, '', /unknown property 'extra'/],
      [
        { ...basePayload, lines: [{ ...basePayload.lines[0], quantity: 'two' }] },
        '/lines/0/quantity',
        /expected an integer/,
      ],
      [{ ...basePayload, note: null }, '/note', /may only be absent/],
      [{ ...basePayload, status: 'lost' }, '/status', /not one of the enum values/],
      [{ ...basePayload, locale: 'de-DE' }, '/locale', /not one of the enum values/],
      [{ ...basePayload, total: undefined }, '/total', /required property is missing/],
      [
        { ...basePayload, total: { amountMinor: 2 ** 53 - 1, currency: 'EUR' } },
        '/total/amountMinor',
        /within ±9007199254740990/,
      ],
      ['not an object', '', /expected an object/],
      [{ ...basePayload, tags: JSON.parse('{"__proto__": "x"}') as unknown }, '/tags', /'__proto__'/],
    ];
    for (const [payload, path, reason] of cases) {
      let caught: unknown;
      try {
        codec.encode(orderPlacedV2Entry, payload);
      } catch (error) {
        caught = error;
      }
      expect(caught, JSON.stringify(payload)).toBeInstanceOf(AvroEncodeError);
      expect((caught as AvroEncodeError).code).toBe('AVRO_ENCODE_FAILED');
      expect((caught as AvroEncodeError).schemaId).toBe(orderPlacedV2.$id);
      expect((caught as AvroEncodeError).path).toBe(path);
      expect((caught as AvroEncodeError).message).toMatch(reason);
    }
  });

  it('names a version without an Avro schema, and schemas that cannot resolve', () => {
    const { avroSchema: _dropped, ...withoutAvro } = orderPlacedV2Entry;
    expect(() => codec.encode(withoutAvro, basePayload)).toThrow(AvroSchemaMissingError);
    expect(() => codec.encode(withoutAvro, basePayload)).toThrow(/has no Avro schema/);
    const renamed: EventVersionEntry = {
      ...orderPlacedV1Entry,
      schemaId: 'https://schemas.clone.dev/events/other/1.json',
      avroSchema: { ...(orderPlacedV1Entry.avroSchema as AvroRecordSchema), name: 'SomethingElse' },
    };
    const data = codec.encode(renamed, basePayload);
    expect(() => codec.decodeAs(renamed, orderPlacedV2Entry, data)).toThrow(AvroSchemaIncompatibleError);
  });
});

describe('Avro JSON encoding', () => {
  const codec = createAvroCodec('avro-json');

  it('writes every field, wraps union values and maps absent/null/JsonNull and enum symbols', () => {
    const payload = { ...basePayload, couponCode: null, locale: 'en-US', tags: { a: null, b: 'x' }, legacyFlag: null };
    const text = codec.encode(orderPlacedV2Entry, payload).toString('utf8');
    const json = JSON.parse(text) as Record<string, unknown>;
    expect(json.nickname).toBeNull(); // required-nullable: Avro null is JSON null
    expect(json.note).toBeNull(); // optional: Avro null is "absent"
    expect(json.couponCode).toEqual({ 'dev.clone.events.JsonNull': 'NULL' }); // optional-nullable: JSON null
    expect(json.locale).toEqual({ 'dev.clone.events.Locale': 'en_US_2' });
    expect(json.tags).toEqual({ map: { a: null, b: { string: 'x' } } });
    expect(json.legacyFlag).toEqual({ 'dev.clone.events.JsonNull': 'NULL' });
    expect(json.lines).toEqual([
      { sku: 'ABC-123', quantity: 2, price: { amountMinor: 625, currency: 'EUR' }, discount: null },
    ]);
    expect(Object.keys(json)).toEqual(Object.keys(orderPlacedV2.properties));
  });

  it('refuses plain JSON where Avro JSON wraps a union value', () => {
    const plain = Buffer.from(JSON.stringify({ ...basePayload, note: 'plain string', couponCode: null }));
    expect(() => codec.decode(orderPlacedV2Entry, plain)).toThrow(PayloadDecodeError);
  });
});

describe('encoded sizes', () => {
  it('binary is smaller than Avro JSON for every sampled payload', () => {
    const json = createAvroCodec('avro-json');
    const binary = createAvroCodec('avro-binary');
    fc.assert(
      fc.property(arbitraryForSchema(orderPlacedV2, { loadRef: loadFixtureRef }), (payload) => {
        expect(binary.encode(orderPlacedV2Entry, payload).length).toBeLessThan(
          json.encode(orderPlacedV2Entry, payload).length,
        );
      }),
      { numRuns: 100 },
    );
  });
});
