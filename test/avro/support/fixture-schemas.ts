/**
 * A small registry of our own that exercises every construct the Avro mapping supports:
 * cross-file and local $ref (reused, recursive, nullable via oneOf), optional / nullable /
 * optional-nullable properties, enums (with and without Avro-valid symbols), const, formats,
 * maps, arrays, nested inline objects and a property that can only be null.
 */
export const FIXTURE_BASE = 'https://schemas.clone.dev/events/';

export const commonShapes = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: `${FIXTURE_BASE}common/shapes.json`,
  definitions: {
    Uuid: { type: 'string', format: 'uuid', minLength: 36, maxLength: 36 },
    Money: {
      description: 'An amount in a currency.',
      type: 'object',
      additionalProperties: false,
      required: ['amountMinor', 'currency'],
      properties: {
        amountMinor: { type: 'integer', minimum: 0 },
        currency: { type: 'string', enum: ['EUR', 'USD'] },
      },
    },
    Locale: { type: 'string', enum: ['en-US', 'fr-FR', '1st', 'en_US'] },
    TreeNode: {
      type: 'object',
      additionalProperties: false,
      required: ['label', 'children'],
      properties: {
        label: { type: 'string', maxLength: 20 },
        children: { type: 'array', maxItems: 3, items: { $ref: '#/definitions/TreeNode' } },
        parent: { $ref: '#/definitions/TreeNode' },
      },
    },
  },
} as const;

export const orderPlacedV1 = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: `${FIXTURE_BASE}order.placed/1.json`,
  title: 'OrderPlacedV1',
  description: 'Fixture: an order was placed.',
  type: 'object',
  additionalProperties: false,
  required: ['orderId', 'total', 'status', 'lines', 'placedAt', 'nickname'],
  properties: {
    orderId: { $ref: '../common/shapes.json#/definitions/Uuid' },
    total: { $ref: '../common/shapes.json#/definitions/Money' },
    status: { description: 'Where the order is.', type: 'string', enum: ['placed', 'paid'] },
    lines: {
      type: 'array',
      minItems: 1,
      maxItems: 4,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['sku', 'quantity', 'price'],
        properties: {
          sku: { type: 'string', pattern: '^[A-Z]{3}-[0-9]{3}$' },
          quantity: { type: 'integer', minimum: 1, maximum: 99 },
          price: { $ref: '../common/shapes.json#/definitions/Money' },
          discount: { type: ['number', 'null'], minimum: 0, maximum: 1 },
        },
      },
    },
    placedAt: { type: 'string', format: 'date-time' },
    nickname: { description: 'Required but may be null.', type: ['string', 'null'], maxLength: 30 },
    note: { description: 'Optional, never null.', type: 'string', maxLength: 50 },
  },
} as const;

export const orderPlacedV2 = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: `${FIXTURE_BASE}order.placed/2.json`,
  title: 'OrderPlacedV2',
  description: 'Fixture: an order was placed (v2 adds optional fields).',
  type: 'object',
  additionalProperties: false,
  required: ['orderId', 'total', 'status', 'lines', 'placedAt', 'nickname'],
  properties: {
    ...orderPlacedV1.properties,
    couponCode: {
      description: 'Optional and nullable: absent (no coupon field) differs from null (field left empty).',
      type: ['string', 'null'],
      pattern: '^[A-Z0-9]{4,8}$',
    },
    locale: { $ref: '../common/shapes.json#/definitions/Locale' },
    tags: { type: 'object', maxProperties: 4, additionalProperties: { type: ['string', 'null'], maxLength: 10 } },
    pricesByRegion: {
      type: 'object',
      maxProperties: 3,
      additionalProperties: { $ref: '../common/shapes.json#/definitions/Money' },
    },
    shipping: {
      description: 'Inline nested object.',
      type: 'object',
      additionalProperties: false,
      required: ['method'],
      properties: {
        method: { type: 'string', const: 'courier' },
        express: { type: 'boolean' },
        website: { type: 'string', format: 'uri' },
        contact: { type: 'string', format: 'email' },
      },
    },
    giftWrap: {
      description: 'A nullable $ref.',
      oneOf: [{ $ref: '../common/shapes.json#/definitions/Money' }, { type: 'null' }],
    },
    categoryTree: { $ref: '../common/shapes.json#/definitions/TreeNode' },
    legacyFlag: { description: 'Optional, can only be null when present.', type: 'null' },
    weights: { type: 'array', maxItems: 5, items: { type: 'number' } },
  },
  examples: [
    {
      orderId: '6f1c2b9e-3d4a-4c8e-9f21-7a5b0c3d2e10',
      total: { amountMinor: 1250, currency: 'EUR' },
      status: 'paid',
      lines: [{ sku: 'ABC-123', quantity: 2, price: { amountMinor: 625, currency: 'EUR' }, discount: null }],
      placedAt: '2026-11-28T11:40:02.5Z',
      nickname: null,
      couponCode: null,
      locale: 'en-US',
      tags: { gift: null, color: 'red' },
      pricesByRegion: { eu: { amountMinor: 1250, currency: 'EUR' } },
      shipping: { method: 'courier', express: true, website: 'https://shop.example.com/track', contact: 'a@b.example' },
      giftWrap: null,
      categoryTree: {
        label: 'root',
        children: [{ label: 'leaf', children: [], parent: { label: 'root', children: [] } }],
      },
      legacyFlag: null,
      weights: [0.5, 1.25],
    },
  ],
} as const;

export const fixtureDocuments: Record<string, unknown> = {
  [commonShapes.$id]: commonShapes,
  [orderPlacedV1.$id]: orderPlacedV1,
  [orderPlacedV2.$id]: orderPlacedV2,
};

export function loadFixtureRef(uri: string): unknown {
  const document = fixtureDocuments[uri];
  if (document === undefined) throw new Error(`no fixture document '${uri}'`);
  return document;
}
