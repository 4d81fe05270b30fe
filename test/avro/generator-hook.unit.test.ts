import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  avroVersionExtension,
  eventAvroSchema,
  indexSchemaDirectory,
  renderAvroDefinitions,
} from '../../generator/avro/index.js';
import { repoRoot } from '../support/registry-catalog.js';

const schemaFile = 'schemas/user.created/2.json';
const version = {
  eventType: 'user.created',
  version: 2,
  schemaFile,
  schema: JSON.parse(readFileSync(join(repoRoot, schemaFile), 'utf8')) as unknown,
};

describe('generator hooks', () => {
  it('avroVersionExtension adds the converted schema as avroSchema, reading refs under <rootDir>/schemas', () => {
    const extend = avroVersionExtension();
    const { avroSchema } = extend(version, { rootDir: repoRoot });
    const { loadRef } = indexSchemaDirectory(join(repoRoot, 'schemas'));
    expect(avroSchema).toEqual(eventAvroSchema(version, { loadRef }));
    expect(avroSchema.name).toBe('UserCreated');
    expect(extend(version, { rootDir: repoRoot })).toEqual({ avroSchema });
  });

  it('renderAvroDefinitions writes the same schema as text under avro/<type>/<version>.avsc', () => {
    const { loadRef } = indexSchemaDirectory(join(repoRoot, 'schemas'));
    const [file] = renderAvroDefinitions([version], { loadRef });
    expect(file!.path).toBe('avro/user.created/2.avsc');
    expect(JSON.parse(file!.content)).toEqual(eventAvroSchema(version, { loadRef }));
  });

  it('indexSchemaDirectory maps every $id to its file and names unknown ids', () => {
    const index = indexSchemaDirectory(join(repoRoot, 'schemas'));
    expect(index.files.get('https://schemas.clone.dev/events/common/ids.json')).toBe('schemas/common/ids.json');
    expect(() => index.loadRef('https://schemas.clone.dev/events/nope.json')).toThrow(
      /no schema file under .* has \$id/,
    );
  });
});
