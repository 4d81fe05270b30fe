import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import {
  AvroRefError,
  AvroUnrepresentableError,
  avroDefinitionPath,
  avroRecordName,
  jsonSchemaToAvro,
  renderAvroDefinitions,
  type AvroField,
  type AvroRecordSchema,
} from '../../generator/avro/index.js';
import { loadFixtureRef, orderPlacedV1, orderPlacedV2 } from './support/fixture-schemas.js';

const NAMESPACE = 'dev.clone.events';

function convertOrder(schema: unknown = orderPlacedV2): AvroRecordSchema {
  return jsonSchemaToAvro(schema, { name: 'OrderPlaced', namespace: NAMESPACE, loadRef: loadFixtureRef });
}

function field(record: AvroRecordSchema, name: string): AvroField {
  const found = record.fields.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no field ${name}`);
  return found;
}

/** Wraps a property schema in a closed root object, as a payload schema. */
function payloadWith(
  properties: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    $id: 'https://schemas.clone.dev/events/test.case/1.json',
    type: 'object',
    additionalProperties: false,
    required: Object.keys(properties),
    properties,
    ...extra,
  };
}

function unrepresentable(schema: unknown, loadRef = loadFixtureRef): AvroUnrepresentableError {
  try {
    jsonSchemaToAvro(schema, { name: 'TestCase', namespace: NAMESPACE, loadRef });
  } catch (error) {
    if (error instanceof AvroUnrepresentableError) return error;
    throw error;
  }
  throw new Error('expected AvroUnrepresentableError');
}

describe('jsonSchemaToAvro: mapping', () => {
  it('maps the root to a named record with the given namespace and the schema description as doc', () => {
    const record = convertOrder();
    expect(record).toMatchObject({ type: 'record', name: 'OrderPlaced', namespace: NAMESPACE });
    expect(record.doc).toBe(orderPlacedV2.description);
    expect(record.fields.map((candidate) => candidate.name)).toEqual(Object.keys(orderPlacedV2.properties));
  });

  it('keeps required, nullable, optional and optional-nullable apart', () => {
    const record = convertOrder();
    expect(field(record, 'placedAt')).toEqual({ name: 'placedAt', type: 'string' });
    expect(field(record, 'nickname')).toEqual({
      name: 'nickname',
      type: ['null', 'string'],
      doc: 'Required but may be null.',
    });
    expect(field(record, 'note')).toEqual({
      name: 'note',
      type: ['null', 'string'],
      doc: 'Optional, never null.',
      default: null,
      'x-json-optional': true,
    });
    expect(field(record, 'couponCode')).toMatchObject({
      type: ['null', 'string', 'JsonNull'],
      default: null,
      'x-json-optional': true,
    });
    expect(field(record, 'legacyFlag')).toMatchObject({ type: ['null', 'JsonNull'], 'x-json-optional': true });
  });

  it('defines JsonNull once, at its first use, marked with x-json-null', () => {
    const text = JSON.stringify(convertOrder());
    expect(text.match(/"name":"JsonNull"/g)).toHaveLength(1);
    const lineItem = (field(convertOrder(), 'lines').type as { items: AvroRecordSchema }).items;
    expect(field(lineItem, 'discount').type).toEqual([
      'null',
      'double',
      {
        type: 'enum',
        name: 'JsonNull',
        doc: expect.any(String),
        symbols: ['NULL'],
        'x-json-null': true,
      },
    ]);
  });

  it('maps integer to long, number to double, boolean, arrays and maps', () => {
    const record = convertOrder();
    const lineItem = field(record, 'lines').type as { type: string; items: AvroRecordSchema };
    expect(lineItem.type).toBe('array');
    expect(lineItem.items.name).toBe('OrderPlacedLinesItem');
    expect(field(lineItem.items, 'quantity').type).toBe('long');
    expect(field(record, 'weights').type).toEqual(['null', { type: 'array', items: 'double' }]);
    expect(field(record, 'tags').type).toEqual(['null', { type: 'map', values: ['null', 'string'] }]);
    expect(field(record, 'pricesByRegion').type).toEqual(['null', { type: 'map', values: 'Money' }]);
  });

  it('defines a $ref target once and refers to it by name afterwards', () => {
    const record = convertOrder();
    expect(field(record, 'total').type).toMatchObject({
      type: 'record',
      name: 'Money',
      doc: 'An amount in a currency.',
    });
    const lineItem = (field(record, 'lines').type as { items: AvroRecordSchema }).items;
    expect(field(lineItem, 'price').type).toBe('Money');
    expect(field(record, 'giftWrap').type).toEqual(['null', 'Money', 'JsonNull']);
    expect(JSON.stringify(record).match(/"name":"Money"/g)).toHaveLength(1);
  });

  it('maps a recursive $ref to a name reference inside the record', () => {
    const tree = field(convertOrder(), 'categoryTree').type as [string, AvroRecordSchema];
    expect(tree[1].name).toBe('TreeNode');
    expect(field(tree[1], 'children').type).toEqual({ type: 'array', items: 'TreeNode' });
    expect(field(tree[1], 'parent').type).toEqual(['null', 'TreeNode']);
  });

  it('maps string enums to Avro enums and keeps const as a one-symbol enum', () => {
    const record = convertOrder();
    expect(field(record, 'status').type).toEqual({
      type: 'enum',
      name: 'OrderPlacedStatus',
      symbols: ['placed', 'paid'],
    });
    expect(field(record, 'status').doc).toBe('Where the order is.');
    const shipping = (field(record, 'shipping').type as [string, AvroRecordSchema])[1];
    expect(field(shipping, 'method').type).toEqual({
      type: 'enum',
      name: 'OrderPlacedShippingMethod',
      symbols: ['courier'],
    });
  });

  it('maps enum values that are not Avro symbols through x-json-values', () => {
    const locale = (field(convertOrder(), 'locale').type as [string, Record<string, unknown>])[1];
    expect(locale).toEqual({
      type: 'enum',
      name: 'Locale',
      symbols: ['en_US_2', 'fr_FR', '_1st', 'en_US'],
      'x-json-values': ['en-US', 'fr-FR', '1st', 'en_US'],
    });
  });

  it('names inline objects and enums after their title when they have one', () => {
    const record = jsonSchemaToAvro(
      payloadWith({
        latency: {
          title: 'TurnLatency',
          type: 'object',
          additionalProperties: false,
          required: ['kind'],
          properties: { kind: { title: 'LatencyKind', type: 'string', enum: ['a'] } },
        },
      }),
      { name: 'TestCase', namespace: NAMESPACE },
    );
    const latency = field(record, 'latency').type as AvroRecordSchema;
    expect(latency.name).toBe('TurnLatency');
    expect((field(latency, 'kind').type as { name: string }).name).toBe('LatencyKind');
  });

  it('gives clashing names a numeric suffix, deterministically', () => {
    const record = jsonSchemaToAvro(
      payloadWith({
        a: { title: 'Part', type: 'object', additionalProperties: false, properties: {} },
        b: { title: 'Part', type: 'object', additionalProperties: false, properties: {} },
        c: { title: 'TestCase', type: 'string', enum: ['x'] },
      }),
      { name: 'TestCase', namespace: NAMESPACE },
    );
    expect((field(record, 'a').type as AvroRecordSchema).name).toBe('Part');
    expect((field(record, 'b').type as AvroRecordSchema).name).toBe('Part2');
    expect((field(record, 'c').type as AvroRecordSchema).name).toBe('TestCase2');
  });

  it('produces schemas avsc parses, with identical output on every run', () => {
    const first = convertOrder();
    expect(() => avro.Type.forSchema(first as avro.Schema, { wrapUnions: true })).not.toThrow();
    expect(JSON.stringify(convertOrder())).toBe(JSON.stringify(first));
    expect(() => avro.Type.forSchema(convertOrder(orderPlacedV1) as avro.Schema, { wrapUnions: true })).not.toThrow();
  });

  it('keeps validation-only keywords out of the Avro schema', () => {
    const record = jsonSchemaToAvro(
      payloadWith({
        code: { type: 'string', pattern: '^[A-Z]+$', minLength: 1, maxLength: 5, format: 'email' },
        count: { type: 'integer', minimum: 1, maximum: 10, multipleOf: 2 },
        level: { type: 'integer', enum: [1, 2, 3] },
        ids: { type: 'array', items: { type: 'string' }, uniqueItems: true, minItems: 1, contains: { const: 'a' } },
      }),
      { name: 'TestCase', namespace: NAMESPACE },
    );
    expect(record.fields.map((candidate) => candidate.type)).toEqual([
      'string',
      'long',
      'long',
      { type: 'array', items: 'string' },
    ]);
  });
});

describe('jsonSchemaToAvro: unrepresentable constructs are typed errors with schema and pointer', () => {
  const id = 'https://schemas.clone.dev/events/test.case/1.json';
  const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ['allOf', { x: { allOf: [{ type: 'string' }] } }, '/properties/x/allOf', /allOf is not supported/],
    [
      'anyOf of two types',
      { x: { anyOf: [{ type: 'string' }, { type: 'integer' }] } },
      '/properties/x/anyOf',
      /only as \[X/,
    ],
    [
      'oneOf of two objects',
      { x: { oneOf: [{ $ref: '#/definitions/A' }, { $ref: '#/definitions/A' }] } },
      '/properties/x/oneOf',
      /only as/,
    ],
    ['not', { x: { type: 'string', not: { const: 'a' } } }, '/properties/x/not', /conditional or negated/],
    ['if/then', { x: { type: 'string', if: { const: 'a' } } }, '/properties/x/if', /conditional/],
    [
      'patternProperties',
      { x: { type: 'object', patternProperties: { '^a': { type: 'string' } } } },
      '/properties/x/patternProperties',
      /patternProperties/,
    ],
    ['open object', { x: { type: 'object', properties: { a: { type: 'string' } } } }, '/properties/x', /open object/],
    [
      'open object with a value schema',
      { x: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'string' } } },
      '/properties/x',
      /open object/,
    ],
    ['free-form object', { x: { type: 'object' } }, '/properties/x', /free-form object/],
    [
      'tuple items',
      { x: { type: 'array', items: [{ type: 'string' }, { type: 'integer' }] } },
      '/properties/x/items',
      /tuple/,
    ],
    ['array without items', { x: { type: 'array' } }, '/properties/x', /without an items schema/],
    ['mixed type union', { x: { type: ['string', 'integer'] } }, '/properties/x/type', /union of types/],
    ['integer|number', { x: { type: ['integer', 'number', 'null'] } }, '/properties/x/type', /union of types/],
    ['no type', { x: { description: 'anything' } }, '/properties/x', /no type/],
    ['boolean schema', { x: true }, '/properties/x', /boolean schema/],
    ['const object', { x: { const: { a: 1 } } }, '/properties/x', /objects or arrays/],
    ['mixed enum', { x: { enum: ['a', 1] } }, '/properties/x/type', /union of types/],
    [
      'enum value of another type',
      { x: { type: 'string', enum: ['a', 1] } },
      '/properties/x',
      /does not have the schema's type/,
    ],
    ['type beside $ref', { x: { $ref: '#/definitions/A', type: 'object' } }, '/properties/x/type', /beside \$ref/],
    ['invalid field name', { 'mime-type': { type: 'string' } }, '/properties/mime-type', /not a valid Avro field name/],
    ['dependencies', { x: { type: 'string' } }, '/dependencies', /fixed set of fields/],
    ['unknown keyword', { x: { type: 'string', minContains: 1 } }, '/properties/x/minContains', /not supported/],
    [
      'recursion through an array',
      { x: { $ref: '#/definitions/Loop' } },
      '/definitions/Loop/items',
      /recursive through a type that is not an object/,
    ],
  ];
  const definitions = {
    A: { type: 'object', additionalProperties: false, properties: {} },
    Loop: { type: 'array', items: { $ref: '#/definitions/Loop' } },
  };

  it.each(cases)('%s', (_name, properties, pointer, reason) => {
    const extra: Record<string, unknown> = { definitions };
    if (_name === 'dependencies') extra.dependencies = { x: ['x'] };
    const error = unrepresentable(payloadWith(properties, extra));
    expect(error.code).toBe('AVRO_UNREPRESENTABLE');
    expect(error.schema).toBe(id);
    expect(error.pointer).toBe(pointer);
    expect(error.reason).toMatch(reason);
    expect(error.message).toContain(`${id}#${pointer}`);
  });

  it('names the document a cross-file $ref leads into, and the $ref site', () => {
    const broken = {
      $id: 'https://schemas.clone.dev/events/common/broken.json',
      definitions: { Open: { type: 'object', properties: { a: { type: 'string' } } } },
    };
    const error = unrepresentable(payloadWith({ x: { $ref: '../common/broken.json#/definitions/Open' } }), (uri) =>
      uri === broken.$id ? broken : loadFixtureRef(uri),
    );
    expect(error.schema).toBe('https://schemas.clone.dev/events/common/broken.json');
    expect(error.pointer).toBe('/definitions/Open');
    expect(error.via).toBe(`${id}#/properties/x`);
    expect(error.message).toContain(`reached through $ref at ${id}#/properties/x`);
  });

  it('names the schema file when the schema has no $id', () => {
    try {
      jsonSchemaToAvro(
        { type: 'object', properties: { a: { type: 'string' } } },
        { name: 'TestCase', namespace: NAMESPACE, schemaFile: 'schemas/test.case/1.json' },
      );
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AvroUnrepresentableError);
      expect((error as AvroUnrepresentableError).schema).toBe('schemas/test.case/1.json');
      expect((error as AvroUnrepresentableError).pointer).toBe('');
    }
  });

  it('refuses a root that is not a closed object', () => {
    expect(unrepresentable({ $id: id, type: 'string' }).reason).toMatch(/closed object/);
    expect(
      unrepresentable({ $id: id, type: ['object', 'null'], additionalProperties: false, properties: {} }).reason,
    ).toMatch(/closed object/);
  });

  it('reports unresolvable $refs as AvroRefError', () => {
    const convert = (ref: string, loadRef?: (uri: string) => unknown): unknown =>
      jsonSchemaToAvro(payloadWith({ x: { $ref: ref } }), {
        name: 'TestCase',
        namespace: NAMESPACE,
        ...(loadRef && { loadRef }),
      });
    expect(() => convert('#/definitions/Missing')).toThrow(AvroRefError);
    expect(() => convert('../common/shapes.json#/definitions/Money')).toThrow(/no loadRef was given/);
    expect(() => convert('../common/nope.json#/definitions/X', loadFixtureRef)).toThrow(
      /loading 'https:\/\/schemas.clone.dev\/events\/common\/nope.json' failed/,
    );
    expect(() => convert('#anchor')).toThrow(/only JSON pointer fragments/);
    try {
      convert('#/definitions/Missing');
    } catch (error) {
      expect((error as AvroRefError).code).toBe('AVRO_REF_UNRESOLVED');
      expect((error as AvroRefError).pointer).toBe('/properties/x/$ref');
    }
  });
});

describe('renderAvroDefinitions', () => {
  const inputs = [
    { eventType: 'order.placed', version: 2, schema: orderPlacedV2, schemaFile: 'schemas/order.placed/2.json' },
    { eventType: 'order.placed', version: 1, schema: orderPlacedV1, schemaFile: 'schemas/order.placed/1.json' },
  ];

  it('renders one sorted .avsc per version: 2-space JSON, trailing newline, version-independent record name', () => {
    const files = renderAvroDefinitions(inputs, { loadRef: loadFixtureRef });
    expect(files.map((file) => file.path)).toEqual(['avro/order.placed/1.avsc', 'avro/order.placed/2.avsc']);
    for (const file of files) {
      expect(file.content.endsWith('}\n')).toBe(true);
      const parsed = JSON.parse(file.content) as AvroRecordSchema;
      expect(file.content).toBe(`${JSON.stringify(parsed, null, 2)}\n`);
      expect(parsed.name).toBe('OrderPlaced');
      expect(parsed.namespace).toBe('dev.clone.events');
    }
    expect(renderAvroDefinitions([...inputs].reverse(), { loadRef: loadFixtureRef })).toEqual(files);
  });

  it('derives names and paths from the event type', () => {
    expect(avroRecordName('conversation.turn_completed')).toBe('ConversationTurnCompleted');
    expect(avroRecordName('user.created')).toBe('UserCreated');
    expect(avroDefinitionPath('user.created', 2)).toBe('avro/user.created/2.avsc');
  });
});
