/**
 * Recursive schemas (after Confluent's SchemaDiffTest): memoization never masks an incompatible
 * change behind a recursive oneOf cycle, and a large recursive union still finishes.
 */
import { describe, expect, it } from 'vitest';
import { diffSchemaValues } from '../../compat/diff/index.js';

/** T0 and T1 carry an `id` of the given types and a `ref` that is a singleton oneOf; T0 → T2 → T0. */
function memoMasking(t0Id: string, t1Id: string): Record<string, unknown> {
  const node = (idType: string, target: string): Record<string, unknown> => ({
    type: 'object',
    additionalProperties: true,
    properties: {
      id: { type: idType },
      ref: { oneOf: [{ $ref: `#/definitions/${target}` }] },
    },
  });
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    additionalProperties: true,
    definitions: { T0: node(t0Id, 'T2'), T1: node(t1Id, 'T2'), T2: node('integer', 'T0') },
    properties: { root: { oneOf: [{ $ref: '#/definitions/T0' }, { $ref: '#/definitions/T1' }] } },
  };
}

const PRODUCTS = [
  'Asset',
  'Basket',
  'Swap',
  'Bond',
  'Option',
  'Future',
  'Forward',
  'Loan',
  'Repo',
  'Equity',
  'Index',
  'CommodityLeg',
];

/** Twelve product types, each with two properties that are a oneOf of all twelve. */
function trade(assetIdType = 'string'): Record<string, unknown> {
  const union = (): Record<string, unknown> => ({ oneOf: PRODUCTS.map((name) => ({ $ref: `#/definitions/${name}` })) });
  const definitions: Record<string, unknown> = {};
  for (const name of PRODUCTS) {
    definitions[name] = {
      type: 'object',
      properties: {
        id: { type: name === 'Asset' ? assetIdType : 'string' },
        underlying: union(),
        referenceProduct: union(),
      },
    };
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Trade',
    type: 'object',
    additionalProperties: true,
    definitions,
    properties: { tradeId: { type: 'string' }, product: union() },
  };
}

const strict = { mode: 'BACKWARD', policy: 'STRICT' } as const;

describe('recursive schemas', () => {
  it('reports an incompatible change that sits behind a recursive oneOf cycle (T0 → T2 → T0)', () => {
    const result = diffSchemaValues([memoMasking('integer', 'boolean'), memoMasking('boolean', 'number')], strict);
    expect(result.compatible).toBe(false);
    expect(result.findings.filter((finding) => !finding.compatible).map((finding) => finding.rule)).toContain(
      'COMBINED_TYPE_SUBSCHEMAS_CHANGED',
    );
  });

  it('finds nothing between two copies of the same recursive oneOf cycle', () => {
    const result = diffSchemaValues([memoMasking('integer', 'boolean'), memoMasking('integer', 'boolean')], strict);
    expect(result).toMatchObject({ compatible: true, findings: [] });
  });

  it('compares the recursive union of twelve product types that reference each other', () => {
    expect(diffSchemaValues([trade(), trade()], strict)).toMatchObject({ compatible: true, findings: [] });
  });

  it('detects a type change deep in one of the twelve product types', () => {
    // The new Asset (a number id) reads none of the old product types, so no one-to-one matching
    // of the twelve branches exists (Confluent reports the same single difference).
    const result = diffSchemaValues([trade(), trade('number')], strict);
    expect(result.compatible).toBe(false);
    expect(result.findings.map((finding) => `${finding.pointer} ${finding.rule}`)).toEqual([
      '/properties/product/oneOf COMBINED_TYPE_SUBSCHEMAS_CHANGED',
    ]);
  });
});
