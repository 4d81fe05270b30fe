import { PubSub, type Message } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAvroCodec } from '../../runtime/codec/avro.js';
import {
  applySchemaSync,
  planHasChanges,
  planSchemaSync,
  readRegistryTopology,
  SCHEMA_REVISION_ATTRIBUTE,
  SchemaRevisionVersions,
  payloadEncodingOfMessage,
  codecForEncoding,
  readTopicPayloadEncoding,
  type AvroDefinition,
  type RegistryTopology,
  type SchemaSyncOptions,
} from '../../ops/infra/index.js';
import { examplePayload, registryDefinitions, versionEntry, withVersions } from './schema-fixtures.js';
import { randomPrefix, REGISTRY_FILE, runCli } from './support.js';

const projectId = process.env.GCP_PROJECT_ID ?? 'event-bus-test';
let pubsub: PubSub;
let topology: RegistryTopology;
let definitions: AvroDefinition[];
const avroJson = createAvroCodec('avro-json');

const definitionOf = (eventType: string, version: number): AvroDefinition => {
  const found = definitions.find((definition) => definition.eventType === eventType && definition.version === version);
  if (!found) throw new Error(`no definition for ${eventType} v${version}`);
  return found;
};

function options(topicPrefix: string, registry = topology): SchemaSyncOptions {
  return { topology: registry, definitions, projectId, topicPrefix, pubsub };
}

async function revisionsOf(schemaId: string): Promise<string[]> {
  const client = await pubsub.getSchemaClient();
  const [revisions] = await client.listSchemaRevisions({ name: `projects/${projectId}/schemas/${schemaId}` });
  return revisions.map((revision) => revision.revisionId ?? '');
}

async function publishVersion(topicId: string, eventType: string, version: number): Promise<string> {
  const data = avroJson.encode(versionEntry(definitionOf(eventType, version)), examplePayload(eventType, version));
  return pubsub.topic(topicId).publishMessage({ data, attributes: { 'ce-eventversion': String(version) } });
}

beforeAll(async () => {
  pubsub = new PubSub({ projectId });
  topology = await readRegistryTopology(REGISTRY_FILE);
  definitions = await registryDefinitions(topology);
});

afterAll(async () => {
  await pubsub.close();
});

describe('schema sync on the emulator', () => {
  it('creates every schema, revision and topic from empty; a second apply has nothing to do', async () => {
    const prefix = randomPrefix('s');
    const plan = await planSchemaSync(options(prefix));
    const kinds = plan.actions.map((action) => `${action.kind} ${action.resource} ${action.id}`);
    expect(kinds).toContain(`create schema ${prefix}.user.created`);
    expect(kinds).toContain(`commit schema-revision ${prefix}.user.created@v2`);
    expect(kinds).toContain(`create topic-schema ${prefix}.user.created`);
    expect(plan.actions.filter((action) => action.kind === 'create' && action.resource === 'schema')).toHaveLength(10);

    await applySchemaSync(options(prefix));

    const [metadata] = await pubsub.topic(`${prefix}.user.created`).getMetadata();
    const revisions = await revisionsOf(`${prefix}.user.created`);
    expect(revisions).toHaveLength(2);
    // Created with the same settings `infra apply` would give it, so either verb may run first.
    expect(metadata.messageStoragePolicy?.allowedPersistenceRegions).toEqual(['europe-west1', 'europe-west4']);
    expect(metadata.labels).toMatchObject({ 'managed-by': 'event-bus', aggregate_type: 'user' });
    expect(metadata.schemaSettings).toMatchObject({
      schema: `projects/${projectId}/schemas/${prefix}.user.created`,
      encoding: 'JSON',
      firstRevisionId: revisions[0],
      lastRevisionId: revisions[1],
    });

    expect(planHasChanges(await planSchemaSync(options(prefix)))).toBe(false);
    const second = await applySchemaSync(options(prefix));
    expect(second.applied).toEqual([]);
  });

  it('adds a version as one new revision and widens the range; an old-version publisher is still accepted', async () => {
    const prefix = randomPrefix('s');
    const before = withVersions(topology, 'user.created', 1);
    await applySchemaSync(options(prefix, before));
    const schemaId = `${prefix}.user.created`;
    const [v1Revision] = await revisionsOf(schemaId);
    await publishVersion(schemaId, 'user.created', 1);

    const plan = await planSchemaSync(options(prefix));
    const pending = plan.actions.filter((action) => action.kind !== 'no-op');
    expect(pending.map((action) => action.description)).toEqual([
      `commit revision for user.created v2 to schema ${schemaId}`,
      `move the revision range of topic ${schemaId} to v1..v2`,
    ]);
    expect(pending[1]?.drift).toBe(false);

    await applySchemaSync(options(prefix));
    const revisions = await revisionsOf(schemaId);
    expect(revisions).toHaveLength(2);
    const [metadata] = await pubsub.topic(schemaId).getMetadata();
    expect(metadata.schemaSettings?.firstRevisionId).toBe(v1Revision);
    expect(metadata.schemaSettings?.lastRevisionId).toBe(revisions[1]);

    // During the rollout both the old and the new publisher get through.
    await expect(publishVersion(schemaId, 'user.created', 1)).resolves.toMatch(/\S/);
    await expect(publishVersion(schemaId, 'user.created', 2)).resolves.toMatch(/\S/);

    expect(planHasChanges(await planSchemaSync(options(prefix)))).toBe(false);
  });

  it('validates messages on every event topic: each supported version accepted, garbage rejected', async () => {
    const prefix = randomPrefix('s');
    await applySchemaSync(options(prefix));
    for (const event of topology.events) {
      const topicId = `${prefix}.${event.eventType}`;
      for (const version of event.versions) {
        await expect(
          publishVersion(topicId, event.eventType, version),
          `${event.eventType} v${version}`,
        ).resolves.toMatch(/\S/);
      }
      await expect(pubsub.topic(topicId).publishMessage({ data: Buffer.from('{"not":"this event"}') })).rejects.toThrow(
        /INVALID_ARGUMENT/,
      );
    }
  });

  it('stamps messages with a revision id that maps back to the writer version', async () => {
    const prefix = randomPrefix('s');
    await applySchemaSync(options(prefix));
    const topicId = `${prefix}.user.created`;
    const [subscription] = await pubsub.topic(topicId).createSubscription(`${prefix}.sub`);
    const received = new Map<string, Message>();
    const done = new Promise<void>((resolve) => {
      subscription.on('message', (message: Message) => {
        message.ack();
        received.set(message.attributes['ce-eventversion'] ?? '', message);
        if (received.size === 2) resolve();
      });
    });
    subscription.on('error', () => undefined);
    await publishVersion(topicId, 'user.created', 1);
    await publishVersion(topicId, 'user.created', 2);
    await done;
    await subscription.close();

    const lookup = new SchemaRevisionVersions({
      pubsub,
      projectId,
      schemaId: topicId,
      definitions: definitions.filter((definition) => definition.eventType === 'user.created'),
    });
    for (const version of ['1', '2']) {
      const message = received.get(version) as Message;
      expect(message.attributes[SCHEMA_REVISION_ATTRIBUTE]).toMatch(/\S/);
      expect(await lookup.versionOfAttributes(message.attributes)).toBe(Number(version));
    }
    expect(await lookup.versionOf('deadbeef')).toBeUndefined();
    expect(await lookup.versionOf('deadbeef')).toBeUndefined();
    expect(payloadEncodingOfMessage((received.get('1') as Message).attributes)).toBe('avro-json');
    expect(await readTopicPayloadEncoding(pubsub, topicId)).toBe('avro-json');
    const codec = codecForEncoding(await readTopicPayloadEncoding(pubsub, topicId));
    expect(codec.encoding).toBe('avro-json');
    const data = codec.encode(versionEntry(definitionOf('user.created', 2)), examplePayload('user.created', 2));
    await expect(pubsub.topic(topicId).publishMessage({ data })).resolves.toMatch(/\S/);
    const [bare] = await pubsub.createTopic(`${prefix}.bare`);
    expect(await readTopicPayloadEncoding(pubsub, bare.name.split('/').pop() as string)).toBe('json');
  });

  it(
    'reports a hand-committed revision as drift (--check exits 1) and apply removes it',
    { timeout: 300_000 },
    async () => {
      const prefix = randomPrefix('s');
      await applySchemaSync(options(prefix));
      const schemaId = `${prefix}.face_model.created`;
      const edited = JSON.parse(String(definitionOf('face_model.created', 1).definition)) as { fields: unknown[] };
      edited.fields.push({ name: 'handAdded', type: ['null', 'string'], default: null });
      const client = await pubsub.getSchemaClient();
      const [commit] = await client.commitSchema({
        name: `projects/${projectId}/schemas/${schemaId}`,
        schema: { type: 'AVRO', definition: JSON.stringify(edited) },
      });

      const plan = await planSchemaSync(options(prefix));
      const drift = plan.actions.filter((action) => action.drift);
      expect(drift.map((action) => [action.kind, action.id])).toEqual([['delete', `${schemaId}@${commit.revisionId}`]]);

      const flags = ['--registry', REGISTRY_FILE, '--project', projectId, '--topic-prefix', prefix];
      const check = await runCli(['schemas', 'plan', ...flags, '--check']);
      expect(check.exitCode).toBe(1);
      expect(check.stdout).toContain(
        `- delete revision ${commit.revisionId} of schema ${schemaId}: it matches no registry version`,
      );

      const apply = await runCli(['schemas', 'apply', ...flags, '--format', 'json']);
      expect(apply.exitCode).toBe(0);
      expect((JSON.parse(apply.stdout) as { applied: unknown[] }).applied).toHaveLength(1);
      expect(await revisionsOf(schemaId)).not.toContain(commit.revisionId);

      const clean = await runCli(['schemas', 'plan', ...flags, '--check']);
      expect(clean.exitCode).toBe(0);
      expect(clean.stdout).toContain('schemas: nothing to do');
    },
  );

  it('reports a hand-changed topic encoding and range as drift and puts them back', async () => {
    const prefix = randomPrefix('s');
    await applySchemaSync(options(prefix));
    const topicId = `${prefix}.user.created`;
    const revisions = await revisionsOf(topicId);
    await pubsub.topic(topicId).setMetadata({
      schemaSettings: {
        schema: `projects/${projectId}/schemas/${topicId}`,
        encoding: 'BINARY',
        firstRevisionId: revisions[1],
        lastRevisionId: revisions[1],
      },
    });
    const plan = await planSchemaSync(options(prefix));
    const drift = plan.actions.filter((action) => action.drift);
    expect(drift).toHaveLength(1);
    expect(drift[0]?.changes.map((change) => change.field)).toEqual(['encoding', 'firstRevisionId']);
    await applySchemaSync(options(prefix));
    const [metadata] = await pubsub.topic(topicId).getMetadata();
    expect(metadata.schemaSettings).toMatchObject({
      encoding: 'JSON',
      firstRevisionId: revisions[0],
      lastRevisionId: revisions[1],
    });
  });

  it('retires a version by raising the minimum: the range starts later and the old revision is kept', async () => {
    const prefix = randomPrefix('s');
    await applySchemaSync(options(prefix));
    const topicId = `${prefix}.user.created`;
    const revisions = await revisionsOf(topicId);
    const retired = { ...options(prefix), minSupportedVersions: { 'user.created': 2 } };
    const plan = await planSchemaSync(retired);
    expect(plan.actions.filter((action) => action.kind !== 'no-op').map((action) => action.description)).toEqual([
      `move the revision range of topic ${topicId} to v2..v2`,
    ]);
    await applySchemaSync(retired);
    await expect(publishVersion(topicId, 'user.created', 2)).resolves.toMatch(/\S/);
    expect(await revisionsOf(topicId)).toEqual(revisions);
    expect(planHasChanges(await planSchemaSync(retired))).toBe(false);
  });
});
