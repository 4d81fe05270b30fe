/**
 * Fidelity of the Avro mapping on the real registry: every event version converts, and every
 * valid payload (the schema's own examples and samples drawn from the schema) passes the
 * registry's validator, encodes and decodes back deep-equal in both Avro encodings.
 */
import avro from 'avsc';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAvroCodec, type AvroEncoding } from '../../runtime/index.js';
import { arbitraryForSchema } from '../../testing/arbitrary.js';
import { loadRegistryAvroVersions, registryRefs } from './support/registry-avro.js';

const versions = await loadRegistryAvroVersions();
const ENCODINGS: AvroEncoding[] = ['avro-json', 'avro-binary'];

describe('registry → Avro', () => {
  it('covers every event version of the registry', () => {
    expect(versions.length).toBeGreaterThanOrEqual(10);
    expect(new Set(versions.map((version) => version.eventType)).size).toBeGreaterThanOrEqual(10);
  });

  describe.each(versions.map((version) => [version.schemaFile, version] as const))('%s', (_file, version) => {
    it('converts to an Avro record avsc accepts, named after the event type', () => {
      const schema = version.entry.avroSchema as { name: string; namespace: string };
      expect(schema.namespace).toBe('dev.clone.events');
      expect(schema.name).toMatch(/^[A-Z][A-Za-z0-9]*$/);
      expect(() => avro.Type.forSchema(schema as avro.Schema, { wrapUnions: true })).not.toThrow();
    });

    it.each(ENCODINGS)('round-trips the schema examples and sampled payloads (%s)', (encoding) => {
      const codec = createAvroCodec(encoding);
      const examples = (version.schema.examples ?? []) as unknown[];
      expect(examples.length).toBeGreaterThan(0);
      for (const example of examples) {
        expect(version.entry.validate(example)).toEqual({ valid: true });
        expect(codec.decode(version.entry, codec.encode(version.entry, example))).toStrictEqual(example);
      }
      fc.assert(
        fc.property(arbitraryForSchema(version.schema, { loadRef: registryRefs.loadRef }), (payload) => {
          expect(version.entry.validate(payload)).toEqual({ valid: true });
          expect(codec.decode(version.entry, codec.encode(version.entry, payload))).toStrictEqual(payload);
        }),
        { numRuns: 150 },
      );
    });
  });

  it('resolves each event type between consecutive versions in both directions', () => {
    const codec = createAvroCodec('avro-binary');
    let pairs = 0;
    for (const newer of versions) {
      const older = versions.find(
        (candidate) => candidate.eventType === newer.eventType && candidate.version === newer.version - 1,
      );
      if (!older) continue;
      pairs += 1;
      for (const example of (older.schema.examples ?? []) as unknown[]) {
        const resolved = codec.decodeAs(older.entry, newer.entry, codec.encode(older.entry, example));
        expect(newer.entry.validate(resolved)).toEqual({ valid: true });
        expect(resolved).toStrictEqual(example);
      }
      for (const example of (newer.schema.examples ?? []) as unknown[]) {
        const resolved = codec.decodeAs(newer.entry, older.entry, codec.encode(newer.entry, example));
        expect(older.entry.validate(resolved)).toEqual({ valid: true });
      }
    }
    expect(pairs).toBeGreaterThan(0);
  });
});
