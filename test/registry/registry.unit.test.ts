/**
 * The registry (asyncapi.yaml + schemas/**) follows its conventions (docs/registry.md): it parses
 * under @asyncapi/parser, every channel, message, operation and schema has the agreed shape, every
 * example validates, and crafted invalid payloads fail at the expected instance path.
 */
import { mkdtemp, cp, readFile, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Parser } from '@asyncapi/parser';
import * as prettier from 'prettier';
import type { AnySchemaObject } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { lookupEventVersion, type EventCatalog } from '../../runtime/index.js';
import {
  loadRegistry,
  loadRegistryCatalog,
  RegistryLoadError,
  REGISTRY_FILE,
  repoRoot,
  type LoadedRegistry,
} from '../support/registry-catalog.js';

const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';
const SCHEMA_ID_BASE = 'https://schemas.clone.dev/events/';
const COMPATIBILITY_MODES = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
];
const REGISTRY_FORMAT = { printWidth: 120, singleQuote: true } as const;
/** Keywords the product registry avoids so every schema stays representable in Avro. */
const FORBIDDEN_KEYWORDS = ['oneOf', 'anyOf', 'allOf', 'not', 'const', 'if', 'then', 'else', 'patternProperties'];

/** The ten domain events of DESIGN.md and their aggregate types. */
const EXPECTED_EVENTS: Record<string, string> = {
  'user.created': 'user',
  'voice_model.trained': 'voice_model',
  'voice_model.training_failed': 'voice_model',
  'document.processed': 'document',
  'document.processing_failed': 'document',
  'face_model.created': 'face_model',
  'face_model.creation_failed': 'face_model',
  'conversation.started': 'conversation_session',
  'conversation.turn_completed': 'conversation_session',
  'conversation.ended': 'conversation_session',
};

type Json = Record<string, unknown>;

function camelCase(eventType: string): string {
  return eventType.replace(/[._]([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

function pascalCase(eventType: string): string {
  const camel = camelCase(eventType);
  return camel.charAt(0).toUpperCase() + camel.slice(1);
}

function asObject(value: unknown): Json {
  expect(value, 'expected a mapping').toBeTypeOf('object');
  expect(value).not.toBeNull();
  return value as Json;
}

/** Every subschema of `schema` with its JSON pointer, depth first. */
function* walkSchemas(schema: unknown, pointer = ''): Generator<[string, Json]> {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return;
  const node = schema as Json;
  yield [pointer, node];
  for (const key of ['properties', 'definitions'] as const) {
    const children = node[key];
    if (typeof children === 'object' && children !== null) {
      for (const [name, child] of Object.entries(children)) yield* walkSchemas(child, `${pointer}/${key}/${name}`);
    }
  }
  for (const key of ['items', 'additionalProperties'] as const) {
    if (typeof node[key] === 'object') yield* walkSchemas(node[key], `${pointer}/${key}`);
  }
}

function refsIn(schema: AnySchemaObject): string[] {
  return [...walkSchemas(schema)].flatMap(([, node]) => (typeof node.$ref === 'string' ? [node.$ref] : []));
}

let registry: LoadedRegistry;
let catalog: EventCatalog;

beforeAll(async () => {
  registry = await loadRegistry();
  catalog = await loadRegistryCatalog();
});

describe('asyncapi.yaml under @asyncapi/parser', () => {
  it('parses with no error or warning diagnostics and resolves every payload $ref', async () => {
    const source = join(repoRoot, REGISTRY_FILE);
    const parser = new Parser();
    const { document, diagnostics } = await parser.parse(await readFile(source, 'utf8'), { source });
    // Spectral severities: 0 error, 1 warning, 2 information, 3 hint.
    const problems = diagnostics
      .filter((diagnostic) => diagnostic.severity <= 1)
      .map((diagnostic) => `${diagnostic.code} at ${diagnostic.path.join('/')}: ${diagnostic.message}`);
    expect(problems).toEqual([]);
    expect(document).toBeDefined();
    expect(document!.channels().length).toBe(10);
    expect(document!.operations().length).toBe(20);
    const userCreatedV2 = document!.components().messages().get('userCreatedV2');
    const payload = userCreatedV2?.payload()?.json() as Json | undefined;
    // The external file and the cross-file $ref inside it were both dereferenced.
    expect(payload?.$id).toBe(`${SCHEMA_ID_BASE}user.created/2.json`);
    expect(asObject(asObject(payload?.properties).userId).format).toBe('uuid');
    expect(asObject(asObject(payload?.properties).locale).pattern).toBe('^[a-z]{2}(-[A-Z]{2})?$');
    // The shared trait puts the envelope attributes on every message as headers.
    for (const message of document!.components().messages()) {
      const headers = message.headers()?.json() as Json | undefined;
      expect(Object.keys(asObject(headers?.properties)), message.id()).toEqual(
        expect.arrayContaining([
          'ce-id',
          'ce-type',
          'ce-source',
          'ce-specversion',
          'ce-time',
          'ce-subject',
          'ce-dataschema',
          'ce-datacontenttype',
          'ce-eventversion',
          'ce-aggregatetype',
          'ce-correlationid',
          'ce-causationid',
        ]),
      );
    }
  });
});

describe('registry conventions', () => {
  it('keeps asyncapi.yaml and every schema file in canonical format (prettier, width 120, single quotes)', async () => {
    const files = [REGISTRY_FILE, ...registry.schemaFiles.keys()];
    const unformatted: string[] = [];
    for (const file of files) {
      const text = await readFile(join(repoRoot, file), 'utf8');
      const formatted = await prettier.check(text, { filepath: file, ...REGISTRY_FORMAT });
      if (!formatted) unformatted.push(file);
    }
    // Fix with: npx prettier --print-width 120 --single-quote --write asyncapi.yaml 'schemas/**/*.json'
    expect(unformatted).toEqual([]);
  });

  it('describes exactly the ten domain events with their aggregate types', () => {
    const actual = Object.fromEntries(registry.channels.map((channel) => [channel.eventType, channel.aggregateType]));
    expect(actual).toEqual(EXPECTED_EVENTS);
  });

  it('is AsyncAPI 3.0.0 with application/json as the default content type', () => {
    expect(registry.document.asyncapi).toBe('3.0.0');
    expect(registry.document.defaultContentType).toBe('application/json');
  });

  it('keys each channel by the camelCase event type, addressed by the event type, with its extensions and Pub/Sub binding', () => {
    const channels = asObject(registry.document.channels);
    for (const [key, raw] of Object.entries(channels)) {
      const channel = asObject(raw);
      const eventType = channel.address as string;
      expect(eventType, key).toMatch(/^[a-z][a-z_]*\.[a-z][a-z_]*$/);
      expect(key).toBe(camelCase(eventType));
      expect(channel.title, key).toBeTypeOf('string');
      expect(channel.summary, key).toBeTypeOf('string');
      expect(channel['x-aggregate-type'], key).toBe(EXPECTED_EVENTS[eventType]);
      expect(channel['x-ordering-key'], key).toBe('aggregateId');
      expect(COMPATIBILITY_MODES, key).toContain(channel['x-compatibility']);
      if (channel['x-compatibility-reason'] !== undefined)
        expect(channel['x-compatibility-reason']).toBeTypeOf('string');
      const binding = asObject(asObject(channel.bindings).googlepubsub);
      expect(binding.bindingVersion, key).toBe('0.2.0');
      expect(asObject(binding.schemaSettings), key).toMatchObject({ encoding: 'JSON', name: eventType });
      expect(binding.messageRetentionDuration, key).toMatch(/^\d+s$/);
    }
  });

  it('lists every version of a channel as <camelType>V<n>, numbered 1..n without gaps', () => {
    for (const channel of registry.channels) {
      const versions = channel.messages.map((message) => message.version);
      expect(versions, channel.key).toEqual(versions.map((_version, index) => index + 1));
      for (const message of channel.messages) {
        expect(message.key).toBe(`${channel.key}V${message.version}`);
        expect(message.eventType).toBe(channel.eventType);
        const ref = asObject(asObject(asObject(registry.document.channels)[channel.key]).messages)[message.key];
        expect(ref).toEqual({ $ref: `#/components/messages/${message.key}` });
      }
    }
  });

  it('describes each message with its name, title, summary, content type, version extensions and payload file', () => {
    const messages = asObject(asObject(registry.document.components).messages);
    const channelMessageKeys = registry.channels.flatMap((channel) => channel.messages.map((message) => message.key));
    expect(Object.keys(messages).sort()).toEqual([...channelMessageKeys].sort());
    for (const channel of registry.channels) {
      for (const { key, version } of channel.messages) {
        const message = asObject(messages[key]);
        expect(message, key).toMatchObject({
          name: channel.eventType,
          contentType: 'application/json',
          'x-event-type': channel.eventType,
          'x-event-version': version,
          payload: { $ref: `./schemas/${channel.eventType}/${version}.json` },
        });
        expect(message.title, key).toBeTypeOf('string');
        expect(message.summary, key).toBeTypeOf('string');
      }
    }
  });

  it('has a publish (send) and a consume (receive) operation per channel, referencing the channel and all its messages', () => {
    const operations = asObject(registry.document.operations);
    const expectedKeys = registry.channels.flatMap((channel) => [
      `publish${pascalCase(channel.eventType)}`,
      `consume${pascalCase(channel.eventType)}`,
    ]);
    expect(Object.keys(operations).sort()).toEqual(expectedKeys.sort());
    for (const channel of registry.channels) {
      const messageRefs = channel.messages.map((message) => ({
        $ref: `#/channels/${channel.key}/messages/${message.key}`,
      }));
      for (const [verb, action] of [
        ['publish', 'send'],
        ['consume', 'receive'],
      ] as const) {
        const operation = asObject(operations[`${verb}${pascalCase(channel.eventType)}`]);
        expect(operation.action).toBe(action);
        expect(operation.channel).toEqual({ $ref: `#/channels/${channel.key}` });
        expect(operation.messages).toEqual(messageRefs);
        if (action === 'receive') {
          // One subscription per named consumer (runtime/infra reads this list).
          const consumers = operation['x-consumers'] as string[];
          expect(consumers.length, channel.key).toBeGreaterThan(0);
          for (const consumer of consumers) expect(consumer).toMatch(/^[a-z][a-z0-9-]{2,}$/);
          expect(new Set(consumers).size).toBe(consumers.length);
        }
      }
    }
  });

  it('gives a reason whenever a channel departs from the default BACKWARD compatibility mode', () => {
    for (const channel of registry.channels) {
      const raw = asObject(asObject(registry.document.channels)[channel.key]);
      if (channel.compatibility !== 'BACKWARD') expect(raw['x-compatibility-reason'], channel.key).toBeTypeOf('string');
    }
  });
});

describe('payload schemas', () => {
  it('has one schema file per message and shared definitions under schemas/common only', () => {
    const referenced = registry.channels.flatMap((channel) => channel.messages.map((message) => message.schemaFile));
    const files = [...registry.schemaFiles.keys()];
    expect(files.filter((file) => !file.startsWith('schemas/common/')).sort()).toEqual([...referenced].sort());
    expect(files.filter((file) => file.startsWith('schemas/common/')).length).toBeGreaterThanOrEqual(3);
  });

  it('gives each file draft-07, an $id matching its path, a title and a description', () => {
    for (const [file, schema] of registry.schemaFiles) {
      expect(schema.$schema, file).toBe(DRAFT_07);
      expect(schema.$id, file).toBe(SCHEMA_ID_BASE + file.slice('schemas/'.length));
      expect(schema.title, file).toBeTypeOf('string');
      expect(schema.description, file).toBeTypeOf('string');
    }
  });

  it('gives each event schema a closed object root, required fields and at least two examples', () => {
    for (const channel of registry.channels) {
      for (const { schemaFile, schema } of channel.messages) {
        expect(schema.type, schemaFile).toBe('object');
        expect(schema.additionalProperties, schemaFile).toBe(false);
        expect(Array.isArray(schema.required) && schema.required.length > 0, schemaFile).toBe(true);
        for (const name of schema.required as string[])
          expect(Object.keys(schema.properties), schemaFile).toContain(name);
        expect((schema.examples as unknown[]).length, schemaFile).toBeGreaterThanOrEqual(2);
      }
    }
  });

  it('closes every object (additionalProperties false, or a value schema for maps) and avoids non-Avro keywords', () => {
    let maps = 0;
    for (const [file, schema] of registry.schemaFiles) {
      for (const [pointer, node] of walkSchemas(schema)) {
        const where = `${file}#${pointer}`;
        for (const keyword of FORBIDDEN_KEYWORDS) expect(node, where).not.toHaveProperty(keyword);
        if (Array.isArray(node.type)) {
          // The only union allowed: a nullable type.
          expect(node.type.length, where).toBe(2);
          expect(node.type[1], where).toBe('null');
        }
        if (node.$ref !== undefined) expect(Object.keys(node), `${where}: a $ref stands alone`).toEqual(['$ref']);
        if (node.type === 'object') {
          if (node.properties !== undefined) {
            expect(node.additionalProperties, where).toBe(false);
            // A record needs a name in Avro and a type name in TypeScript.
            expect(node.title, `${where}: an object with properties needs a title`).toBeTypeOf('string');
          } else {
            expect(node.additionalProperties, `${where}: a map needs a value schema`).toBeTypeOf('object');
            maps += 1;
          }
        }
      }
    }
    expect(maps).toBeGreaterThanOrEqual(1);
  });

  it('reaches shared definitions only by relative $ref into schemas/common, each used by at least two event types', () => {
    const usersByRef = new Map<string, Set<string>>();
    for (const channel of registry.channels) {
      for (const { schemaFile, schema } of channel.messages) {
        for (const ref of refsIn(schema)) {
          expect(ref, schemaFile).toMatch(/^\.\.\/common\/[a-z_]+\.json#\/definitions\/[A-Za-z]+$/);
          usersByRef.set(ref, (usersByRef.get(ref) ?? new Set()).add(channel.eventType));
        }
      }
    }
    const definitions = [...registry.schemaFiles]
      .filter(([file]) => file.startsWith('schemas/common/'))
      .flatMap(([file, schema]) =>
        Object.keys(schema.definitions as object).map(
          (name) => `../common/${file.slice('schemas/common/'.length)}#/definitions/${name}`,
        ),
      );
    expect(definitions.length).toBeGreaterThanOrEqual(3);
    for (const definition of definitions) {
      expect(usersByRef.get(definition)?.size ?? 0, definition).toBeGreaterThanOrEqual(2);
    }
    for (const ref of usersByRef.keys()) expect(definitions).toContain(ref);
  });
});

describe('versions', () => {
  const versioned = ['user.created', 'conversation.turn_completed'];

  it.each(versioned)('%s has versions 1 and 2, and 2 is current', (eventType) => {
    expect(Object.keys(catalog.events[eventType]!.versions)).toEqual(['1', '2']);
    expect(catalog.events[eventType]!.currentVersion).toBe(2);
  });

  it.each(versioned)(
    '%s v2 is backward compatible with v1: same required fields, v1 properties unchanged, only optional additions',
    (eventType) => {
      const channel = registry.channels.find((candidate) => candidate.eventType === eventType)!;
      const [v1, v2] = channel.messages.map((message) => message.schema) as [AnySchemaObject, AnySchemaObject];
      expect(v2.required).toEqual(v1.required);
      const v1Properties = v1.properties as Record<string, unknown>;
      const v2Properties = v2.properties as Record<string, unknown>;
      for (const [name, definition] of Object.entries(v1Properties)) {
        expect(isDeepStrictEqual(v2Properties[name], definition), `${eventType} v2 changed '${name}'`).toBe(true);
      }
      const added = Object.keys(v2Properties).filter((name) => !(name in v1Properties));
      expect(added.length).toBeGreaterThan(0);
      for (const name of added) expect(v2.required as string[]).not.toContain(name);
    },
  );

  it.each(versioned)('%s v2 reads every v1 example (new reader, old data)', (eventType) => {
    const channel = registry.channels.find((candidate) => candidate.eventType === eventType)!;
    const v1Examples = channel.messages[0]!.schema.examples as unknown[];
    const readV2 = lookupEventVersion(catalog, eventType, 2).validate;
    for (const example of v1Examples) expect(readV2(example)).toEqual({ valid: true });
  });
});

describe('examples and crafted invalid payloads', () => {
  const exampleCases = (): Array<[string, number, number, unknown]> =>
    registry.channels.flatMap((channel) =>
      channel.messages.flatMap((message) =>
        (message.schema.examples as unknown[]).map(
          (example, index) => [channel.eventType, message.version, index, example] as [string, number, number, unknown],
        ),
      ),
    );

  it('validates every example of every event version', () => {
    const cases = exampleCases();
    expect(cases.length).toBeGreaterThanOrEqual(24);
    for (const [eventType, version, index, example] of cases) {
      const result = lookupEventVersion(catalog, eventType, version).validate(example);
      expect(result, `${eventType} v${version} example ${index}`).toEqual({ valid: true });
    }
  });

  function firstExample(eventType: string, version: number): Json {
    const channel = registry.channels.find((candidate) => candidate.eventType === eventType)!;
    const message = channel.messages.find((candidate) => candidate.version === version)!;
    return structuredClone((message.schema.examples as Json[])[0]!);
  }

  interface InvalidCase {
    name: string;
    eventType: string;
    version: number;
    mutate: (payload: Json) => void;
    instancePath: string;
    keyword: string;
  }

  const invalidCases: InvalidCase[] = [
    {
      name: 'missing required email',
      eventType: 'user.created',
      version: 2,
      mutate: (p) => delete p.email,
      instancePath: '',
      keyword: 'required',
    },
    {
      name: 'unknown subscription tier',
      eventType: 'user.created',
      version: 1,
      mutate: (p) => (p.subscriptionTier = 'gold'),
      instancePath: '/subscriptionTier',
      keyword: 'enum',
    },
    {
      name: 'malformed email',
      eventType: 'user.created',
      version: 1,
      mutate: (p) => (p.email = 'not-an-email'),
      instancePath: '/email',
      keyword: 'format',
    },
    {
      name: 'extra property',
      eventType: 'user.created',
      version: 1,
      mutate: (p) => (p.locale = 'en'),
      instancePath: '',
      keyword: 'additionalProperties',
    },
    {
      name: 'bad locale',
      eventType: 'user.created',
      version: 2,
      mutate: (p) => (p.locale = 'english'),
      instancePath: '/locale',
      keyword: 'pattern',
    },
    {
      name: 'userId not a uuid',
      eventType: 'user.created',
      version: 2,
      mutate: (p) => (p.userId = 'user-42'),
      instancePath: '/userId',
      keyword: 'format',
    },
    {
      name: 'quality score above 1',
      eventType: 'voice_model.trained',
      version: 1,
      mutate: (p) => (p.qualityScore = 1.2),
      instancePath: '/qualityScore',
      keyword: 'maximum',
    },
    {
      name: 'non-numeric metric in a map',
      eventType: 'voice_model.trained',
      version: 1,
      mutate: (p) => (p.evaluationMetrics = { mos: 'high' }),
      instancePath: '/evaluationMetrics/mos',
      keyword: 'type',
    },
    {
      name: 'duplicate language',
      eventType: 'voice_model.trained',
      version: 1,
      mutate: (p) => (p.languages = ['en-US', 'en-US']),
      instancePath: '/languages',
      keyword: 'uniqueItems',
    },
    {
      name: 'required nullable field absent',
      eventType: 'voice_model.training_failed',
      version: 1,
      mutate: (p) => delete p.nextRetryAt,
      instancePath: '',
      keyword: 'required',
    },
    {
      name: 'lowercase error code',
      eventType: 'voice_model.training_failed',
      version: 1,
      mutate: (p) => ((p.error as Json).code = 'oops'),
      instancePath: '/error/code',
      keyword: 'pattern',
    },
    {
      name: 'negative chunk count',
      eventType: 'document.processed',
      version: 1,
      mutate: (p) => (p.chunkCount = -1),
      instancePath: '/chunkCount',
      keyword: 'minimum',
    },
    {
      name: 'page count as a string',
      eventType: 'document.processed',
      version: 1,
      mutate: (p) => (p.pageCount = '66'),
      instancePath: '/pageCount',
      keyword: 'type',
    },
    {
      name: 'unknown stage',
      eventType: 'document.processing_failed',
      version: 1,
      mutate: (p) => (p.stage = 'ocr'),
      instancePath: '/stage',
      keyword: 'enum',
    },
    {
      name: 'zero width',
      eventType: 'face_model.created',
      version: 1,
      mutate: (p) => ((p.resolution as Json).width = 0),
      instancePath: '/resolution/width',
      keyword: 'minimum',
    },
    {
      name: 'bad timestamp',
      eventType: 'face_model.creation_failed',
      version: 1,
      mutate: (p) => (p.failedAt = '28/11/2026'),
      instancePath: '/failedAt',
      keyword: 'format',
    },
    {
      name: 'unknown channel',
      eventType: 'conversation.started',
      version: 1,
      mutate: (p) => (p.channel = 'sms'),
      instancePath: '/channel',
      keyword: 'enum',
    },
    {
      name: 'extra latency field',
      eventType: 'conversation.turn_completed',
      version: 2,
      mutate: (p) => ((p.latency as Json).queueMs = 3),
      instancePath: '/latency',
      keyword: 'additionalProperties',
    },
    {
      name: 'cited id not a uuid',
      eventType: 'conversation.turn_completed',
      version: 1,
      mutate: (p) => (p.citedDocumentIds = ['doc-1']),
      instancePath: '/citedDocumentIds/0',
      keyword: 'format',
    },
    {
      name: 'v2 field in v1',
      eventType: 'conversation.turn_completed',
      version: 1,
      mutate: (p) => (p.interrupted = true),
      instancePath: '',
      keyword: 'additionalProperties',
    },
    {
      name: 'fractional turn count',
      eventType: 'conversation.ended',
      version: 1,
      mutate: (p) => (p.turnCount = 2.5),
      instancePath: '/turnCount',
      keyword: 'type',
    },
    {
      name: 'token usage missing total',
      eventType: 'conversation.ended',
      version: 1,
      mutate: (p) => delete (p.totalTokenUsage as Json).totalTokens,
      instancePath: '/totalTokenUsage',
      keyword: 'required',
    },
  ];

  it.each(invalidCases)(
    '$eventType v$version rejects $name at "$instancePath" ($keyword)',
    ({ eventType, version, mutate, instancePath, keyword }) => {
      const payload = firstExample(eventType, version);
      mutate(payload);
      const result = lookupEventVersion(catalog, eventType, version).validate(payload);
      expect(result.valid).toBe(false);
      if (result.valid) return;
      expect(result.issues).toContainEqual(expect.objectContaining({ instancePath, keyword }));
      for (const issue of result.issues) expect(issue.message).toBeTypeOf('string');
    },
  );

  it('reports every violation at once (allErrors)', () => {
    const result = lookupEventVersion(catalog, 'user.created', 1).validate({
      userId: 'x',
      email: 'no',
      name: '',
      subscriptionTier: 'gold',
    });
    expect(result.valid).toBe(false);
    if (result.valid) return;
    expect(result.issues.map((issue) => issue.instancePath).sort()).toEqual([
      '/email',
      '/name',
      '/subscriptionTier',
      '/userId',
    ]);
  });
});

describe('loadRegistryCatalog', () => {
  it('builds a catalog entry per event type with topic, aggregate type, ordering key and schema ids', () => {
    const entry = catalog.events['conversation.turn_completed']!;
    expect(entry).toMatchObject({
      eventType: 'conversation.turn_completed',
      aggregateType: 'conversation_session',
      topic: 'conversation.turn_completed',
      orderingKey: 'aggregateId',
      currentVersion: 2,
    });
    expect(entry.versions[1]).toMatchObject({
      version: 1,
      schemaId: `${SCHEMA_ID_BASE}conversation.turn_completed/1.json`,
      schemaFile: 'schemas/conversation.turn_completed/1.json',
    });
    expect(Object.keys(catalog.events).sort()).toEqual(Object.keys(EXPECTED_EVENTS).sort());
  });

  async function withRegistryCopy(edit: (yaml: string) => string, run: (root: string) => Promise<void>): Promise<void> {
    const root = await mkdtemp(join(tmpdir(), 'registry-'));
    try {
      await cp(join(repoRoot, 'schemas'), join(root, 'schemas'), { recursive: true });
      const yaml = await readFile(join(repoRoot, REGISTRY_FILE), 'utf8');
      const edited = edit(yaml);
      expect(edited).not.toBe(yaml);
      await writeFile(join(root, REGISTRY_FILE), edited);
      await run(root);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }

  it('accepts the multi-format payload form { schemaFormat, schema: { $ref } }', async () => {
    await withRegistryCopy(
      (yaml) =>
        yaml.replace(
          "      payload:\n        $ref: './schemas/conversation.ended/1.json'",
          "      payload:\n        schemaFormat: 'application/schema+json;version=draft-07'\n        schema:\n          $ref: './schemas/conversation.ended/1.json'",
        ),
      async (root) => {
        const copy = await loadRegistryCatalog(root);
        expect(copy.events['conversation.ended']!.versions[1]!.schemaFile).toBe('schemas/conversation.ended/1.json');
      },
    );
  });

  it('names the channel and extension when x-aggregate-type is missing', async () => {
    await withRegistryCopy(
      (yaml) => yaml.replace('    x-aggregate-type: document\n', '').replace('    x-aggregate-type: document\n', ''),
      async (root) => {
        const error = await loadRegistryCatalog(root).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(RegistryLoadError);
        expect(error).toMatchObject({ file: REGISTRY_FILE, pointer: '/channels/documentProcessed/x-aggregate-type' });
      },
    );
  });

  it('fails with a RegistryLoadError naming the file and JSON pointer when a payload file is missing', async () => {
    await withRegistryCopy(
      (yaml) => yaml.replace("'./schemas/face_model.created/1.json'", "'./schemas/face_model.created/9.json'"),
      async (root) => {
        const error = await loadRegistryCatalog(root).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(RegistryLoadError);
        expect(error).toMatchObject({
          code: 'REGISTRY_INVALID',
          file: REGISTRY_FILE,
          pointer: '/components/messages/faceModelCreatedV1/payload/$ref',
        });
        expect((error as Error).message).toContain('schemas/face_model.created/9.json');
      },
    );
  });
});
