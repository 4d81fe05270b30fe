import { describe, expect, it } from 'vitest';
import {
  assertRevisionsResolve,
  canonicalJson,
  checkAvroDefinition,
  diffEventSchema,
  mapRevisionsToVersions,
  MAX_SCHEMA_REVISIONS,
  SchemaRevisionIncompatibleError,
  SchemaRevisionLimitError,
  AvroDefinitionError,
  type DesiredEventSchema,
  type LiveSchema,
  type LiveSchemaRevision,
  type LiveTopic,
} from '../../ops/infra/index.js';

const record = (...extra: object[]): object => ({
  type: 'record',
  name: 'ThingHappened',
  namespace: 'dev.clone.events',
  fields: [{ name: 'id', type: 'string' }, ...extra],
});
const optional = (name: string): object => ({ name, type: ['null', 'string'], default: null });

function desired(definitions: object[], minSupportedVersion = 1): DesiredEventSchema {
  return {
    eventType: 'thing.happened',
    schemaId: 'p.thing.happened',
    topicId: 'p.thing.happened',
    encoding: 'JSON',
    minSupportedVersion,
    topicCreation: { labels: {} },
    versions: definitions.map((definition, index) =>
      checkAvroDefinition({ eventType: 'thing.happened', version: index + 1, definition }),
    ),
  };
}

function revisions(...definitions: object[]): LiveSchemaRevision[] {
  return definitions.map((definition, index) => ({
    revisionId: `r${index + 1}`,
    createdAtNanos: BigInt(index + 1),
    definition: JSON.stringify(definition),
    canonical: canonicalJson(definition),
  }));
}

const live = (revs: LiveSchemaRevision[]): LiveSchema => ({
  schemaId: 'p.thing.happened',
  exists: true,
  revisions: revs,
});
const topic = (first: string, last: string, encoding: 'JSON' | 'BINARY' = 'JSON'): LiveTopic => ({
  id: 'p.thing.happened',
  labels: {},
  schemaSettings: { schemaId: 'p.thing.happened', encoding, firstRevisionId: first, lastRevisionId: last },
});
const summary = (plan: ReturnType<typeof diffEventSchema>): string[] =>
  plan.actions.map((action) => `${action.kind}${action.drift ? '!' : ''} ${action.description}`);

describe('diffEventSchema', () => {
  const v1 = record();
  const v2 = record(optional('note'));
  const v3 = record(optional('note'), optional('tag'));

  it('plans schema, revisions and topic from nothing', () => {
    const plan = diffEventSchema(
      desired([v1, v2]),
      { schemaId: 'p.thing.happened', exists: false, revisions: [] },
      undefined,
    );
    expect(summary(plan)).toEqual([
      'create create schema p.thing.happened (AVRO) with thing.happened v1 as its first revision',
      'commit commit revision for thing.happened v2 to schema p.thing.happened',
      'create create topic p.thing.happened with schema p.thing.happened (JSON, v1..v2)',
    ]);
  });

  it('matches revisions by canonical definition, whatever the key order', () => {
    const reordered: LiveSchemaRevision = {
      ...revisions(v1)[0]!,
      definition: JSON.stringify({
        fields: [{ type: 'string', name: 'id' }],
        namespace: 'dev.clone.events',
        name: 'ThingHappened',
        type: 'record',
      }),
    };
    const plan = diffEventSchema(desired([v1]), live([reordered]), topic('r1', 'r1'));
    expect(plan.actions.map((action) => action.kind)).toEqual(['no-op']);
  });

  it('gives versions with the same Avro definition one shared revision', () => {
    const plan = diffEventSchema(desired([v1, v1, v2]), live(revisions(v1, v2)), topic('r1', 'r2'));
    expect(plan.actions.map((action) => action.kind)).toEqual(['no-op']);
    expect(plan.slots.map((slot) => slot.versions)).toEqual([[1, 2], [3]]);
  });

  it('recommits versions whose revisions are out of version order', () => {
    const plan = diffEventSchema(desired([v1, v2, v3]), live(revisions(v1, v3, v2)), topic('r1', 'r3'));
    expect(summary(plan)).toEqual([
      'commit! commit revision for thing.happened v3 again (its revision is out of version order)',
      'update move the revision range of topic p.thing.happened to v1..v3',
    ]);
  });

  it('deletes a revision matching no version, after moving the topic off it', () => {
    const hand = record(optional('sneaky'));
    const plan = diffEventSchema(desired([v1, v2]), live(revisions(v1, v2, hand)), topic('r1', 'r3'));
    expect(summary(plan)).toEqual([
      'update! move the revision range of topic p.thing.happened to v1..v2',
      'delete! delete revision r3 of schema p.thing.happened: it matches no registry version (edited by hand?)',
    ]);
  });

  it('reports a hand-changed encoding as drift', () => {
    const plan = diffEventSchema(desired([v1]), live(revisions(v1)), topic('r1', 'r1', 'BINARY'));
    expect(plan.actions[0]).toMatchObject({
      kind: 'update',
      drift: true,
      changes: [{ field: 'encoding', live: 'BINARY', desired: 'JSON' }],
    });
  });

  it('makes room under the 20-revision limit by deleting revisions of retired versions first', () => {
    const versions = Array.from({ length: 21 }, (_, index) =>
      record(...Array.from({ length: index }, (_unused, field) => optional(`f${field}`))),
    );
    const existing = revisions(...versions.slice(0, 20));
    const plan = diffEventSchema(desired(versions, 2), live(existing), topic('r2', 'r20'));
    expect(summary(plan)).toContain(
      'delete delete revision r1 of schema p.thing.happened: it makes room: Pub/Sub keeps at most 20 revisions',
    );
    expect(plan.actions.filter((action) => action.kind === 'commit')).toHaveLength(1);
  });

  it('refuses more supported versions than Pub/Sub keeps revisions', () => {
    const versions = Array.from({ length: MAX_SCHEMA_REVISIONS + 1 }, (_, index) =>
      record(...Array.from({ length: index }, (_unused, field) => optional(`f${field}`))),
    );
    expect(() =>
      diffEventSchema(desired(versions), { schemaId: 'p.thing.happened', exists: false, revisions: [] }, undefined),
    ).toThrow(SchemaRevisionLimitError);
  });

  it('refuses a new version that does not resolve against the previous one, naming event and versions', () => {
    const breaking = record({ name: 'required', type: 'string' });
    const attempt = (): unknown => diffEventSchema(desired([v1, breaking]), live(revisions(v1)), topic('r1', 'r1'));
    expect(attempt).toThrow(SchemaRevisionIncompatibleError);
    expect(attempt).toThrow(
      /thing\.happened: the Avro schema of v2 does not resolve against v1 \(v2 cannot read data written with v1/,
    );
  });
});

describe('Avro definitions', () => {
  it('resolves compatible versions both ways', () => {
    const a = checkAvroDefinition({ eventType: 't', version: 1, definition: record() });
    const b = checkAvroDefinition({ eventType: 't', version: 2, definition: record(optional('x')) });
    expect(() => assertRevisionsResolve(a, b)).not.toThrow();
  });

  it('refuses text that is not Avro', () => {
    expect(() => checkAvroDefinition({ eventType: 't', version: 1, definition: '{"type":"recordd"}' })).toThrow(
      AvroDefinitionError,
    );
    expect(() => checkAvroDefinition({ eventType: 't', version: 1, definition: 'nope' })).toThrow(
      /t v1: the Avro definition is not JSON/,
    );
  });

  it('maps revision ids to the versions they hold', () => {
    const map = mapRevisionsToVersions(revisions(record(), record(optional('x')), record(optional('y'))), [
      { version: 1, definition: record() },
      { version: 2, definition: JSON.stringify(record(optional('x'))) },
      { version: 3, definition: record(optional('x')) },
    ]);
    expect([...map]).toEqual([
      ['r1', [1]],
      ['r2', [2, 3]],
    ]);
  });
});

describe('canonical definitions', () => {
  it('ignore key order, whitespace and doc, but not defaults', async () => {
    const { canonicalDefinition } = await import('../../ops/infra/index.js');
    const a = { type: 'record', name: 'R', doc: 'old words', fields: [{ name: 'doc', type: 'string', doc: 'x' }] };
    const b = { fields: [{ type: 'string', name: 'doc' }], name: 'R', type: 'record', doc: 'new words' };
    expect(canonicalDefinition(JSON.stringify(a, null, 2))).toBe(canonicalDefinition(b));
    const withDefault = (value: unknown): object => ({
      type: 'record',
      name: 'R',
      fields: [{ name: 'm', type: { type: 'map', values: 'string' }, default: value }],
    });
    expect(canonicalDefinition(withDefault({ doc: 'a' }))).not.toBe(canonicalDefinition(withDefault({ doc: 'b' })));
  });
});
