/** Runs the real `event-bus diff` (node + tsx + cli/bin.ts) and asserts exit codes and exact output. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tsxLoader = pathToFileURL(join(repoRoot, 'node_modules', 'tsx', 'dist', 'esm', 'index.mjs')).href;
const bin = join(repoRoot, 'cli', 'bin.ts');
let dir: string;

function eventBus(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['--import', tsxLoader, bin, ...args], { cwd: dir, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function write(file: string, value: unknown): void {
  mkdirSync(dirname(join(dir, file)), { recursive: true });
  writeFileSync(join(dir, file), typeof value === 'string' ? value : `${JSON.stringify(value, null, 2)}\n`);
}

const v1 = {
  title: 'OrderPlacedV1',
  type: 'object',
  additionalProperties: false,
  required: ['orderId', 'total'],
  properties: {
    orderId: { $ref: 'common/ids.json#/definitions/Id' },
    total: { type: 'integer', minimum: 0 },
    note: { type: 'string', maxLength: 200 },
  },
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'event-bus-diff-'));
  write('common/ids.json', { definitions: { Id: { type: 'string', format: 'uuid' } } });
  write('common/ids-v2.json', { definitions: { Id: { type: 'string', format: 'uuid', maxLength: 36 } } });
  write('v1.json', v1);
  // Compatible: a number where an integer was, a longer note, an optional field, a new title.
  write('v2-compatible.json', {
    ...v1,
    title: 'OrderPlacedV2',
    properties: {
      ...v1.properties,
      total: { type: 'number', minimum: 0 },
      note: { type: 'string', maxLength: 500 },
      coupon: { type: 'string' },
    },
  });
  // Breaking: a required field, a shorter note, a narrower shared id.
  write('v2-breaking.json', {
    ...v1,
    required: ['orderId', 'total', 'currency'],
    properties: {
      ...v1.properties,
      orderId: { $ref: 'common/ids-v2.json#/definitions/Id' },
      note: { type: 'string', maxLength: 100 },
      currency: { type: 'string', enum: ['EUR', 'USD'] },
    },
  });
  write('open-v1.json', { type: 'object', properties: { a: { type: 'string' } } });
  write('open-v2.json', { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } } });
  write('broken.json', '{\n  "type": "object",\n  "properties": {,\n}\n');
  write('not-a-schema.json', '[1, 2, 3]\n');
  // The everyday case: a file diffed against its edited self, both keeping the same $id.
  const shared = (idType: string): unknown => ({
    $id: 'https://schemas.example.test/order.json',
    type: 'object',
    properties: { id: { $ref: '#/definitions/Id' } },
    definitions: { Id: { type: idType } },
  });
  write('same-id-old.json', shared('string'));
  write('same-id-new.json', shared('integer'));
  write('dangling.json', { type: 'object', properties: { id: { $ref: 'common/nope.json#/definitions/Id' } } });
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

// Each run starts node + tsx + the whole CLI tree: seconds apiece on a busy two-core machine.
describe('event-bus diff', { timeout: 90_000 }, () => {
  it('exits 0 and lists every difference, in file order, for a compatible change', () => {
    const run = eventBus('diff', 'v1.json', 'v2-compatible.json');
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(
      [
        'v2-compatible.json:/title: TITLE_CHANGED title is "OrderPlacedV1" in the old schema and "OrderPlacedV2" in the new schema (metadata only).',
        'v2-compatible.json:/properties/total/type: TYPE_EXTENDED type is "integer" in the old schema and "number" in the new schema, which is wider.',
        'v2-compatible.json:/properties/note/maxLength: MAX_LENGTH_INCREASED maxLength is 200 in the old schema and 500, larger, in the new schema.',
        'v2-compatible.json:/properties/coupon: OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL The new schema declares optional property "coupon" on an object that is closed in the old schema.',
        '',
      ].join('\n'),
    );
    expect(run.status).toBe(0);
  });

  it('exits 1 for a breaking change and says where, including inside a cross-file $ref', () => {
    const run = eventBus('diff', 'v1.json', 'v2-breaking.json');
    expect(run.stdout).toBe(
      [
        'common/ids-v2.json:/definitions/Id/maxLength: MAX_LENGTH_ADDED maxLength 36 is set in the new schema and absent in the old schema: consumers on the new schema cannot read every event written with the old one.',
        'v2-breaking.json:/properties/note/maxLength: MAX_LENGTH_DECREASED maxLength is 200 in the old schema and 100, smaller, in the new schema: consumers on the new schema cannot read every event written with the old one.',
        'v2-breaking.json:/properties/currency: REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL The new schema declares required property "currency", which data written with the old schema never has: consumers on the new schema cannot read every event written with the old one.',
        '',
      ].join('\n'),
    );
    expect(run.status).toBe(1);
  });

  it('prints { compatible, findings } with --format json', () => {
    const run = eventBus('diff', 'v1.json', 'v2-breaking.json', '--format', 'json');
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as { compatible: boolean; findings: Array<Record<string, unknown>> };
    expect(report.compatible).toBe(false);
    expect(report.findings.find((finding) => finding.rule === 'MAX_LENGTH_DECREASED')).toEqual({
      file: 'v2-breaking.json',
      line: 20,
      column: 7,
      rule: 'MAX_LENGTH_DECREASED',
      message:
        'maxLength is 200 in the old schema and 100, smaller, in the new schema: consumers on the new schema cannot read every event written with the old one.',
      pointer: '/properties/note/maxLength',
      compatible: false,
      direction: 'backward',
      oldValue: 200,
      newValue: 100,
    });
  });

  it('judges the other direction with --mode FORWARD and both with --mode full', () => {
    const forward = eventBus('diff', 'v1.json', 'v2-compatible.json', '--mode', 'FORWARD');
    expect(forward.status).toBe(1);
    expect(forward.stdout).toContain(
      'v2-compatible.json:/properties/coupon: PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL Property "coupon" of the new schema is not declared in the old schema, whose closed object rejects it: consumers still on the old schema cannot read every event written with the new one.',
    );
    const full = eventBus('diff', 'v1.json', 'v2-compatible.json', '--mode', 'full', '--format', 'json');
    const report = JSON.parse(full.stdout) as { findings: Array<{ direction: string }> };
    expect(new Set(report.findings.map((finding) => finding.direction))).toEqual(new Set(['backward', 'forward']));
    expect(full.status).toBe(1);
    const none = eventBus('diff', 'v1.json', 'v2-breaking.json', '--mode', 'NONE');
    expect(none.status).toBe(0);
  });

  it('accepts an optional property added to an open object only with --policy lenient', () => {
    expect(eventBus('diff', 'open-v1.json', 'open-v2.json').status).toBe(1);
    const lenient = eventBus('diff', 'open-v1.json', 'open-v2.json', '--policy', 'lenient');
    expect(lenient.stdout).toBe(
      'open-v2.json:/properties/b: OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL The new schema declares optional property "b" on an object that is open in the old schema, where it may hold anything.\n',
    );
    expect(lenient.status).toBe(0);
  });

  it('prints GitHub annotations with --format github', () => {
    const run = eventBus('diff', 'v1.json', 'v2-breaking.json', '--format', 'github');
    expect(run.stdout.split('\n')[1]).toBe(
      '::error file=v2-breaking.json,line=20,col=7,title=MAX_LENGTH_DECREASED::maxLength is 200 in the old schema and 100, smaller, in the new schema: consumers on the new schema cannot read every event written with the old one.',
    );
  });

  it('compares two files that keep the same $id, each resolving its own $refs', () => {
    const run = eventBus('diff', 'same-id-old.json', 'same-id-new.json');
    expect(run.stdout).toBe(
      'same-id-new.json:/definitions/Id/type: TYPE_CHANGED type is "string" in the old schema and "integer" in the new schema, which has no common ground with it: consumers on the new schema cannot read every event written with the old one.\n',
    );
    expect(run.status).toBe(1);
  });

  it('exits 2 naming a missing file', () => {
    const missing = eventBus('diff', 'v1.json', 'missing.json');
    expect([missing.status, missing.stdout, missing.stderr]).toEqual([
      2,
      '',
      'event-bus diff: missing.json: no such file\n',
    ]);
  });

  it('exits 2 naming the line and column of invalid JSON', () => {
    const broken = eventBus('diff', 'broken.json', 'v1.json');
    expect([broken.status, broken.stderr]).toEqual([
      2,
      "event-bus diff: broken.json: invalid JSON at line 3 column 18: Expected property name or '}'\n",
    ]);
  });

  it('exits 2 for a file that is not a schema', () => {
    const notSchema = eventBus('diff', 'v1.json', 'not-a-schema.json');
    expect([notSchema.status, notSchema.stderr]).toEqual([
      2,
      'event-bus diff: not-a-schema.json: not a schema: a JSON Schema is an object or a boolean\n',
    ]);
  });

  it('exits 2 for a $ref that does not resolve, even where the diff would not look', () => {
    const dangling = eventBus('diff', 'v1.json', 'dangling.json');
    expect(dangling.status).toBe(2);
    expect(dangling.stderr).toBe(
      'event-bus diff: dangling.json#/properties/id/$ref: cannot resolve $ref "common/nope.json#/definitions/Id": common/nope.json: no such file\n',
    );
  });

  it('exits 2 on a usage error', () => {
    const run = eventBus('diff', 'v1.json', 'v1.json', '--mode', 'SIDEWAYS');
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      "argument 'SIDEWAYS' is invalid. expected one of BACKWARD, BACKWARD_TRANSITIVE, FORWARD",
    );
  });
});
