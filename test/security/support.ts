/**
 * Hostile registries built on the fly: a one-event AsyncAPI document plus schema files in a
 * fresh temporary folder, so each probe of the security suite is self-contained.
 */
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface HostileRegistry {
  /** The registry root (holds asyncapi.yaml and schemas/). */
  root: string;
  input: string;
  out: string;
}

export const SCHEMA_ID_BASE = 'https://schemas.test/events/';

/** A payload schema with the `$id` its path implies. */
export function payloadSchema(file: string, body: Record<string, unknown>): Record<string, unknown> {
  return { $schema: 'http://json-schema.org/draft-07/schema#', $id: `${SCHEMA_ID_BASE}${file.replace(/^schemas\//, '')}`, ...body };
}

export function asyncapiYaml(options: { address?: string; eventType?: string; payloadRef?: string; extra?: string; pubsubSchema?: boolean } = {}): string {
  return [
    'asyncapi: 3.0.0',
    'info:',
    '  title: Hostile',
    '  version: 1.0.0',
    'channels:',
    '  thing:',
    `    address: ${JSON.stringify(options.address ?? 'thing.happened')}`,
    '    x-aggregate-type: thing',
    // With a Pub/Sub schema binding the generator also writes avro/<type>/<n>.avsc.
    ...(options.pubsubSchema
      ? ['    bindings:', '      googlepubsub:', "        bindingVersion: '0.2.0'", '        schemaSettings:', '          encoding: JSON', '          name: thing']
      : []),
    '    messages:',
    '      thingV1:',
    "        $ref: '#/components/messages/thingV1'",
    'components:',
    '  messages:',
    '    thingV1:',
    ...(options.eventType !== undefined ? [`      x-event-type: ${JSON.stringify(options.eventType)}`] : []),
    '      x-event-version: 1',
    '      payload:',
    `        $ref: ${JSON.stringify(options.payloadRef ?? './schemas/thing/1.json')}`,
    options.extra ?? '',
    '',
  ].join('\n');
}

/**
 * Inside the repository, git-ignored (test/fixtures/.gitignore ignores `*\/out/`), for registries
 * whose generated code is imported: its `require`s need the project's node_modules.
 */
export const IMPORTABLE_BASE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'security', 'out');

/** Writes `files` (relative path → text or JSON value) under a new temporary registry root. */
export async function writeRegistry(
  files: Record<string, string | Record<string, unknown>>,
  base: string = tmpdir(),
): Promise<HostileRegistry> {
  await mkdir(base, { recursive: true });
  const root = await mkdtemp(path.join(base, 'event-bus-hostile-'));
  for (const [relative, content] of Object.entries(files)) {
    const file = path.join(root, relative);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return { root, input: path.join(root, 'asyncapi.yaml'), out: path.join(root, 'generated') };
}

/** The smallest valid payload schema at schemas/thing/1.json. */
export function thingSchema(properties: Record<string, unknown> = { name: { type: 'string' } }, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return payloadSchema('schemas/thing/1.json', { title: 'ThingV1', type: 'object', additionalProperties: false, properties, ...extra });
}
