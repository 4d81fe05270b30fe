/**
 * The hostile registry: schema text that tries to escape literals and comments, names that are
 * not identifiers, reserved words, `__proto__`/`constructor`, colliding titles, quoted enums.
 * Its generated code compiles, carries those strings exactly, and none of them runs as code.
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { generateFixture, runTsc, writeTsconfig, FIXTURES } from './support.js';
import type { EventEnvelope, EventPublisherPort, PayloadValidator, EventCatalog } from '../../runtime/index.js';

const FIXTURE = path.join(FIXTURES, 'hostile');

interface HostileSdk {
  catalog: EventCatalog;
  eventTypes: readonly string[];
  createEvent: (type: string, aggregateId: string, aggregateType: string, payload: unknown) => EventEnvelope;
  createBus: (ports: { publisher: EventPublisherPort }) => { publish: Record<string, (payload: unknown, options: { aggregateId: string }) => Promise<string>> };
  validateWeirdThingV1: PayloadValidator;
  validateWeirdThing2V1: PayloadValidator;
  validateProtoV1: PayloadValidator;
}

let out: string;
let sdk: HostileSdk;
const readJson = async (relative: string): Promise<Record<string, any>> =>
  JSON.parse(await readFile(path.join(FIXTURE, relative), 'utf8')) as Record<string, any>;

beforeAll(async () => {
  delete (globalThis as { pwned?: unknown }).pwned;
  // The hostile names are not Avro field names: this fixture tests TypeScript safety only.
  ({ out } = await generateFixture('hostile', { avro: false }));
  sdk = (await import(path.join(out, 'index.ts'))) as HostileSdk;
}, 60_000);

describe('hostile registry', () => {
  it('type-checks with tsc (strict)', async () => {
    const tsconfig = await writeTsconfig(out, ['./**/*.ts']);
    const result = await runTsc(tsconfig);
    expect(result.output).toBe('');
    expect(result.exitCode).toBe(0);
  }, 120_000);

  it('runs no schema text as code: importing the SDK had no side effect', () => {
    expect((globalThis as { pwned?: unknown }).pwned).toBeUndefined();
    expect(sdk.eventTypes).toEqual(['__proto__', 'weird.thing', 'weird_thing']);
  });

  it('keeps every schema string inside literals and comments (no identifier token from schema text)', async () => {
    const files = (await readdir(out, { recursive: true })).filter((file) => file.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const text = await readFile(path.join(out, file), 'utf8');
      const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
      const identifiers = new Set<string>();
      const visit = (node: ts.Node): void => {
        if (ts.isIdentifier(node)) identifiers.add(node.text);
        // Substitutions in a template literal would evaluate text: the generator never writes one.
        expect(ts.isTemplateExpression(node), `${file}: template expression`).toBe(false);
        ts.forEachChild(node, visit);
      };
      visit(source);
      expect(identifiers.size).toBeGreaterThan(0);
      for (const injected of ['pwned', 'alert', 'exit']) expect(identifiers.has(injected), `${file}: ${injected}`).toBe(false);
      expect(text).not.toMatch(/^\s*globalThis\.pwned/m);
    }
  });

  it('round-trips hostile strings exactly into the catalog', async () => {
    const document = parseYaml(await readFile(path.join(FIXTURE, 'asyncapi.yaml'), 'utf8')) as Record<string, any>;
    const weird = sdk.catalog.events['weird.thing']!;
    expect(weird.aggregateType).toBe(document.channels.weirdThing['x-aggregate-type']);
    expect(weird.description).toBe(document.channels.weirdThing.summary);
    expect(sdk.catalog.events['weird_thing']!.description).toBe(document.channels.weirdThing2.summary);
    expect(sdk.catalog.events['weird_thing']!.description).toContain('\u2028');
    // '__proto__' is an own entry, not the catalog's prototype.
    expect(Object.hasOwn(sdk.catalog.events, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(sdk.catalog.events)).toBe(Object.prototype);
    expect(sdk.catalog.events['__proto__']!.aggregateType).toBe('constructor');
  });

  it('validates hostile enum values and property names exactly', async () => {
    const things = await readJson('schemas/common/things.json');
    const weird = await readJson('schemas/weird.thing/1.json');
    const example = weird.examples[0] as Record<string, unknown>;
    expect(sdk.validateWeirdThingV1(example)).toEqual({ valid: true });
    for (const value of things.definitions.a.enum as string[]) {
      expect(sdk.validateWeirdThingV1({ ...example, first: value }), value).toEqual({ valid: true });
      expect(sdk.validateWeirdThingV1({ ...example, first: `${value} ` }).valid, value).toBe(false);
    }
    const allKeys = { class: 'c', constructor: 'k', 'not-an-identifier': 1, 'with space': 'x', '"quoted"': true, '1starts': 1.5, 'ünïcode': 'u', $dollar: 'd', toString: 't', '*/': '/*' };
    expect(sdk.validateWeirdThingV1({ ...example, second: allKeys })).toEqual({ valid: true });
    const wrong = sdk.validateWeirdThingV1({ ...example, second: { ...allKeys, 'not-an-identifier': 'x', constructor: 1 } });
    expect(wrong.valid).toBe(false);
    if (!wrong.valid) {
      expect(wrong.issues.map((issue) => issue.instancePath).sort()).toEqual(['/second/constructor', '/second/not-an-identifier']);
    }
    // 'constructor' is required: the inherited Object.prototype.constructor does not count.
    const missing = sdk.validateWeirdThingV1({ ...example, second: { class: 'c' } });
    expect(missing.valid).toBe(false);
    if (!missing.valid) expect(missing.issues[0]).toMatchObject({ instancePath: '/second', keyword: 'required', params: { missingProperty: 'constructor' } });
    expect(sdk.validateProtoV1({})).toMatchObject({ valid: false });
    expect(sdk.validateProtoV1({ constructor: '__proto__' })).toEqual({ valid: true });
  });

  it('publishes through the facade with the exact event type and aggregate type', async () => {
    const published: EventEnvelope[] = [];
    const bus = sdk.createBus({ publisher: { publish: async (event) => (published.push(event), 'id-1') } });
    const weird = await readJson('schemas/weird.thing/1.json');
    await expect(bus.publish.weirdThing!(weird.examples[0], { aggregateId: 'a1' })).resolves.toBe('id-1');
    await bus.publish.weirdThing2!({ thing: 'x' }, { aggregateId: 'a2' });
    await bus.publish.proto!({ constructor: 'prototype' }, { aggregateId: 'a3' });
    expect(published.map((event) => [event.eventType, event.aggregateType])).toEqual([
      ['weird.thing', sdk.catalog.events['weird.thing']!.aggregateType],
      ['weird_thing', 'weird'],
      ['__proto__', 'constructor'],
    ]);
    expect(Object.keys(bus.publish)).toEqual(['proto', 'weirdThing', 'weirdThing2']);
  });

  it('names colliding titles deterministically with suffixes', async () => {
    const types = await readFile(path.join(out, 'types.ts'), 'utf8');
    for (const name of ['MyThing', 'MyThing2', 'MyThing3', 'MyThing4', 'Proto', 'WeirdThingEvent', 'WeirdThing2Event']) {
      expect(types).toMatch(new RegExp(`^export type ${name} =`, 'm'));
    }
    expect(types).toContain("'*/'?: string;");
    expect(types).toContain("'__proto__': ProtoEvent;");
    expect(types).not.toMatch(/\*\/ process/);
  });
});
